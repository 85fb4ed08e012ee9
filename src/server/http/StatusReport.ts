/**
 * What `GET /v1/status` (and `neat status`) reports: hosts by power state, VMs, pending plans, the
 * windows and the budget in use, recent decisions and migrations, and errors by class. Error counts
 * since start come from the metrics (`neat_errors_total`); the latest message of each class comes
 * from the recent decisions in the store, which survive a restart.
 */
import { Clock, Effect, type Schema } from "effect"
import { Cloud } from "../../core/Cloud.js"
import type { RecordedDecision } from "../../core/control/Decision.js"
import { DecisionLog } from "../../core/control/DecisionLog.js"
import { budgetLimit } from "../../core/control/DisruptionBudget.js"
import { noSchedule, scheduleState } from "../../core/control/DisruptionSchedule.js"
import type { WindowOccurrence, WindowsState } from "../../core/control/MaintenanceWindows.js"
import type { OperatorPolicy } from "../../core/control/OperatorPolicy.js"
import { describeError } from "../../core/errors.js"
import type { HostState } from "../../core/Host.js"
import type { ErrorClassView, StatusView, WindowOpeningView, WindowsView } from "./Api.js"
import { OperatorControls } from "./OperatorControls.js"
import { PlanBook } from "./PlanBook.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { decisionView, migrationView } from "./Views.js"

/** Decisions read for the latest message of each error class. */
export const recentDecisionsForErrors = 200

const opening = (occurrence: WindowOccurrence): Schema.Schema.Type<typeof WindowOpeningView> => ({
  window: occurrence.window.text,
  start_ms: occurrence.startMs,
  end_ms: occurrence.endMs
})

const ofKind = (windows: ReadonlyArray<{ readonly text: string }>, state: WindowsState) => ({
  windows: windows.map((window) => window.text),
  open: state.open.map(opening),
  ...(state.next === undefined ? {} : { next: opening(state.next) })
})

/** The windows and the budget at `nowMs`; `hosts` (when the cloud could be read) gives the budget's use. */
export const windowsView = (
  policy: OperatorPolicy,
  hosts: ReadonlyArray<Pick<HostState, "name"> & { readonly power: string }> | undefined,
  nowMs: number
): Schema.Schema.Type<typeof WindowsView> => {
  const schedule = policy.schedule ?? noSchedule
  const state = scheduleState(schedule, nowMs)
  const budget = schedule.budget
  return {
    now_ms: nowMs,
    disruption_allowed: state.disruptionAllowed,
    blackouts: ofKind(schedule.blackouts, state.blackouts),
    maintenance: ofKind(schedule.maintenanceWindows, state.maintenance),
    ...(budget === undefined
      ? {}
      : {
          budget: {
            budget: budget.text,
            limit: budgetLimit(budget, hosts?.length ?? 0),
            hosts: hosts?.length ?? 0,
            in_disruption: (hosts ?? [])
              .filter((host) => host.power === "waking" || host.power === "suspending")
              .map((host) => host.name)
          }
        })
  }
}

interface ErrorSeen {
  readonly className: string
  readonly message: string
  readonly atMs: number
}

/** Each error a decision records, with its class (as `neat_errors_total` names it) and message. */
export const decisionErrors = (decision: RecordedDecision): ReadonlyArray<ErrorSeen> => {
  const atMs = decision.finishedAtMs
  const seen: Array<ErrorSeen> = []
  if (decision.outcome === "failed") seen.push({ className: decision.status, message: decision.detail, atMs })
  for (const outcome of decision.execution.migrations) {
    if (outcome._tag === "MigrationFailed") {
      const { vm, from, to } = outcome.migration
      seen.push({ className: "migrationFailed", message: `${vm} ${from} → ${to}: ${outcome.reason}`, atMs })
    }
  }
  for (const failure of decision.execution.wakeFailures) {
    seen.push({ className: "wakeFailed", message: `${failure.host}: ${failure.reason}`, atMs })
  }
  for (const failure of decision.execution.suspendFailures) {
    seen.push({ className: "suspendFailed", message: `${failure.host}: ${failure.reason}`, atMs })
  }
  return seen
}

/** `neat_errors_total{type="X"} N` lines of the metrics text, by type. */
export const errorCountsOf = (metrics: string): ReadonlyMap<string, number> => {
  const counts = new Map<string, number>()
  for (const match of metrics.matchAll(/^neat_errors_total\{type="([^"]*)"\} (\d+(?:\.\d+)?)$/gm)) {
    counts.set(match[1]!, Number(match[2]))
  }
  return counts
}

/** Error classes from the counters since start and the recent decisions (newest first), most frequent first. */
export const errorClasses = (
  counts: ReadonlyMap<string, number>,
  decisions: ReadonlyArray<RecordedDecision>
): Array<Schema.Schema.Type<typeof ErrorClassView>> => {
  const classes = new Map<string, { count: number; recent: number; latest?: ErrorSeen }>()
  for (const [className, count] of counts) classes.set(className, { count, recent: 0 })
  for (const decision of decisions) {
    for (const error of decisionErrors(decision)) {
      const entry = classes.get(error.className) ?? { count: 0, recent: 0 }
      entry.recent++
      if (entry.latest === undefined || error.atMs > entry.latest.atMs) entry.latest = error
      classes.set(error.className, entry)
    }
  }
  return [...classes]
    .map(([className, entry]) => ({
      class: className,
      count: entry.count,
      recent: entry.recent,
      ...(entry.latest === undefined ? {} : { latest_message: entry.latest.message, latest_at_ms: entry.latest.atMs })
    }))
    .sort((a, b) => b.count + b.recent - (a.count + a.recent) || a.class.localeCompare(b.class))
}

const countBy = (keys: ReadonlyArray<string>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1
  return counts
}

/** The status, with `limit` recent decisions and migrations (newest first). */
export const readStatus = (
  limit: number
): Effect.Effect<
  Schema.Schema.Type<typeof StatusView>,
  never,
  Cloud | DecisionLog | OperatorControls | PlanBook | ServerMetrics
> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const log = yield* DecisionLog
    const controls = yield* OperatorControls
    const book = yield* PlanBook
    const metrics = yield* ServerMetrics
    const nowMs = yield* Clock.currentTimeMillis
    const inventory = yield* Effect.either(Effect.all([cloud.hosts, cloud.vms]))
    const hosts = inventory._tag === "Right" ? inventory.right[0] : undefined
    // The log answers oldest first; the status lists newest first.
    const recent = [...(yield* log.selectDecisions(Math.max(limit, recentDecisionsForErrors)))].reverse()
    return {
      now_ms: nowMs,
      mode: yield* controls.mode,
      hosts: { total: hosts?.length ?? 0, by_power: countBy((hosts ?? []).map((host) => host.power)) },
      vms: inventory._tag === "Right" ? inventory.right[1].length : 0,
      ...(inventory._tag === "Left" ? { cloud_error: describeError(inventory.left) } : {}),
      plans: { pending: yield* book.count("pending") },
      windows: windowsView(yield* controls.policy, hosts, nowMs),
      decisions: recent.slice(0, limit).map(decisionView),
      migrations: [...(yield* log.selectVmMigrations(limit))].reverse().map(migrationView),
      errors: errorClasses(errorCountsOf(yield* metrics.render), recent)
    }
  })
