/**
 * The global manager's counters and histograms, rendered in Prometheus' text format (0.0.4):
 * HTTP requests and their latency, failed authentications by scheme and reason, decisions by
 * reason and outcome, migrations by outcome, coalesced requests, queue length and placement time.
 */
import { Context, Effect, Layer } from "effect"
import type { RecordedDecision } from "../../core/control/Decision.js"
import {
  decisionErrorClass,
  type ErrorClass,
  ErrorClasses,
  type ErrorClassView,
  httpErrorClass
} from "./ErrorClasses.js"

type Labels = Readonly<Record<string, string>>

const needsEscape = /[\\\n"]/
const escapeLabel = (value: string): string =>
  needsEscape.test(value) ? value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"') : value
/** `{k="v",...}` in the labels' order (every observation builds one: a plain loop). */
const labelText = (labels: Labels): string => {
  let text = ""
  for (const key in labels) text += `${text === "" ? "{" : ","}${key}="${escapeLabel(labels[key]!)}"`
  return text === "" ? "" : `${text}}`
}

class Counter {
  readonly values = new Map<string, number>()
  constructor(
    readonly name: string,
    readonly help: string
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels)
    this.values.set(key, (this.values.get(key) ?? 0) + by)
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`)
    return lines.join("\n")
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: Array<number>; sum: number; count: number }>()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: ReadonlyArray<number>
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels)
    let entry = this.series.get(key)
    if (entry === undefined) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }
      this.series.set(key, entry)
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) entry.counts[i]!++
    entry.sum += value
    entry.count++
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const entry of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${labelText({ ...entry.labels, le: String(bound) })} ${entry.counts[i]}`)
      })
      lines.push(`${this.name}_bucket${labelText({ ...entry.labels, le: "+Inf" })} ${entry.count}`)
      lines.push(`${this.name}_sum${labelText(entry.labels)} ${entry.sum}`)
      lines.push(`${this.name}_count${labelText(entry.labels)} ${entry.count}`)
    }
    return lines.join("\n")
  }
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
/** Live migrations take seconds to minutes. */
const migrationBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600]

class Gauge {
  private readonly values = new Map<string, number>()
  constructor(
    readonly name: string,
    readonly help: string
  ) {}
  /** Replaces every series by `series` (label value → value of `label`). */
  setAll(label: string, series: Readonly<Record<string, number>>): void {
    this.values.clear()
    for (const [value, count] of Object.entries(series)) this.values.set(labelText({ [label]: value }), count)
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`]
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`)
    return lines.join("\n")
  }
}

/** The errors of a recorded decision: why it failed, and each failed step, with what to tell the operator. */
const decisionErrors = (decision: RecordedDecision): Array<{ readonly type: string; readonly message: string }> => {
  const errors: Array<{ type: string; message: string }> = []
  const request = `${decision.request.reason} of ${decision.request.host}`
  if (decision.id === 0) {
    errors.push({ type: "unrecorded", message: `the decision on the ${request} could not be recorded in the store` })
  }
  if (decision.outcome === "failed") {
    errors.push({ type: decision.status, message: `decision ${decision.id} (${request}): ${decision.detail}` })
  }
  for (const outcome of decision.execution.migrations)
    if (outcome._tag === "MigrationFailed") {
      const { vm, from, to } = outcome.migration
      errors.push({ type: "migrationFailed", message: `migration of ${vm} from ${from} to ${to}: ${outcome.reason}` })
    }
  for (const failure of decision.execution.wakeFailures)
    errors.push({ type: "wakeFailed", message: `wake of ${failure.host}: ${failure.reason}` })
  for (const failure of decision.execution.suspendFailures)
    errors.push({ type: "suspendFailed", message: `suspend of ${failure.host}: ${failure.reason}` })
  return errors
}

/** The error type of an HTTP status the API answers with. */
const httpErrorType = (status: number): string | undefined =>
  (
    ({
      400: "BadRequest",
      401: "Unauthorized",
      403: "Forbidden",
      404: "NotFound",
      405: "MethodNotAllowed",
      409: "Conflict",
      412: "PreconditionFailed",
      413: "PayloadTooLarge",
      422: "UnprocessableEntity",
      429: "TooManyRequests",
      503: "ServiceUnavailable"
    }) as Readonly<Record<number, string>>
  )[status] ?? (status >= 500 ? "InternalError" : status >= 400 ? `Http${status}` : undefined)

export interface ServerMetricsApi {
  /** A request answered; `message` is the error answer's own (kept among the latest errors of its class). */
  readonly requestServed: (
    method: string,
    route: string,
    status: number,
    seconds: number,
    message?: string
  ) => Effect.Effect<void>
  /** `requestServed` as a plain call, for code that answers outside a fiber (the form fast path). */
  readonly unsafeRequestServed: (
    method: string,
    route: string,
    status: number,
    seconds: number,
    message?: string
  ) => void
  /**
   * A failed authentication: `scheme` is neat, signed or dashboard; `reason` a short code, never a
   * secret; `detail` what the operator needs to find the client (address, method and path).
   */
  readonly unsafeAuthFailure: (scheme: string, reason: string, detail?: string) => void
  /** An error met outside a request or a decision (the dashboard's failed read of the cloud...). */
  readonly unsafeError: (errorClass: ErrorClass, type: string, message: string) => void
  /** The errors by class, with their latest messages. */
  readonly errorClasses: Effect.Effect<ReadonlyArray<ErrorClassView>>
  readonly decisionRecorded: (decision: RecordedDecision) => Effect.Effect<void>
  readonly requestCoalesced: Effect.Effect<void>
  readonly unsafeRequestCoalesced: () => void
  readonly queueLength: (length: number) => Effect.Effect<void>
  readonly unsafeQueueLength: (length: number) => void
  /** Hosts by power state, as last read from the cloud. */
  readonly hostsByPower: (counts: Readonly<Record<string, number>>) => Effect.Effect<void>
  /** Recommended plans by status. */
  readonly plansByStatus: (counts: Readonly<Record<string, number>>) => Effect.Effect<void>
  /** The metrics in Prometheus' text exposition format. */
  readonly render: Effect.Effect<string>
}

