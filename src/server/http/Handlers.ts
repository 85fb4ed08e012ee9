/** The global manager's request handlers, implementing `GlobalManagerApi`. */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect, Layer, Option } from "effect"
import { Cloud } from "../../core/Cloud.js"
import { DecisionLog } from "../../core/control/DecisionLog.js"
import type { ControlMode } from "../../core/control/Reallocate.js"
import type { ReallocationReason, ReallocationRequest } from "../../core/control/ReallocationRequest.js"
import { describeError } from "../../core/errors.js"
import {
  BadRequest,
  Conflict,
  Forbidden,
  GlobalManagerApi,
  MethodNotAllowed,
  PreconditionFailed,
  ServiceUnavailable,
  SignedRequestAuth,
  Unauthorized,
  UnprocessableEntity
} from "./Api.js"
import { AuthFailures } from "./AuthFailures.js"
import { GlobalManagerConfig } from "./GlobalManagerOptions.js"
import { isRejection, type NeatRejection, neatRequestChecker } from "./NeatRequest.js"
import { OperatorControls } from "./OperatorControls.js"
import { PlanActions } from "./PlanActions.js"
import { PlanBook } from "./PlanBook.js"
import { ReallocationQueue } from "./ReallocationQueue.js"
import { hasSignatureHeaders, NonceCache, type SignatureRejection, verifySignedRequest } from "./RequestSigning.js"
import { refuseReplay, SeenRequests } from "./SeenRequests.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { readStatus } from "./StatusReport.js"
import { decisionView, hostView, migrationView, policyView, vmView } from "./Views.js"

/** The nonces of accepted signed requests, shared by every endpoint. */
export class Nonces extends Effect.Service<Nonces>()("neat/Nonces", { sync: () => new NonceCache() }) {}

const rejection = (rejected: SignatureRejection): Unauthorized | Forbidden | PreconditionFailed =>
  rejected.status === 401
    ? new Unauthorized({ message: rejected.message })
    : rejected.status === 403
      ? new Forbidden({ message: rejected.message })
      : new PreconditionFailed({ message: rejected.message })

const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => ms / 1000)

const clientOf = (request: HttpServerRequest.HttpServerRequest): string | undefined =>
  Option.getOrUndefined(request.remoteAddress)

/** Verifies the signature of the current request; a failure is counted and logged. */
const verifySignature = Effect.gen(function* () {
  const config = yield* GlobalManagerConfig
  const nonces = yield* Nonces
  const failures = yield* AuthFailures
  const request = yield* HttpServerRequest.HttpServerRequest
  const secret = config.request_signing_secret
  if (secret === undefined || secret === "") {
    yield* failures.record("signed", "signing_not_configured", clientOf(request), request)
    return yield* new Unauthorized({ message: "signed requests are not configured on this server" })
  }
  const body = yield* Effect.orElseSucceed(request.text, () => "")
  const rejected = verifySignedRequest(
    { method: request.method, path: request.url, body, headers: request.headers },
    secret,
    yield* nowSeconds,
    config.request_freshness_window,
    nonces
  )
  if (rejected !== undefined) {
    yield* failures.record("signed", rejected.reason, clientOf(request), request)
    return yield* rejection(rejected)
  }
})

/** The `/v1` signature middleware. */
export const SignedRequestAuthLive = Layer.effect(
  SignedRequestAuth,
  Effect.gen(function* () {
    const config = yield* GlobalManagerConfig
    const nonces = yield* Nonces
    const failures = yield* AuthFailures
    return verifySignature.pipe(
      Effect.provideService(GlobalManagerConfig, config),
      Effect.provideService(Nonces, nonces),
      Effect.provideService(AuthFailures, failures)
    )
  })
)

const cloudUnavailable = (error: { readonly _tag: string }) =>
  new ServiceUnavailable({ message: `the cloud cannot be read: ${describeError(error)}` })

