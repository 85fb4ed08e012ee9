/**
 * Where the control loop records what it decided and did. The operations mirror Neat's db.py
 * (`insert_vm_migration`, `insert_host_states`, `select_host_states`) plus the decisions table.
 * `DecisionLog.memory` keeps everything in memory; a store backs it with SQL.
 */
import { Clock, Context, Effect, Layer } from "effect"
import { type Decision, type RecordedDecision, withId } from "./Decision.js"
import type { ActionOutcome, PlanAction } from "./PlanAction.js"

/** A completed migration as Neat's `vm_migrations` table holds it. */
export interface VmMigrationRecord {
  readonly vm: string
  /** Destination host. */
  readonly host: string
  readonly timestampMs: number
}

/** A decision begun in the intent log and never completed: the process ended while it ran. */
export interface UnfinishedDecision {
  /** As it was recorded before its first action (outcome `executing`). */
  readonly decision: RecordedDecision
  /** Actions whose outcome was recorded before the process ended. */
  readonly settled: ReadonlyArray<ActionOutcome>
  /** Actions whose outcome nobody recorded: the cloud must say how each ended. */
  readonly pending: ReadonlyArray<PlanAction>
}

/**
 * The intent log: a decision that executes is recorded (outcome `executing`, with its actions
 * pending) before its first action, each action's outcome as it lands, and the decision's final
 * form at the end. What a crash leaves is read back by `unfinished` and settled at the next start.
 */
export interface IntentLogApi {
  /** Records the decision and its pending actions in one transaction; its id, or 0 when not recorded (execute nothing then). */
  readonly begin: (decision: Decision, actions: ReadonlyArray<PlanAction>) => Effect.Effect<number>
  /**
   * Records one action's outcome, with the completed migration or power change it implies, in one
   * transaction. A failure is logged; `complete` records what is still pending.
   */
  readonly settle: (id: number, outcome: ActionOutcome) => Effect.Effect<void>
  /**
   * Records the decision's final form and every outcome not recorded yet, in one transaction; the
   * id, or 0 when not recorded (the decision then stays `executing` until the next start settles it).
   */
  readonly complete: (id: number, decision: Decision, outcomes: ReadonlyArray<ActionOutcome>) => Effect.Effect<number>
  /** The decisions begun and not completed, oldest first; fails with a message when the log cannot be read. */
  readonly unfinished: Effect.Effect<ReadonlyArray<UnfinishedDecision>, string>
  /** Records a power state found at start (a host recorded suspended that is up, say). */
  readonly recordHostStates: (states: Readonly<Record<string, 0 | 1>>) => Effect.Effect<void>
}

/** How the storage behind a log answers now (`/healthz`). */
export interface LogStorageHealth {
  readonly state: "ok" | "busy" | "unreachable"
  readonly latencyMs: number
  readonly detail?: string | undefined
}

export interface DecisionLogApi {
  /** The intent log, when this log keeps one (the store does; the in-memory log has nothing to recover). */
  readonly intents?: IntentLogApi | undefined
  /** Probes the log's storage within a short deadline; absent for a log in memory. */
  readonly health?: Effect.Effect<LogStorageHealth> | undefined
  /** Stores a decision; returns its id (1, 2, ... in order of insertion). */
  readonly insertDecision: (decision: Decision) => Effect.Effect<number>
  /**
   * Stores decisions in order, as `insertDecision` on each would, and returns their ids. Optional:
   * callers fall back to `insertDecision` when a log lacks it.
   */
  readonly insertDecisions?: ((decisions: ReadonlyArray<Decision>) => Effect.Effect<ReadonlyArray<number>>) | undefined
  /** Records that `vm` now runs on `host`. */
  readonly insertVmMigration: (vm: string, host: string) => Effect.Effect<void>
  /** Records power changes: host name → 1 (active) or 0 (suspended). */
  readonly insertHostStates: (states: Readonly<Record<string, 0 | 1>>) => Effect.Effect<void>
  /** The latest state of every host that has one. */
  readonly selectHostStates: Effect.Effect<Readonly<Record<string, 0 | 1>>>
  /** The newest `limit` decisions, oldest first. */
  readonly selectDecisions: (limit: number) => Effect.Effect<ReadonlyArray<RecordedDecision>>
  /** The newest `limit` migrations, oldest first. */
  readonly selectVmMigrations: (limit: number) => Effect.Effect<ReadonlyArray<VmMigrationRecord>>
}

const newest = <A>(rows: ReadonlyArray<A>, limit: number): ReadonlyArray<A> =>
  limit <= 0 ? [] : rows.slice(Math.max(0, rows.length - limit))

/** Rows an in-memory log keeps per table before it drops the oldest. */
export const memoryLogCapacity = 100_000

const append = <A>(rows: Array<A>, row: A, capacity: number): void => {
  rows.push(row)
  // Drop in chunks so that appends stay O(1) on average (a small log, such as the simulator's,
  // still drops hundreds at once rather than one per append).
  if (rows.length > capacity + Math.max(capacity / 10, 512)) rows.splice(0, rows.length - capacity)
}

/**
 * An in-memory log, for tests, benchmarks and the simulator. It keeps the newest `capacity` rows of
 * each table (ids keep counting), so a long-running service does not grow without bound.
 */
export const makeMemoryDecisionLog = (capacity: number = memoryLogCapacity): Effect.Effect<DecisionLogApi> =>
  Effect.sync(() => {
    const decisions: Array<RecordedDecision> = []
    const migrations: Array<VmMigrationRecord> = []
    const hostStates = new Map<string, 0 | 1>()
    let lastId = 0
    const insert = (decision: Decision): number => {
      const id = ++lastId
      append(decisions, withId(decision, id), capacity)
      return id
    }
    return {
      insertDecision: (decision) => Effect.sync(() => insert(decision)),
      insertDecisions: (batch) => Effect.sync(() => batch.map(insert)),
      insertVmMigration: (vm, host) =>
        Effect.map(Clock.currentTimeMillis, (timestampMs) => {
          append(migrations, { vm, host, timestampMs }, capacity)
        }),
      insertHostStates: (states) =>
        Effect.sync(() => {
          for (const [host, state] of Object.entries(states)) hostStates.set(host, state)
        }),
      selectHostStates: Effect.sync(() => Object.fromEntries(hostStates)),
      selectDecisions: (limit) => Effect.sync(() => newest(decisions, Math.min(limit, capacity))),
      selectVmMigrations: (limit) => Effect.sync(() => newest(migrations, Math.min(limit, capacity)))
    }
  })

export class DecisionLog extends Context.Tag("neat/DecisionLog")<DecisionLog, DecisionLogApi>() {
  /** A fresh in-memory log. */
  static readonly memory: Layer.Layer<DecisionLog> = Layer.effect(DecisionLog, makeMemoryDecisionLog())
}
