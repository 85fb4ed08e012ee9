/**
 * Failed authentications, counted in `/metrics` (`neat_auth_failures_total{scheme,reason}`), kept
 * among the latest errors of the `auth` class (the dashboard shows them) and logged as warnings for
 * the operator: the scheme, the reason, the client's address and the method and path it asked for,
 * never a credential, token or signature. Logging is rate-limited so that a flood of guesses cannot flood
 * the log: a few lines a minute, then one line saying how many were left out.
 */
import { Context, Effect, Layer, Runtime } from "effect"
import { ServerMetrics } from "./ServerMetrics.js"

export type AuthScheme = "neat" | "signed" | "dashboard"

/** Lines logged per minute at most. */
export const authLogLinesPerMinute = 10

/** How many lines a window of a minute may log; counts the ones it leaves out. */
export class LogBudget {
  private windowStartMs = Number.NEGATIVE_INFINITY
  private logged = 0
  private suppressed = 0

  constructor(
    readonly linesPerWindow: number = authLogLinesPerMinute,
    readonly windowMs: number = 60_000
  ) {}

  /** Whether to log now, and how many lines were left out before this one (to say so). */
  admit(nowMs: number): { readonly log: boolean; readonly leftOut: number } {
    if (nowMs - this.windowStartMs >= this.windowMs) {
      this.windowStartMs = nowMs
      this.logged = 0
    }
    if (this.logged >= this.linesPerWindow) {
      this.suppressed++
      return { log: false, leftOut: 0 }
    }
    this.logged++
    const leftOut = this.suppressed
    this.suppressed = 0
    return { log: true, leftOut }
  }
}

/** What the refused client asked for. */
export interface RefusedRequest {
  readonly method: string
  readonly url: string
}

/** `METHOD /path` without the query (which may carry anything). */
const requestLine = (request: RefusedRequest | undefined): string | undefined =>
  request === undefined ? undefined : `${request.method} ${request.url.split("?")[0] ?? request.url}`

export interface AuthFailuresApi {
  /** Counts a failure and logs it within the budget; a plain call, for the form fast path. */
  readonly unsafeRecord: (
    scheme: AuthScheme,
    reason: string,
    client: string | undefined,
    request?: RefusedRequest
  ) => void
  readonly record: (
    scheme: AuthScheme,
    reason: string,
    client: string | undefined,
    request?: RefusedRequest
  ) => Effect.Effect<void>
}

export class AuthFailures extends Context.Tag("neat/AuthFailures")<AuthFailures, AuthFailuresApi>() {
  static readonly layer: Layer.Layer<AuthFailures, never, ServerMetrics> = Layer.effect(
    AuthFailures,
    Effect.gen(function* () {
      const metrics = yield* ServerMetrics
      // The runtime the server was built in carries its logger (text or JSON lines).
      const runtime = yield* Effect.runtime<never>()
      const budget = new LogBudget()
      const unsafeRecord = (
        scheme: AuthScheme,
        reason: string,
        client: string | undefined,
        request?: RefusedRequest
      ): void => {
        const line = requestLine(request)
        const where = `from ${client ?? "unknown client"}${line === undefined ? "" : ` on ${line}`}`
        metrics.unsafeAuthFailure(scheme, reason, where)
        const { log, leftOut } = budget.admit(Date.now())
        if (!log) return
        const more = leftOut > 0 ? ` (${leftOut} more failed authentications not logged in the last minute)` : ""
        Runtime.runFork(runtime)(
          Effect.logWarning(`authentication failed: ${scheme} ${reason} ${where}${more}`).pipe(
            Effect.annotateLogs({
              service: "auth",
              scheme,
              reason,
              client: client ?? "unknown",
              ...(line === undefined ? {} : { request: line })
            })
          )
        )
      }
      return {
        unsafeRecord,
        record: (scheme, reason, client, request) => Effect.sync(() => unsafeRecord(scheme, reason, client, request))
      }
    })
  )
}
