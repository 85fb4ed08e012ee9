/**
 * Where every migration attempt and its outcome is recorded. The adapter only appends; the live
 * service backs this with its store, tests and the simulator-free CLI with the in-memory layer.
 */
import { Context, Effect, Layer, Ref } from "effect"

/**
 * How one attempt ended:
 * - `migrated`: the VM is active on the target;
 * - `retryable`: refused or failed with the VM still active on its source host;
 * - `failed`: refused for good (unknown VM or host, bad request); the VM did not move;
 * - `vm-error`: the VM ended in ERROR; never retried;
 * - `unexpected-host`: the VM ended on a host that is neither source nor target; never retried;
 * - `timed-out`: still not finished when its time was up; never retried.
 */
export type MigrationAttemptResult = "migrated" | "retryable" | "failed" | "vm-error" | "unexpected-host" | "timed-out"

export interface MigrationAttempt {
  readonly vm: string
  readonly from: string
  readonly to: string
  /** 1 for the first attempt. */
  readonly attempt: number
  readonly startedAtMs: number
  readonly finishedAtMs: number
  readonly result: MigrationAttemptResult
  /** Where the VM was last seen, when known. */
  readonly lastHost?: string | undefined
  readonly lastStatus?: string | undefined
  readonly detail: string
}

export interface MigrationLogApi {
  readonly record: (attempt: MigrationAttempt) => Effect.Effect<void>
}

export class MigrationLog extends Context.Tag("neat/nova/MigrationLog")<MigrationLog, MigrationLogApi>() {}

/** An in-memory log; `attempts` reads what was recorded. */
export interface InMemoryMigrationLog extends MigrationLogApi {
  readonly attempts: Effect.Effect<ReadonlyArray<MigrationAttempt>>
}

export const makeInMemoryMigrationLog: Effect.Effect<InMemoryMigrationLog> = Effect.map(
  Ref.make<ReadonlyArray<MigrationAttempt>>([]),
  (ref) => ({
    record: (attempt) =>
      Ref.update(ref, (all) => [...all, attempt]).pipe(
        Effect.zipRight(Effect.logDebug("migration attempt", attempt).pipe(Effect.annotateLogs({ service: "Nova" })))
      ),
    attempts: Ref.get(ref)
  })
)

export const MigrationLogInMemory: Layer.Layer<MigrationLog> = Layer.effect(MigrationLog, makeInMemoryMigrationLog)
