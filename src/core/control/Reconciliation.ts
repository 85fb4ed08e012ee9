/**
 * What the global manager does at start, before it takes a request: every decision the intent log
 * shows still `executing` (the process ended while it ran) has its pending actions settled against
 * the cloud, and is completed in the log with what the cloud shows, so that the decision log stays
 * complete and no VM or host is left in a state nobody recorded. The cloud also reports hosts left
 * half-way without a pending action (disabled but up, recorded suspended but up).
 */
import { Clock, Effect, Schedule } from "effect"
import { Cloud, type CloudApi } from "../Cloud.js"
import { describeError } from "../errors.js"
import type { MigrationOutcome } from "../Placement.js"
import type { Decision } from "./Decision.js"
import { DecisionLog } from "./DecisionLog.js"
import { type ActionOutcome, actionKey, type PlanAction } from "./PlanAction.js"
import type { PlanOutcome } from "./PlanExecution.js"

/** A host whose power state the reconciliation found or set, as Neat's `host_states` records it. */
export interface SettledHost {
  readonly host: string
  /** 1 active, 0 suspended. */
  readonly state: 0 | 1
  readonly detail: string
}

/** What the cloud says about the pending actions, and the hosts it settled besides. */
export interface CloudReconciliation {
  /** One outcome per pending action. */
  readonly actions: ReadonlyArray<ActionOutcome>
  readonly hosts: ReadonlyArray<SettledHost>
}

export interface ReconciliationSummary {
  /** Decisions completed. */
  readonly decisions: number
  readonly done: number
  readonly failed: number
  /** Hosts whose state was settled without a pending action. */
  readonly hosts: number
}

const nothing: ReconciliationSummary = { decisions: 0, done: 0, failed: 0, hosts: 0 }

/**
 * Settles pending actions from the cloud's inventory alone: a migration is done when its VM runs
 * on the target, a wake when the host is active, a suspend when it is suspended. For clouds without
 * `reconcile` (the simulated one).
 */
export const settleFromInventory = (
  cloud: CloudApi,
  pending: ReadonlyArray<PlanAction>
): Effect.Effect<CloudReconciliation> =>
  Effect.gen(function* () {
    if (pending.length === 0) return { actions: [], hosts: [] }
    const read = yield* Effect.either(Effect.all([cloud.hosts, cloud.vms]))
    if (read._tag === "Left") {
      const why = `the cloud could not be read at start: ${describeError(read.left)}`
      return { actions: pending.map((action) => ({ action, state: "failed" as const, detail: why })), hosts: [] }
    }
    const [hosts, vms] = read.right
    const power = new Map(hosts.map((host) => [host.name, host.power]))
    const where = new Map(vms.map((vm) => [vm.uuid, vm.host]))
    const actions = pending.map((action): ActionOutcome => {
      if (action.kind === "migrate") {
        const at = where.get(action.vm)
        if (at === action.host) return { action, state: "done", detail: `found on ${at} at start` }
        return {
          action,
          state: "failed",
          detail: at === undefined ? "the VM no longer exists" : `the VM is on ${at}, not on ${action.host}`
        }
      }
      const state = power.get(action.host)
      const wanted = action.kind === "wake" ? "active" : "suspended"
      return state === wanted
        ? { action, state: "done", detail: `found ${state} at start` }
        : { action, state: "failed", detail: `found ${state ?? "unknown"} at start` }
    })
    return { actions, hosts: [] }
  })

/** The execution record of a decision from its action outcomes. */
export const executionOf = (outcomes: ReadonlyArray<ActionOutcome>): PlanOutcome => {
  const execution = {
    woken: [] as Array<string>,
    wakeFailures: [] as Array<{ host: string; reason: string }>,
    migrations: [] as Array<MigrationOutcome>,
    suspended: [] as Array<string>,
    suspendFailures: [] as Array<{ host: string; reason: string }>
  }
  for (const { action, state, detail } of outcomes) {
    if (action.kind === "migrate") {
      const migration = { vm: action.vm, from: action.from, to: action.host }
      execution.migrations.push(
        state === "done"
          ? { _tag: "Migrated", migration, seconds: 0 }
          : { _tag: "MigrationFailed", migration, reason: detail }
      )
    } else if (action.kind === "wake") {
      if (state === "done") execution.woken.push(action.host)
      else execution.wakeFailures.push({ host: action.host, reason: detail })
    } else if (state === "done") execution.suspended.push(action.host)
    else execution.suspendFailures.push({ host: action.host, reason: detail })
  }
  return execution
}