/** Queues the request; 422 when the cloud has no such host or VMs. */
const submit = (request: ReallocationRequest, mode?: ControlMode) =>
  Effect.gen(function* () {
    const queue = yield* ReallocationQueue
    const outcome = yield* queue.submit(request, mode)
    if (outcome.result._tag === "Rejected") return yield* new UnprocessableEntity({ message: outcome.result.message })
    if (outcome.result._tag === "Unrecorded") return yield* new ServiceUnavailable({ message: outcome.result.message })
    return {
      coalesced: outcome.coalesced,
      decision: decisionView(outcome.result.decision),
      request_id: outcome.requestId
    }
  })

const text = (value: string | number | ReadonlyArray<string> | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(",") : String(value)

/** The tagged error the API declares for a refusal of the Neat checker. */
const refusal = (
  rejected: NeatRejection
): BadRequest | Unauthorized | Forbidden | Conflict | PreconditionFailed | ServiceUnavailable => {
  switch (rejected.tag) {
    case "BadRequest":
      return new BadRequest({ message: rejected.message })
    case "Unauthorized":
      return new Unauthorized({ message: rejected.message })
    case "Forbidden":
      return new Forbidden({ message: rejected.message })
    case "Conflict":
      return new Conflict({ message: rejected.message })
    case "PreconditionFailed":
      return new PreconditionFailed({ message: rejected.message })
    case "ServiceUnavailable":
      return new ServiceUnavailable({ message: rejected.message })
  }
}

const neatHandlers = HttpApiBuilder.group(GlobalManagerApi, "neat", (handlers) =>
  Effect.gen(function* () {
    const config = yield* GlobalManagerConfig
    const seen = yield* SeenRequests
    const failures = yield* AuthFailures
    const check = neatRequestChecker(config)
    const refuse = (rejected: NeatRejection, request: HttpServerRequest.HttpServerRequest) =>
      Effect.zipRight(
        rejected.authFailure === undefined
          ? Effect.void
          : failures.record("neat", rejected.authFailure, clientOf(request), request),
        Effect.fail(refusal(rejected))
      )
    const notPut = Effect.fail(
      new MethodNotAllowed({ message: "method not allowed: the only supported method is PUT", allow: "PUT" })
    )
    return handlers
      .handle("reallocate", ({ payload, request }) =>
        Effect.gen(function* () {
          const signed = hasSignatureHeaders(request.headers)
          if (signed) yield* verifySignature
          const params = {
            username: text(payload.username),
            password: text(payload.password),
            time: text(payload.time),
            host: text(payload.host),
            reason: text(payload.reason),
            vm_uuids: text(payload.vm_uuids)
          }
          const nowSec = yield* nowSeconds
          const checked = check(params, { signed, nowSec })
          if (isRejection(checked)) return yield* refuse(checked, request)
          // A signed request's nonce already refuses its replay.
          const replayed = signed ? undefined : refuseReplay(seen, params, nowSec, config.request_freshness_window)
          if (replayed !== undefined) return yield* refuse(replayed, request)
          return yield* submit(checked)
        })
      )
      .handle("getRoot", () => notPut)
      .handle("postRoot", () => notPut)
      .handle("patchRoot", () => notPut)
      .handle("deleteRoot", () => notPut)
      .handle("optionsRoot", () => notPut)
  })
)

const v1Handlers = HttpApiBuilder.group(GlobalManagerApi, "v1", (handlers) =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const log = yield* DecisionLog
    const plans = yield* PlanActions
    const controls = yield* OperatorControls
    const policyNow = Effect.zipWith(controls.mode, controls.policy, policyView)
    const context = yield* Effect.context<Cloud | DecisionLog | OperatorControls | PlanBook | ServerMetrics>()
    return handlers
      .handle("reallocations", ({ payload }) => {
        const reason: ReallocationReason =
          payload.reason === 0 || payload.reason === "underload" ? "underload" : "overload"
        const vmUuids = [...(payload.vm_uuids ?? [])]
        if (reason === "overload" && vmUuids.length === 0) {
          return Effect.fail(new BadRequest({ message: "vm_uuids is required for an overload" }))
        }
        if (payload.host === "") return Effect.fail(new BadRequest({ message: "host is required" }))
        return submit({ host: payload.host, reason, vmUuids }, payload.mode)
      })
      .handle("plans", ({ urlParams }) =>
        Effect.map(plans.page(urlParams), (page) =>
          HttpServerResponse.unsafeJson(page.plans, { headers: { "x-total-count": String(page.total) } })
        )
      )
      .handle("plan", ({ path }) => plans.show(path.id))
      .handle("approvePlan", ({ path, payload }) => plans.approve(path.id, payload))
      .handle("rejectPlan", ({ path }) => plans.reject(path.id))
      .handle("policy", () => policyNow)
      .handle("status", ({ urlParams }) => Effect.provide(readStatus(urlParams.limit ?? 10), context))
      .handle("exclusions", ({ payload }) =>
        Effect.zipRight(
          controls.update((policy) => ({
            ...policy,
            excludedHosts: payload.hosts === undefined ? policy.excludedHosts : new Set(payload.hosts),
            excludedVms: payload.vms === undefined ? policy.excludedVms : new Set(payload.vms)
          })),
          policyNow
        )
      )
      .handle("maintenance", ({ payload }) => plans.maintenance(payload.host, payload.enabled))
      .handle("hosts", () =>
        Effect.mapBoth(cloud.hosts, { onFailure: cloudUnavailable, onSuccess: (hosts) => hosts.map(hostView) })
      )
      .handle("vms", () =>
        Effect.mapBoth(cloud.vms, { onFailure: cloudUnavailable, onSuccess: (vms) => vms.map(vmView) })
      )
      .handle("migrations", ({ urlParams }) =>
        Effect.map(log.selectVmMigrations(urlParams.limit ?? 100), (rows) => rows.map(migrationView))
      )
      .handle("decisions", ({ urlParams }) =>
        Effect.map(log.selectDecisions(urlParams.limit ?? 100), (rows) => rows.map(decisionView))
      )
  })
)

