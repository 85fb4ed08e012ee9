/**
 * One JSON exchange with an OpenStack API: send, wait at most `timeoutSec`, read the body as
 * JSON. Transport failures and unreadable bodies become typed errors naming the request; the
 * status is left to the caller (Keystone and Nova read their errors differently).
 */
import { type HttpClient, HttpClientRequest } from "@effect/platform"
import { Duration, Effect, Option } from "effect"
import { OpenStackDecodeError, OpenStackHttpError, OpenStackTransportError, type RequestDescription } from "./errors.js"

export interface JsonExchange {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly url: string
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: unknown
  readonly timeoutSec: number
}

export interface JsonAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The parsed body; `undefined` when the body is empty. */
  readonly json: unknown
  readonly request: RequestDescription
}

const describeCause = (cause: unknown): string => {
  if (cause instanceof Error) {
    const code = "code" in cause && typeof cause.code === "string" ? `${cause.code}: ` : ""
    return `${code}${cause.message}`
  }
  return String(cause)
}

/** Sends one request and reads a JSON (or empty) body. */
export const exchangeJson = (
  client: HttpClient.HttpClient,
  exchange: JsonExchange
): Effect.Effect<JsonAnswer, OpenStackTransportError | OpenStackDecodeError> => {
  const request: RequestDescription = { method: exchange.method, url: exchange.url }
  let outgoing = HttpClientRequest.make(exchange.method)(exchange.url).pipe(
    HttpClientRequest.setHeaders({ Accept: "application/json", ...exchange.headers })
  )
  if (exchange.body !== undefined) {
    outgoing = HttpClientRequest.bodyUnsafeJson(outgoing, exchange.body)
  }
  const send = Effect.gen(function* () {
    const response = yield* client.execute(outgoing)
    const text = yield* response.text
    return { response, text }
  }).pipe(
    Effect.scoped,
    Effect.mapError(
      (error) =>
        new OpenStackTransportError({
          request,
          reason: "connection",
          message: describeCause(error.cause ?? error)
        })
    ),
    Effect.timeoutFail({
      duration: Duration.seconds(exchange.timeoutSec),
      onTimeout: () =>
        new OpenStackTransportError({
          request,
          reason: "timeout",
          message: `no answer within ${exchange.timeoutSec} s`
        })
    })
  )
  return Effect.flatMap(send, ({ response, text }) => {
    const answer = (json: unknown): JsonAnswer => ({
      status: response.status,
      headers: response.headers,
      json,
      request
    })
    if (text.trim() === "") return Effect.succeed(answer(undefined))
    return Effect.try({
      try: () => answer(JSON.parse(text)),
      catch: () =>
        new OpenStackDecodeError({
          request,
          message: `status ${response.status}, body is not JSON: ${JSON.stringify(text.slice(0, 120))}`
        })
    }).pipe(
      // An error status with a non-JSON body (a proxy's HTML page) is still an HTTP error.
      Effect.catchIf(
        () => response.status >= 400,
        () => Effect.succeed(answer(text.slice(0, 200)))
      )
    )
  })
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The error an error status stands for. Nova's own errors are `{"<kind>": {code, message}}`;
 * the auth middleware and Keystone use `{"error": {code, title, message}}`.
 */
export const httpErrorOf = (answer: JsonAnswer): OpenStackHttpError => {
  let kind: string | undefined
  let message = `HTTP ${answer.status}`
  const body = answer.json
  if (isRecord(body)) {
    const first = Object.entries(body).find(([, value]) => isRecord(value) && typeof value.message === "string")
    if (first !== undefined && isRecord(first[1])) {
      kind = first[0] === "error" ? undefined : first[0]
      message = String(first[1].message)
    }
  } else if (typeof body === "string" && body.trim() !== "") {
    message = `HTTP ${answer.status}: ${body.trim().replace(/\s+/g, " ").slice(0, 160)}`
  }
  return new OpenStackHttpError({ request: answer.request, status: answer.status, kind, message })
}

/** A response header, case-insensitively (Node lower-cases them). */
export const headerOf = (answer: JsonAnswer, name: string): Option.Option<string> =>
  Option.fromNullable(answer.headers[name.toLowerCase()])