const describeAction = (action: PlanAction): string =>
  action.kind === "migrate"
    ? `migration of ${action.vm} from ${action.from} to ${action.host}`
    : `${action.kind === "wake" ? "wake" : "suspend"} of ${action.host}`

const logged = (line: string, warn: boolean) =>
  (warn ? Effect.logWarning(line) : Effect.logInfo(line)).pipe(Effect.annotateLogs({ service: "Reconciliation" }))

/**
 * Settles what a crash left unfinished (see the module comment). Never fails: a log that cannot be
 * read is retried for a few seconds, then reported and left for the next start.
 */
export const reconcileAtStart: Effect.Effect<ReconciliationSummary, never, Cloud | DecisionLog> = Effect.gen(
  function* () {
    const log = yield* DecisionLog
    const intents = log.intents
    if (intents === undefined) return nothing
    const read = yield* Effect.either(
      intents.unfinished.pipe(Effect.retry(Schedule.intersect(Schedule.spaced("1 second"), Schedule.recurs(5))))
    )
    if (read._tag === "Left") {
      yield* logged(
        `the intent log cannot be read (${read.left}); unfinished actions are settled at the next start`,
        true
      )
      return nothing
    }
    const unfinished = read.right
    const cloud = yield* Cloud
    const pending = unfinished.flatMap((entry) => entry.pending)
    const settled =
      cloud.reconcile !== undefined ? yield* cloud.reconcile(pending) : yield* settleFromInventory(cloud, pending)
    const byKey = new Map(settled.actions.map((outcome) => [actionKey(outcome.action), outcome]))
    let done = 0
    let failed = 0
    for (const entry of unfinished) {
      const outcomes = entry.pending.map(
        (action): ActionOutcome =>
          byKey.get(actionKey(action)) ?? { action, state: "failed", detail: "the cloud gave no outcome" }
      )
      for (const outcome of outcomes) {
        if (outcome.state === "done") done++
        else failed++
        yield* logged(
          `decision ${entry.decision.id}: ${describeAction(outcome.action)} was unfinished at start: ${outcome.state} (${outcome.detail})`,
          outcome.state !== "done"
        )
      }
      const all = [...entry.settled, ...outcomes]
      const nowMs = yield* Clock.currentTimeMillis
      const completed: Decision = {
        ...entry.decision,
        outcome: all.every((outcome) => outcome.state === "done") ? "done" : "partial",
        detail:
          `${entry.decision.detail}; interrupted (the global manager stopped while it executed), settled at start: ` +
          `${all.filter((outcome) => outcome.state === "done").length} of ${all.length} actions done`,
        execution: executionOf(all),
        finishedAtMs: nowMs
      }
      const id = yield* intents.complete(entry.decision.id, completed, outcomes)
      if (id === 0) yield* logged(`decision ${entry.decision.id} could not be completed in the log`, true)
    }
    if (settled.hosts.length > 0) {
      yield* intents.recordHostStates(Object.fromEntries(settled.hosts.map((host) => [host.host, host.state])))
      for (const host of settled.hosts) {
        yield* logged(
          `host ${host.host} settled at start: ${host.state === 1 ? "active" : "suspended"} (${host.detail})`,
          true
        )
      }
    }
    const summary = { decisions: unfinished.length, done, failed, hosts: settled.hosts.length }
    if (summary.decisions + summary.hosts > 0) {
      yield* logged(
        `reconciled at start: ${summary.decisions} unfinished decision(s), ${done} action(s) done, ${failed} failed, ${summary.hosts} host(s) settled`,
        false
      )
    } else {
      yield* Effect.logDebug("reconciled at start: nothing was unfinished").pipe(
        Effect.annotateLogs({ service: "Reconciliation" })
      )
    }
    return summary
  }
)
