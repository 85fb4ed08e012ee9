/**
 * The global manager service: the HTTP API over the reallocation queue, listening on the
 * configured address. Needs a `Cloud` and a `DecisionLog`; the placement algorithm is given.
 */
import {
  HttpApiBuilder,
  HttpApp,
  HttpIncomingMessage,
  HttpMiddleware,
  HttpServer,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Cause, Clock, Effect, Layer, Option } from "effect"
import type { VmPlacer } from "../../algorithms/types.js"
import { GlobalManagerApi } from "./Api.js"
import { AuthFailures } from "./AuthFailures.js"
import { dashboardRoutes } from "./Dashboard.js"
import { GlobalManagerConfig, type GlobalManagerOptions, globalOptionsOf } from "./GlobalManagerOptions.js"
import { HandlersLive } from "./Handlers.js"
import { type FastPathHost, FastPathServer, FastPathTlsServer, neatFormFastPath } from "./NeatFormFastPath.js"
import { OperatorControls } from "./OperatorControls.js"
import { PlanBook } from "./PlanBook.js"
import { defaultPlanIntervalSec, planEffectModel } from "./PlanEffectModel.js"
import { ReallocationQueue } from "./ReallocationQueue.js"
import { SeenRequests } from "./SeenRequests.js"
import { ServerMetrics } from "./ServerMetrics.js"

const knownRoutes = new Set([
  "/",
  "/v1/reallocations",
  "/v1/hosts",
  "/v1/vms",
  "/v1/migrations",
  "/v1/decisions",
  "/v1/plans",
  "/v1/policy",
  "/v1/status",
  "/v1/exclusions",
  "/v1/maintenance",
  "/dashboard",
  "/dashboard/login",
  "/dashboard/logout",
  "/dashboard/state"
])
const routeOf = (url: string): string => {
  const path = url.split("?")[0] ?? url
  if (path.startsWith("/v1/plans/")) return "/v1/plans/:id"
  if (path.startsWith("/dashboard/plans/")) return "/dashboard/plans/:id"
  if (path.startsWith("/dashboard/hosts/")) return "/dashboard/hosts/:name"
  return knownRoutes.has(path) || path === "/healthz" || path === "/metrics" || path === "/openapi.json"
    ? path
    : "other"
}

/** The largest request body read, bytes: a reallocation request is a few kilobytes at most. */
export const maxBodyBytes = 1024 * 1024

/** A 503 (the store could not record, or is busy) tells the client when to try again. */
const withRetryAfter = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse =>
  response.status === 503 && response.headers["retry-after"] === undefined
    ? HttpServerResponse.setHeader(response, "retry-after", "1")
    : response

/** The `message` of an error answer's JSON body (`{ _tag, message }`), for the latest errors; else undefined. */
const errorMessageOf = (response: HttpServerResponse.HttpServerResponse): string | undefined => {
  if (response.status < 400 || response.body._tag !== "Uint8Array" || response.body.body.length > 4096) return undefined
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(response.body.body))
    const message =
      typeof parsed === "object" && parsed !== null ? (parsed as { message?: unknown }).message : undefined
    return typeof message === "string" ? message.slice(0, 300) : undefined
  } catch {
    return undefined
  }
}

/** The message of the error an answer was made from (an API error such as `NotFound`), when it has one. */
const messageOfFailure = (error: unknown): string | undefined => {
  const message = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined
  return typeof message === "string" && message !== "" ? message.slice(0, 300) : undefined
}

/**
 * Counts every request by method, route and status, and observes its latency; caps body sizes;
 * adds `Retry-After` to a 503.
 */
const requestMetrics = (app: HttpApp.Default): HttpApp.Default<never, ServerMetrics> =>
  Effect.gen(function* () {
    const metrics = yield* ServerMetrics
    const request = yield* HttpServerRequest.HttpServerRequest
    const start = yield* Clock.currentTimeNanos
    // Applied to the response as it is written, whichever way the app produced it.
    yield* HttpApp.appendPreResponseHandler((_, response) => Effect.succeed(withRetryAfter(response)))
    const record = (response: HttpServerResponse.HttpServerResponse, message: string | undefined) =>
      Effect.flatMap(Clock.currentTimeNanos, (end) =>
        metrics.requestServed(request.method, routeOf(request.url), response.status, Number(end - start) / 1e9, message)
      )
    return yield* app.pipe(
      HttpIncomingMessage.withMaxBodySize(Option.some(maxBodyBytes)),
      Effect.tap((response) => record(response, errorMessageOf(response))),
      Effect.tapErrorCause((cause) =>
        Effect.flatMap(HttpServerError.causeResponse(cause), ([response]) =>
          record(response, messageOfFailure(Cause.squash(cause)))
        )
      )
    )
  })

/**
 * The HTTP app and its services, without a listening server. The recommended plans live in
 * `planBook`: in memory by default, or in the store (`storePlanBookLayer`) to survive restarts.
 * With `fastPathServer`, Neat's form-encoded `PUT /` is answered on that server ahead of the app
 * (`NeatFormFastPath`), sharing the app's queue and metrics.
 */
export const globalManagerApp = <E = never, R = never>(
  options: GlobalManagerOptions,
  placer: VmPlacer,
  planBook?: Layer.Layer<PlanBook, E, R>,
  fastPathServer?: FastPathHost
) => {
  // One layer value, so that the app and the fast path share one queue when built together.
  const queue = ReallocationQueue.layer(placer, globalOptionsOf(options), options.snapshot_max_age, {
    intervalSec: options.plan_interval ?? defaultPlanIntervalSec,
    maxAgeSec: options.plan_max_age,
    effect: planEffectModel(options)
  })
  const app = HttpApiBuilder.serve(requestMetrics).pipe(
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(dashboardRoutes),
    Layer.provide(HttpApiBuilder.api(GlobalManagerApi).pipe(Layer.provide(HandlersLive))),
    Layer.provide(queue)
  )
  const served =
    fastPathServer === undefined
      ? app
      : Layer.merge(app, neatFormFastPath(fastPathServer, maxBodyBytes).pipe(Layer.provide(queue)))
  return served.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        AuthFailures.layer.pipe(Layer.provideMerge(ServerMetrics.layer)),
        SeenRequests.layer,
        OperatorControls.layer,
        planBook ?? PlanBook.layer
      )
    ),
    Layer.provide(Layer.succeed(GlobalManagerConfig, options))
  )
}

/**
 * The global manager listening on `global_manager_host:global_manager_port`, over TLS when
 * `global_manager_tls` is given (per-request tracing
 * spans are off: no exporter is configured, and they cost a quarter of a rejected request). The `HttpServer`
 * stays visible so callers can read the bound address (port 0 picks a free one).
 */
export const globalManagerLayer = <E = never, R = never>(
  options: GlobalManagerOptions,
  placer: VmPlacer,
  planBook?: Layer.Layer<PlanBook, E, R>
) =>
  Layer.unwrapEffect(
    Effect.sync(() => {
      const tls = options.global_manager_tls
      const server = tls === undefined ? new FastPathServer() : new FastPathTlsServer({ cert: tls.cert, key: tls.key })
      return globalManagerApp(options, placer, planBook, server).pipe(
        HttpMiddleware.withTracerDisabledWhen(() => true),
        Layer.provideMerge(
          NodeHttpServer.layer(() => server, {
            host: options.global_manager_host,
            port: options.global_manager_port
          })
        )
      )
    })
  )

/** The bound port of the running server. */
export const serverPort = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? server.address.port : 0
)
