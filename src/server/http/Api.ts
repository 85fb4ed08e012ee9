/**
 * The global manager's HTTP API, declared once: Neat's `PUT /` for its local managers, the JSON
 * API under `/v1`, health and metrics. Handlers live in `Handlers.ts`.
 */
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"

export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 403 })
) {}

export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()(
  "MethodNotAllowed",
  { message: Schema.String, allow: Schema.String },
  HttpApiSchema.annotations({ status: 405 })
) {}

export class PreconditionFailed extends Schema.TaggedError<PreconditionFailed>()(
  "PreconditionFailed",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 412 })
) {}

export class UnprocessableEntity extends Schema.TaggedError<UnprocessableEntity>()(
  "UnprocessableEntity",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 422 })
) {}

export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}

/** Verifies the HMAC signature of every `/v1` request before its body is even decoded. */
export class SignedRequestAuth extends HttpApiMiddleware.Tag<SignedRequestAuth>()("SignedRequestAuth", {
  failure: Schema.Union(Unauthorized, Forbidden, PreconditionFailed)
}) {}

const Scalar = Schema.Union(Schema.String, Schema.Number)

/**
 * Neat's request parameters, form-encoded or JSON. Every field is optional here so that the handler
 * can answer in Neat's order: 401 for missing credentials before 400 for missing parameters.
 */
export const NeatRequestParams = Schema.Struct({
  username: Schema.optional(Scalar),
  password: Schema.optional(Scalar),
  time: Schema.optional(Scalar),
  host: Schema.optional(Scalar),
  reason: Schema.optional(Scalar),
  vm_uuids: Schema.optional(Schema.Union(Scalar, Schema.Array(Schema.String)))
})

/** The body of `POST /v1/reallocations` (signed). */
export const ReallocationBody = Schema.Struct({
  host: Schema.String,
  reason: Schema.Union(Schema.Literal("underload", "overload"), Schema.Literal(0, 1)),
  vm_uuids: Schema.optional(Schema.Array(Schema.String)),
  /** Overrides the deployment's mode for this request. */
  mode: Schema.optional(Schema.Literal("auto", "recommend"))
})

const MigrationView = Schema.Struct({ vm: Schema.String, from: Schema.String, to: Schema.String })
const HostFailure = Schema.Struct({ host: Schema.String, reason: Schema.String })

export const MigrationResultView = Schema.Struct({
  vm: Schema.String,
  from: Schema.String,
  to: Schema.String,
  migrated: Schema.Boolean,
  seconds: Schema.optional(Schema.Number),
  reason: Schema.optional(Schema.String)
})

/**
 * `/healthz`: the process answers (always 200); `degraded` when the store is busy (locked, slow)
 * or unreachable. `store` is absent when decisions are kept in memory.
 */
export const HealthView = Schema.Struct({
  status: Schema.Literal("ok", "degraded"),
  store: Schema.optional(
    Schema.Struct({
      state: Schema.Literal("ok", "busy", "unreachable"),
      latency_ms: Schema.Number,
      detail: Schema.optional(Schema.String)
    })
  )
})

/** A recorded decision as the API shows it. */
export const DecisionView = Schema.Struct({
  id: Schema.Number,
  host: Schema.String,
  reason: Schema.Literal("underload", "overload"),
  vm_uuids: Schema.Array(Schema.String),
  outcome: Schema.Literal("done", "partial", "skipped", "failed", "recommended", "executing"),
  status: Schema.String,
  detail: Schema.String,
  received_at_ms: Schema.Number,
  started_at_ms: Schema.Number,
  finished_at_ms: Schema.Number,
  timings_ms: Schema.Struct({ snapshot: Schema.Number, placement: Schema.Number, execution: Schema.Number }),
  inputs: Schema.Struct({
    active_hosts: Schema.Number,
    inactive_hosts: Schema.Number,
    vms_to_place: Schema.Array(Schema.String)
  }),
  placement: Schema.Record({ key: Schema.String, value: Schema.String }),
  plan: Schema.Struct({
    migrations: Schema.Array(MigrationView),
    wake: Schema.Array(Schema.String),
    suspend: Schema.Array(Schema.String)
  }),
  execution: Schema.Struct({
    migrations: Schema.Array(MigrationResultView),
    woken: Schema.Array(Schema.String),
    wake_failures: Schema.Array(HostFailure),
    suspended: Schema.Array(Schema.String),
    suspend_failures: Schema.Array(HostFailure)
  })
})