const opsHandlers = HttpApiBuilder.group(GlobalManagerApi, "ops", (handlers) =>
  Effect.gen(function* () {
    const metrics = yield* ServerMetrics
    const cloud = yield* Cloud
    const book = yield* PlanBook
    const count = (keys: ReadonlyArray<string>): Record<string, number> => {
      const counts: Record<string, number> = {}
      for (const key of keys) counts[key] = (counts[key] ?? 0) + 1
      return counts
    }
    // Hosts by power state are read at scrape time; an unreachable cloud keeps the last reading.
    const refresh = Effect.gen(function* () {
      const hosts = yield* Effect.either(cloud.hosts)
      if (hosts._tag === "Right") yield* metrics.hostsByPower(count(hosts.right.map((host) => host.power)))
      yield* metrics.plansByStatus(count((yield* book.list).map((plan) => plan.status)))
    })
    const log = yield* DecisionLog
    const health = log.health
    return handlers
      .handle("healthz", () =>
        health === undefined
          ? Effect.succeed({ status: "ok" as const })
          : Effect.map(health, (store) => ({
              status: store.state === "ok" ? ("ok" as const) : ("degraded" as const),
              store: {
                state: store.state,
                latency_ms: store.latencyMs,
                ...(store.detail === undefined ? {} : { detail: store.detail })
              }
            }))
      )
      .handle("metrics", () => Effect.zipRight(refresh, metrics.render))
  })
)

/** Every handler of the API, with the signature middleware. */
export const HandlersLive = Layer.mergeAll(neatHandlers, v1Handlers, opsHandlers).pipe(
  Layer.provide(SignedRequestAuthLive),
  Layer.provide(PlanActions.layer),
  Layer.provide(Nonces.Default)
)
