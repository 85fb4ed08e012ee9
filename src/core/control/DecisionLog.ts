/**
 * Where the control loop records what it decided and did. The operations mirror Neat's db.py
 * (`insert_vm_migration`, `insert_host_states`, `select_host_states`) plus the decisions table.
 * `DecisionLog.memory` keeps everything in memory; a store backs it with SQL.
 */
import { Clock, Context, Effect, Layer } from "effect"
import { type Decision, type RecordedDecision, withId } from "./Decision.js"

/** A completed migration as Neat's `vm_migrations` table holds it. */
export interface VmMigrationRecord {
  readonly vm: string
  /** Destination host. */
  readonly host: string
  readonly timestampMs: number
}

export interface DecisionLogApi {
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
