/**
 * The dashboard's routes, beside the API: the page (`GET /dashboard`), its login and logout, its
 * state as JSON (polled by the page) and the approval and rejection of plans. Read access and
 * approvals need a session from the dashboard token (`dashboard_token`); approvals also need the
 * `X-Neat-Dashboard` header, which another site's page cannot send (no CORS), against forged posts.
 * Without a token configured, every dashboard route answers 404. Failed logins are throttled per
 * client (429 with Retry-After), counted and logged; the session cookie is `Secure` whenever the
 * page is served over TLS.
 */
import { randomBytes } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { HttpApiBuilder, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect, Either, Layer, Option, Schema } from "effect"
import type { Cloud } from "../../core/Cloud.js"
import type { DecisionLog } from "../../core/control/DecisionLog.js"
import { ApprovalBody } from "./Api.js"
import { AuthFailures } from "./AuthFailures.js"
import { dashboardPage, loginPage } from "./DashboardPage.js"
import { DashboardSessions, sessionCookie, sessionLifetimeSec } from "./DashboardSessions.js"
import { readDashboardState } from "./DashboardState.js"
import { GlobalManagerConfig } from "./GlobalManagerOptions.js"
import { LoginThrottle } from "./LoginThrottle.js"
import { OperatorControls } from "./OperatorControls.js"
import { PlanActions } from "./PlanActions.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { windowsView } from "./StatusReport.js"
import { policyView } from "./Views.js"

/** The header approvals must carry (a cross-site form cannot set it). */
export const dashboardHeader = "x-neat-dashboard"

const errorJson = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

const securityHeaders = (nonce: string) => ({
  "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
})

const PlanPath = Schema.Struct({ id: Schema.NumberFromString.pipe(Schema.int(), Schema.positive()) })
const LoginForm = Schema.Struct({ token: Schema.String })

/**
 * Whether the browser reached this page over TLS: this server's own TLS, or a TLS-terminating proxy
 * that says so (`X-Forwarded-Proto: https`; trusting it can only make the cookie stricter).
 */
const servedOverTls = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const source = request.source as Partial<IncomingMessage>
  const socket = source.socket as { readonly encrypted?: boolean } | undefined
  return socket?.encrypted === true || request.headers["x-forwarded-proto"] === "https"
}

const clientOf = (request: HttpServerRequest.HttpServerRequest): string =>
  Option.getOrElse(request.remoteAddress, () => "unknown")

const statusOf = (tag: string): number =>
  tag === "NotFound" ? 404 : tag === "Conflict" ? 409 : tag === "UnprocessableEntity" ? 422 : 503

