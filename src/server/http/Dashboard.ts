/**
 * The dashboard's routes, beside the API: the page (`GET /dashboard`), its login and logout, its
 * state as JSON (polled by the page) and the approval and rejection of plans. Read access and
 * approvals need a session from the dashboard token (`dashboard_token`); approvals also need the
 * `X-Neat-Dashboard` header, which another site's page cannot send (no CORS), against forged posts.
 * Without a token configured, every dashboard route answers 404. Failed logins are throttled per
 * client (429 with Retry-After), counted and logged; the session cookie is `Secure` whenever the
 * page is served over TLS. The page and its state are gzipped for browsers that accept it (a
 * thousand hosts' state shrinks about tenfold); the energy of the day is sampled once a minute and
 * at every read of the state.
 */
import { randomBytes } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { gzipSync } from "node:zlib"
import { HttpApiBuilder, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Duration, Effect, Either, Layer, Option, Schedule, Schema } from "effect"
import type { Cloud } from "../../core/Cloud.js"
import type { DecisionLog } from "../../core/control/DecisionLog.js"
import { ApprovalBody } from "./Api.js"
import { AuthFailures } from "./AuthFailures.js"
import { dashboardPage, loginPage } from "./DashboardPage.js"
import { dashboardPlans } from "./DashboardPlans.js"
import { EnergyMeter } from "./DashboardPower.js"
import { DashboardSessions, sessionCookie, sessionLifetimeSec } from "./DashboardSessions.js"
import { type DashboardHost, readDashboardState, readHostDetail, readHosts } from "./DashboardState.js"
import { GlobalManagerConfig } from "./GlobalManagerOptions.js"
import { LoginThrottle } from "./LoginThrottle.js"
import { OperatorControls } from "./OperatorControls.js"
import { PlanActions, type PlanActionsApi } from "./PlanActions.js"
import { planStatuses } from "./PlanBook.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { windowsView } from "./StatusReport.js"
import { policyView } from "./Views.js"

/** The header approvals must carry (a cross-site form cannot set it). */

/** The store's count of plans in every status: the true totals, not the plans kept in memory. */
const planCounts = (actions: PlanActionsApi) =>
  Effect.gen(function* () {
    const counts: Record<string, number> = {}
    for (const status of planStatuses) counts[status] = (yield* actions.page({ status, limit: 1 })).total
    return counts
  })

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
const HostPath = Schema.Struct({ name: Schema.String })

/** Answers smaller than this are sent as they are. */
const gzipAboveBytes = 1024

/** `text` as the body, gzipped when the browser accepts it and it is worth it. */
const compressed = (
  request: HttpServerRequest.HttpServerRequest,
  text: string,
  contentType: string,
  headers: Readonly<Record<string, string>>
): HttpServerResponse.HttpServerResponse => {
  const accepts = /\bgzip\b/.test(request.headers["accept-encoding"] ?? "")
  const body = Buffer.from(text, "utf8")
  if (!accepts || body.length < gzipAboveBytes) {
    return HttpServerResponse.uint8Array(body, { contentType, headers: { ...headers, vary: "accept-encoding" } })
  }
  return HttpServerResponse.uint8Array(gzipSync(body, { level: 6 }), {
    contentType,
    headers: { ...headers, "content-encoding": "gzip", vary: "accept-encoding" }
  })
}

/** Seconds between the energy meter's samples when nobody reads the state. */
const energySampleSec = 60

const sumOf = (hosts: ReadonlyArray<DashboardHost>, watts: (host: DashboardHost) => number): number =>
  hosts.reduce((sum, host) => sum + watts(host), 0)
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
    const metrics = yield* ServerMetrics
    const meter = new EnergyMeter()
    let cloudReadFailing = false
    const sampleEnergy = (hosts: ReadonlyArray<DashboardHost>, nowMs: number) =>
      meter.sample(
        nowMs,
        sumOf(hosts, (host) => host.power_w),
        sumOf(hosts, (host) => host.power_all_on_w)
      )
    // The day's energy accrues whether or not a page is open.
    yield* Effect.forkScoped(
      Effect.gen(function* () {
        const hosts = yield* Effect.either(readHosts)
        if (hosts._tag === "Right") sampleEnergy(hosts.right, yield* Clock.currentTimeMillis)
      }).pipe(Effect.provide(context), Effect.repeat(Schedule.spaced(Duration.seconds(energySampleSec))))
    )

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
          yield* failures.record("dashboard", "no_session", clientOf(request), request)
          return errorJson(401, "Unauthorized", "log in to the dashboard first")
        }
        if (write && request.headers[dashboardHeader] !== "1") {
          yield* failures.record("dashboard", "missing_header", clientOf(request), request)
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
        return compressed(
          request,
          loggedIn ? dashboardPage(nonce) : loginPage(nonce),
          "text/html; charset=utf-8",
          securityHeaders(nonce)
        )
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
          yield* failures.record("dashboard", "throttled", client, request)
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
          yield* failures.record("dashboard", "wrong_token", client, request)
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
          const request = yield* HttpServerRequest.HttpServerRequest
          const actions = yield* PlanActions
          const controls = yield* OperatorControls
          const state = yield* readDashboardState
          const nowMs = yield* Clock.currentTimeMillis
          if (state.cloud_error === undefined) {
            cloudReadFailing = false
            sampleEnergy(state.hosts, nowMs)
          } else if (!cloudReadFailing) {
            // Once per outage, not once per poll of every open page.
            cloudReadFailing = true
            metrics.unsafeError(
              "cloud",
              state.cloud_error,
              `the dashboard could not read the cloud: ${state.cloud_error}`
            )
          }
          const body = {
            ...state,
            ...dashboardPlans(yield* actions.list, yield* planCounts(actions)),
            energy: meter.view(),
            errors: yield* metrics.errorClasses,
            policy: policyView(yield* controls.mode, yield* controls.policy),
            windows: windowsView(yield* controls.policy, state.hosts, nowMs),
            metrics: yield* metrics.render,
            now_ms: nowMs
          }
          return compressed(request, JSON.stringify(body), "application/json", { "cache-control": "no-store" })
        })
      )
    )

    yield* router.get(
      "/dashboard/hosts/:name",
      guarded(
        false,
        Effect.gen(function* () {
          const { name } = yield* HttpRouter.schemaPathParams(HostPath)
          const detail = yield* Effect.either(readHostDetail(name))
          if (Either.isLeft(detail)) {
            return detail.left._tag === "UnknownHost"
              ? errorJson(404, "NotFound", `no host ${name}`)
              : errorJson(503, "ServiceUnavailable", `the cloud cannot be read: ${detail.left._tag}`)
          }
          return HttpServerResponse.unsafeJson(detail.right, { headers: { "cache-control": "no-store" } })
        })
      )
    )

    const planAction = (approve: boolean) =>
      guarded(
        true,
        Effect.gen(function* () {
          const { id } = yield* HttpRouter.schemaPathParams(PlanPath)
          const actions = yield* PlanActions
          // A field this server does not know (a selection it cannot honour) is refused, never ignored:
          // ignoring it would approve every action.
          const body = approve
            ? yield* Effect.either(HttpServerRequest.schemaBodyJson(ApprovalBody, { onExcessProperty: "error" }))
            : Either.right({})
          if (Either.isLeft(body)) {
            return errorJson(400, "BadRequest", `this server cannot honour that approval: ${body.left.message}`)
          }
          const selection = body.right
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