const make = Effect.sync((): ServerMetricsApi => {
  const requests = new Counter("neat_http_requests_total", "HTTP requests by method, route and status.")
  const latency = new Histogram("neat_http_request_duration_seconds", "HTTP request latency.", latencyBuckets)
  const authFailures = new Counter(
    "neat_auth_failures_total",
    "Failed authentications by scheme (neat, signed, dashboard) and reason."
  )
  const decisions = new Counter("neat_decisions_total", "Reallocation decisions by reason and outcome.")
  const migrations = new Counter("neat_migrations_total", "VM migrations by outcome.")
  const coalesced = new Counter("neat_reallocations_coalesced_total", "Requests joined to one already queued.")
  const placement = new Histogram("neat_placement_duration_seconds", "Time spent planning a placement.", latencyBuckets)
  const migrationTime = new Histogram(
    "neat_migration_duration_seconds",
    "Duration of successful live migrations.",
    migrationBuckets
  )
  const errors = new Counter(
    "neat_errors_total",
    "Errors by type and class (auth, cloud, store, placement, request, server): HTTP error answers and failed decision steps."
  )
  const classes = new ErrorClasses()
  const hosts = new Gauge("neat_hosts", "Hosts by power state, as last read from the cloud.")
  const plans = new Gauge("neat_plans", "Recommended plans by status.")
  let queued = 0
  const unsafeRequestServed = (
    method: string,
    route: string,
    status: number,
    seconds: number,
    message?: string
  ): void => {
    requests.inc({ method, route, status: String(status) })
    latency.observe(seconds, { route })
    const type = httpErrorType(status)
    const errorClass = httpErrorClass(status)
    if (type === undefined || errorClass === undefined) return
    errors.inc({ type, class: errorClass })
    // Failed authentications are kept with their client and path by `unsafeAuthFailure`.
    if (errorClass !== "auth") {
      classes.record(errorClass, type, `${method} ${route}: ${status} ${message ?? type}`, Date.now())
    }
  }
  const unsafeRequestCoalesced = (): void => coalesced.inc()
  const unsafeQueueLength = (length: number): void => {
    queued = length
  }
  return {
    requestServed: (method, route, status, seconds, message) =>
      Effect.sync(() => unsafeRequestServed(method, route, status, seconds, message)),
    unsafeRequestServed,
    unsafeAuthFailure: (scheme, reason, detail) => {
      authFailures.inc({ scheme, reason })
      classes.record("auth", `${scheme} ${reason}`, `${scheme} ${reason}${detail ? ` ${detail}` : ""}`, Date.now())
    },
    unsafeError: (errorClass, type, message) => {
      errors.inc({ type, class: errorClass })
      classes.record(errorClass, type, message, Date.now())
    },
    errorClasses: Effect.sync(() => classes.view()),
    decisionRecorded: (decision) =>
      Effect.sync(() => {
        decisions.inc({ reason: decision.request.reason, outcome: decision.outcome })
        for (const outcome of decision.execution.migrations) {
          migrations.inc({ outcome: outcome._tag === "Migrated" ? "migrated" : "failed" })
          if (outcome._tag === "Migrated") migrationTime.observe(outcome.seconds)
        }
        for (const { type, message } of decisionErrors(decision)) {
          const errorClass = decisionErrorClass(type)
          errors.inc({ type, class: errorClass })
          classes.record(errorClass, type, message, decision.finishedAtMs)
        }
        placement.observe(decision.timings.placementMs / 1000)
      }),
    requestCoalesced: Effect.sync(unsafeRequestCoalesced),
    unsafeRequestCoalesced,
    queueLength: (length) => Effect.sync(() => unsafeQueueLength(length)),
    unsafeQueueLength,
    hostsByPower: (counts) => Effect.sync(() => hosts.setAll("power", counts)),
    plansByStatus: (counts) => Effect.sync(() => plans.setAll("status", counts)),
    render: Effect.sync(
      () =>
        `${[
          requests.render(),
          latency.render(),
          authFailures.render(),
          decisions.render(),
          migrations.render(),
          coalesced.render(),
          placement.render(),
          migrationTime.render(),
          errors.render(),
          hosts.render(),
          plans.render(),
          "# HELP neat_reallocation_queue_length Requests waiting or in progress.",
          "# TYPE neat_reallocation_queue_length gauge",
          `neat_reallocation_queue_length ${queued}`
        ].join("\n")}\n`
    )
  }
})

export class ServerMetrics extends Context.Tag("neat/ServerMetrics")<ServerMetrics, ServerMetricsApi>() {
  static readonly layer: Layer.Layer<ServerMetrics> = Layer.effect(ServerMetrics, make)
}