/** The dashboard's routes as a layer on the API's router. */
export const dashboardRoutes = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const config = yield* GlobalManagerConfig
    const context = yield* Effect.context<
      PlanActions | OperatorControls | ServerMetrics | Cloud | DecisionLog | GlobalManagerConfig
    >()
    const token = config.dashboard_token
    if (token === undefined || token === "") return
    const sessions = new DashboardSessions(token)
    const throttle = new LoginThrottle()
    const failures = yield* AuthFailures

    const sessionOf = (request: HttpServerRequest.HttpServerRequest) =>
      Effect.map(Clock.currentTimeMillis, (nowMs) => {
        const id = request.cookies[sessionCookie]
        return sessions.valid(id, nowMs) ? id : undefined
      })

    /** Runs `handler` for a logged-in browser; 401 otherwise (and 403 without the header when `write`). */
    const guarded = <E>(
      write: boolean,
      handler: Effect.Effect<
        HttpServerResponse.HttpServerResponse,
        E,
        | HttpServerRequest.HttpServerRequest
        | HttpRouter.RouteContext
        | PlanActions
        | OperatorControls
        | ServerMetrics
        | Cloud
        | DecisionLog
      >
    ) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        if ((yield* sessionOf(request)) === undefined) {
          return errorJson(401, "Unauthorized", "log in to the dashboard first")
        }
        if (write && request.headers[dashboardHeader] !== "1") {
          return errorJson(403, "Forbidden", `approvals need the ${dashboardHeader} header`)
        }
        return yield* handler
      }).pipe(
        Effect.catchAll(() => Effect.succeed(errorJson(400, "BadRequest", "malformed request"))),
        Effect.provide(context)
      )

    yield* router.get(
      "/dashboard",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const nonce = randomBytes(16).toString("base64")
        const loggedIn = (yield* sessionOf(request)) !== undefined
        return HttpServerResponse.text(loggedIn ? dashboardPage(nonce) : loginPage(nonce), {
          contentType: "text/html; charset=utf-8",
          headers: securityHeaders(nonce)
        })
      })
    )

    yield* router.post(
      "/dashboard/login",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const client = clientOf(request)
        const nowMs = yield* Clock.currentTimeMillis
        // Checked before the token, so that a throttled client learns nothing from its guesses.
        const waitMs = throttle.waitMs(client, nowMs)
        if (waitMs > 0) {
          yield* failures.record("dashboard", "throttled", client)
          const seconds = Math.ceil(waitMs / 1000)
          return HttpServerResponse.unsafeJson(
            { _tag: "TooManyRequests", message: `too many failed logins: try again in ${seconds} s` },
            { status: 429, headers: { "retry-after": String(seconds) } }
          )
        }
        const form = yield* Effect.either(HttpServerRequest.schemaBodyUrlParams(LoginForm))
        const id = Either.isRight(form) ? sessions.login(form.right.token, nowMs) : undefined
        if (id === undefined) {
          throttle.failed(client, nowMs)
          yield* failures.record("dashboard", "wrong_token", client)
          return errorJson(403, "Forbidden", "wrong dashboard token")
        }
        throttle.succeeded(client)
        return yield* HttpServerResponse.redirect("/dashboard", { status: 303 }).pipe(
          HttpServerResponse.setCookie(sessionCookie, id, {
            httpOnly: true,
            sameSite: "strict",
            secure: servedOverTls(request),
            path: "/dashboard",
            maxAge: `${sessionLifetimeSec} seconds`
          })
        )
      }).pipe(Effect.orDie)
    )

    yield* router.post(
      "/dashboard/logout",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        sessions.logout(request.cookies[sessionCookie])
        return yield* HttpServerResponse.redirect("/dashboard", { status: 303 }).pipe(
          HttpServerResponse.setCookie(sessionCookie, "", {
            httpOnly: true,
            sameSite: "strict",
            secure: servedOverTls(request),
            path: "/dashboard",
            maxAge: 0
          })
        )
      }).pipe(Effect.orDie)
    )

    yield* router.get(
      "/dashboard/state",
      guarded(
        false,
        Effect.gen(function* () {
          const actions = yield* PlanActions
          const controls = yield* OperatorControls
          const metrics = yield* ServerMetrics
          const state = yield* readDashboardState
          return HttpServerResponse.unsafeJson(
            {
              ...state,
              plans: (yield* actions.list).slice(0, 25),
              policy: policyView(yield* controls.mode, yield* controls.policy),
              windows: windowsView(yield* controls.policy, state.hosts, yield* Clock.currentTimeMillis),
              metrics: yield* metrics.render,
              now_ms: yield* Clock.currentTimeMillis
            },
            { headers: { "cache-control": "no-store" } }
          )
        })
      )
    )

    const planAction = (approve: boolean) =>
      guarded(
        true,
        Effect.gen(function* () {
          const { id } = yield* HttpRouter.schemaPathParams(PlanPath)
          const actions = yield* PlanActions
          const selection = approve ? yield* HttpServerRequest.schemaBodyJson(ApprovalBody) : {}
          const result = yield* Effect.either(
            approve ? Effect.map(actions.approve(id, selection), (answer): unknown => answer) : actions.reject(id)
          )
          if (Either.isLeft(result)) {
            return errorJson(statusOf(result.left._tag), result.left._tag, result.left.message)
          }
          return HttpServerResponse.unsafeJson(result.right)
        })
      )
    yield* router.post("/dashboard/plans/:id/approve", planAction(true))
    yield* router.post("/dashboard/plans/:id/reject", planAction(false))
  })
).pipe(Layer.provide(PlanActions.layer))
