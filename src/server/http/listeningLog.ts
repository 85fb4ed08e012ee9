/**
 * The start-up lines saying where the global manager answers: the API's URL and the dashboard's
 * (or that the dashboard is off), with the scheme clients must use. Each line carries its URL as
 * the `url` annotation, so that a JSON log gives it as a field.
 */
import { HttpServer } from "@effect/platform"
import { Effect, Layer } from "effect"

/** The base URL of a TCP address; an IPv6 host in brackets. */
export const baseUrl = (hostname: string, port: number, tls: boolean): string =>
  `${tls ? "https" : "http"}://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`

/** Logs the API's and the dashboard's URLs once the server listens. */
export const logListening = (options: { readonly tls: boolean; readonly dashboard: boolean }) =>
  Layer.effectDiscard(
    Effect.flatMap(HttpServer.HttpServer, ({ address }) => {
      if (address._tag !== "TcpAddress")
        return Effect.logInfo(`API listening on ${address.path}`).pipe(Effect.annotateLogs({ url: address.path }))
      const base = baseUrl(address.hostname, address.port, options.tls)
      return Effect.zipRight(
        Effect.logInfo(`API listening on ${base}/`).pipe(Effect.annotateLogs({ url: `${base}/` })),
        options.dashboard
          ? Effect.logInfo(`dashboard on ${base}/dashboard`).pipe(Effect.annotateLogs({ url: `${base}/dashboard` }))
          : Effect.logInfo("dashboard off: set dashboard_token (or --dashboard-token) to serve it")
      )
    }).pipe(Effect.annotateLogs({ service: "GlobalManager" }))
  )