/** The answer to a reallocation request: its decision, and whether it joined one already queued. */
export const ReallocationView = Schema.Struct({
  coalesced: Schema.Boolean,
  decision: DecisionView,
  request_id: Schema.optional(Schema.String)
})

/** One action of a plan: `wake`/`suspend` name `host`, `migrate` names `vm`, `from` and `to`. */
export const PlanActionView = Schema.Struct({
  key: Schema.String,
  kind: Schema.Literal("wake", "migrate", "suspend"),
  host: Schema.optional(Schema.String),
  vm: Schema.optional(Schema.String),
  from: Schema.optional(Schema.String),
  to: Schema.optional(Schema.String),
  /** Keys of the actions that must be done first. */
  after: Schema.Array(Schema.String),
  status: Schema.Literal("pending", "approved", "skipped", "done", "failed"),
  /** Why it was skipped, or how it ended. */
  detail: Schema.optional(Schema.String)
})

/** A plan's predicted effect (`PlanEffect.ts` says how each figure is worked out). */
export const PlanEffectView = Schema.Struct({
  hosts_freed: Schema.Number,
  power_saved_w: Schema.Number,
  energy_saved_kwh_per_hour: Schema.Number,
  migrations: Schema.Number,
  migration_seconds: Schema.Number,
  sla_risk_hosts: Schema.Array(Schema.String)
})

/** A request merged into a plan. */
export const PlanRequestView = Schema.Struct({
  decision_id: Schema.Number,
  host: Schema.String,
  reason: Schema.Literal("underload", "overload"),
  vm_uuids: Schema.Array(Schema.String)
})

export const PlanStatusLiteral = Schema.Literal("pending", "approved", "rejected", "expired", "superseded")

/** A recommended plan (the requests of one control interval merged) and what became of it. */
export const PlanView = Schema.Struct({
  id: Schema.Number,
  status: PlanStatusLiteral,
  created_at_ms: Schema.Number,
  interval_started_at_ms: Schema.optional(Schema.Number),
  expires_at_ms: Schema.Number,
  resolution: Schema.optional(Schema.String),
  executed_by: Schema.optional(Schema.Number),
  superseded_by: Schema.optional(Schema.Number),
  requests: Schema.optional(Schema.Array(PlanRequestView)),
  actions: Schema.Array(PlanActionView),
  effect: Schema.optional(PlanEffectView),
  /** The state of the hosts and VMs involved when the plan was made. */
  fingerprint: Schema.Struct({
    hosts: Schema.Record({ key: Schema.String, value: Schema.String }),
    vms: Schema.Record({ key: Schema.String, value: Schema.String })
  }),
  /** The decision that opened the plan (the first request of its interval). */
  decision: DecisionView
})

/**
 * Which actions to approve: `actions` lists their keys (the rest are skipped, and so is every
 * action that depends on a skipped one); without it, every action. The older per-kind lists
 * (`migrations` by VM, `wake` and `suspend` by host, an absent list meaning all of its kind) are
 * still understood when `actions` is absent.
 */
export const ApprovalBody = Schema.Struct({
  actions: Schema.optional(Schema.Array(Schema.String)),
  migrations: Schema.optional(Schema.Array(Schema.String)),
  wake: Schema.optional(Schema.Array(Schema.String)),
  suspend: Schema.optional(Schema.Array(Schema.String))
})

export const ApprovalView = Schema.Struct({
  result: Schema.Literal("executed"),
  plan: PlanView,
  decision: DecisionView,
  /** The actions left out, and why. */
  skipped: Schema.optional(Schema.Array(Schema.Struct({ key: Schema.String, reason: Schema.String })))
})

