/**
 * The global manager's counters and histograms, rendered in Prometheus' text format (0.0.4):
 * HTTP requests and their latency, decisions by reason and outcome, migrations by outcome,
 * coalesced requests, queue length and placement time.
 */
import { Context, Effect, Layer } from "effect"
import type { RecordedDecision } from "../../core/control/Decision.js"

type Labels = Readonly<Record<string, string>>

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')
const labelText = (labels: Labels): string => {
  const entries = Object.entries(labels)
  return entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`
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

export interface ServerMetricsApi {
  readonly requestServed: (method: string, route: string, status: number, seconds: number) => Effect.Effect<void>
  readonly decisionRecorded: (decision: RecordedDecision) => Effect.Effect<void>
  readonly requestCoalesced: Effect.Effect<void>
  readonly queueLength: (length: number) => Effect.Effect<void>
  /** The metrics in Prometheus' text exposition format. */
  readonly render: Effect.Effect<string>
}

const make = Effect.sync((): ServerMetricsApi => {
  const requests = new Counter("neat_http_requests_total", "HTTP requests by method, route and status.")
  const latency = new Histogram("neat_http_request_duration_seconds", "HTTP request latency.", latencyBuckets)
  const decisions = new Counter("neat_decisions_total", "Reallocation decisions by reason and outcome.")
  const migrations = new Counter("neat_migrations_total", "VM migrations by outcome.")
  const coalesced = new Counter("neat_reallocations_coalesced_total", "Requests joined to one already queued.")
  const placement = new Histogram("neat_placement_duration_seconds", "Time spent planning a placement.", latencyBuckets)
  let queued = 0
  return {
    requestServed: (method, route, status, seconds) =>
      Effect.sync(() => {
        requests.inc({ method, route, status: String(status) })
        latency.observe(seconds, { route })
      }),
    decisionRecorded: (decision) =>
      Effect.sync(() => {
        decisions.inc({ reason: decision.request.reason, outcome: decision.outcome })
        for (const outcome of decision.execution.migrations) {
          migrations.inc({ outcome: outcome._tag === "Migrated" ? "migrated" : "failed" })
        }
        placement.observe(decision.timings.placementMs / 1000)
      }),
    requestCoalesced: Effect.sync(() => coalesced.inc()),
    queueLength: (length) =>
      Effect.sync(() => {
        queued = length
      }),
    render: Effect.sync(
      () =>
        `${[
          requests.render(),
          latency.render(),
          decisions.render(),
          migrations.render(),
          coalesced.render(),
          placement.render(),
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