/** The operator's rules in force. */
export const PolicyView = Schema.Struct({
  mode: Schema.Literal("auto", "recommend"),
  excluded_hosts: Schema.Array(Schema.String),
  excluded_vms: Schema.Array(Schema.String),
  maintenance_hosts: Schema.Array(Schema.String),
  min_spare_hosts: Schema.Number,
  max_migrations_per_interval: Schema.Number,
  migration_cap_interval: Schema.Number
})

export const ExclusionsBody = Schema.Struct({
  hosts: Schema.optional(Schema.Array(Schema.String)),
  vms: Schema.optional(Schema.Array(Schema.String))
})

export const MaintenanceBody = Schema.Struct({ host: Schema.String, enabled: Schema.Boolean })
export const MaintenanceView = Schema.Struct({ policy: PolicyView, drain: Schema.optional(ReallocationView) })

const PlanId = Schema.Struct({ id: Schema.NumberFromString.pipe(Schema.int(), Schema.positive()) })

export const HostView = Schema.Struct({
  name: Schema.String,
  cores: Schema.Number,
  mhz_per_core: Schema.Number,
  ram_mb: Schema.Number,
  power: Schema.String,
  vms: Schema.Array(Schema.String)
})

export const VmView = Schema.Struct({
  uuid: Schema.String,
  host: Schema.String,
  ram_mb: Schema.Number,
  vcpus: Schema.Number
})

export const VmMigrationView = Schema.Struct({ vm: Schema.String, host: Schema.String, timestamp_ms: Schema.Number })

/** One opening of a window: the window as written, from `start_ms` to `end_ms`. */
export const WindowOpeningView = Schema.Struct({
  window: Schema.String,
  start_ms: Schema.Number,
  end_ms: Schema.Number
})

const WindowsOfKind = Schema.Struct({
  windows: Schema.Array(Schema.String),
  /** Openings covering now, the one closing last first. */
  open: Schema.Array(WindowOpeningView),
  next: Schema.optional(WindowOpeningView)
})

/** Blackouts, maintenance windows and the disruption budget, as they stand now. */
export const WindowsView = Schema.Struct({
  now_ms: Schema.Number,
  /** False in a blackout, or outside the maintenance windows when some are defined. */
  disruption_allowed: Schema.Boolean,
  blackouts: WindowsOfKind,
  maintenance: WindowsOfKind,
  budget: Schema.optional(
    Schema.Struct({
      budget: Schema.String,
      limit: Schema.Number,
      hosts: Schema.Number,
      in_disruption: Schema.Array(Schema.String)
    })
  )
})

/** An error class: its count since start, in the recent decisions, and its latest message there. */
export const ErrorClassView = Schema.Struct({
  class: Schema.String,
  count: Schema.Number,
  recent: Schema.Number,
  latest_message: Schema.optional(Schema.String),
  latest_at_ms: Schema.optional(Schema.Number)
})

/** `GET /v1/status`: what `neat status` shows. */
export const StatusView = Schema.Struct({
  now_ms: Schema.Number,
  mode: Schema.Literal("auto", "recommend"),
  hosts: Schema.Struct({
    total: Schema.Number,
    by_power: Schema.Record({ key: Schema.String, value: Schema.Number })
  }),
  vms: Schema.Number,
  cloud_error: Schema.optional(Schema.String),
  plans: Schema.Struct({ pending: Schema.Number }),
  windows: WindowsView,
  decisions: Schema.Array(DecisionView),
  migrations: Schema.Array(VmMigrationView),
  errors: Schema.Array(ErrorClassView)
})

/** `GET /v1/plans`: newest first; the total matching `status` is in the `X-Total-Count` header. */
export const PlanListParams = Schema.Struct({
  status: Schema.optional(PlanStatusLiteral),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 10000))),
  offset: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()))
})

const Limit = Schema.Struct({
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 10000)))
})

/** Neat's protocol: one `PUT /`; every other method on `/` answers 405. */
export class NeatGroup extends HttpApiGroup.make("neat")
  .add(
    HttpApiEndpoint.put("reallocate", "/")
      .setPayload(NeatRequestParams)
      .addSuccess(ReallocationView)
      .addError(BadRequest)
      .addError(Unauthorized)
      .addError(Forbidden)
      .addError(Conflict)
      .addError(PreconditionFailed)
      .addError(UnprocessableEntity)
      .addError(ServiceUnavailable)
      .annotate(OpenApi.Summary, "Neat-compatible reallocation request")
  )
  .add(HttpApiEndpoint.get("getRoot", "/").addError(MethodNotAllowed).annotate(OpenApi.Exclude, true))
  .add(HttpApiEndpoint.post("postRoot", "/").addError(MethodNotAllowed).annotate(OpenApi.Exclude, true))
  .add(HttpApiEndpoint.patch("patchRoot", "/").addError(MethodNotAllowed).annotate(OpenApi.Exclude, true))
  .add(HttpApiEndpoint.del("deleteRoot", "/").addError(MethodNotAllowed).annotate(OpenApi.Exclude, true))
  .add(HttpApiEndpoint.options("optionsRoot", "/").addError(MethodNotAllowed).annotate(OpenApi.Exclude, true)) {}

/** The JSON API; every call is signed. */
export class V1Group extends HttpApiGroup.make("v1")
  .add(
    HttpApiEndpoint.post("reallocations", "/v1/reallocations")
      .setPayload(ReallocationBody)
      .addSuccess(ReallocationView)
      .addError(BadRequest)
      .addError(UnprocessableEntity)
      .addError(ServiceUnavailable)
  )
  .add(HttpApiEndpoint.get("hosts", "/v1/hosts").addSuccess(Schema.Array(HostView)).addError(ServiceUnavailable))
  .add(HttpApiEndpoint.get("vms", "/v1/vms").addSuccess(Schema.Array(VmView)).addError(ServiceUnavailable))
  .add(
    HttpApiEndpoint.get("migrations", "/v1/migrations").setUrlParams(Limit).addSuccess(Schema.Array(VmMigrationView))
  )
  .add(HttpApiEndpoint.get("decisions", "/v1/decisions").setUrlParams(Limit).addSuccess(Schema.Array(DecisionView)))
  .add(HttpApiEndpoint.get("plans", "/v1/plans").setUrlParams(PlanListParams).addSuccess(Schema.Array(PlanView)))
  .add(HttpApiEndpoint.get("plan", "/v1/plans/:id").setPath(PlanId).addSuccess(PlanView).addError(NotFound))
  .add(
    HttpApiEndpoint.post("approvePlan", "/v1/plans/:id/approve")
      .setPath(PlanId)
      .setPayload(ApprovalBody)
      .addSuccess(ApprovalView)
      .addError(NotFound)
      .addError(Conflict)
      .addError(UnprocessableEntity)
      .addError(ServiceUnavailable)
  )
  .add(
    HttpApiEndpoint.post("rejectPlan", "/v1/plans/:id/reject")
      .setPath(PlanId)
      .addSuccess(PlanView)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(HttpApiEndpoint.get("policy", "/v1/policy").addSuccess(PolicyView))
  .add(HttpApiEndpoint.get("status", "/v1/status").setUrlParams(Limit).addSuccess(StatusView))
  .add(HttpApiEndpoint.put("exclusions", "/v1/exclusions").setPayload(ExclusionsBody).addSuccess(PolicyView))
  .add(
    HttpApiEndpoint.post("maintenance", "/v1/maintenance")
      .setPayload(MaintenanceBody)
      .addSuccess(MaintenanceView)
      .addError(UnprocessableEntity)
      .addError(ServiceUnavailable)
  )
  .middleware(SignedRequestAuth) {}

/** Liveness and Prometheus metrics; open, they reveal no VM or host names. */
export class OpsGroup extends HttpApiGroup.make("ops")
  .add(HttpApiEndpoint.get("healthz", "/healthz").addSuccess(HealthView))
  .add(
    HttpApiEndpoint.get("metrics", "/metrics").addSuccess(
      Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/plain; version=0.0.4" }))
    )
  ) {}

export class GlobalManagerApi extends HttpApi.make("neat-global-manager")
  .add(NeatGroup)
  .add(V1Group)
  .add(OpsGroup)
  .annotate(OpenApi.Title, "Neat global manager")
  .annotate(OpenApi.Version, "0.1.0") {}
