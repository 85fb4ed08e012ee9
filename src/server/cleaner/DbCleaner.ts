/**
 * The store cleaner (OpenStack Neat's db_cleaner): every db_cleaner_interval seconds it deletes
 * the VM and host usage rows older than that interval, so the store does not grow without bound.
 * Decisions, migrations, host states and overloads are kept.
 */
import { Clock, Duration, Effect } from "effect"
import { describeError } from "../../core/errors.js"
import { Store } from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"

export interface CleanupReport {
  /** Rows older than this were deleted. */
  readonly threshold: Date
  readonly vmRows: number
  readonly hostRows: number
}

/** One pass: deletes usage rows older than `intervalSec` before now. */
export const cleanOnce = (intervalSec: number): Effect.Effect<CleanupReport, StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    const now = yield* Clock.currentTimeMillis
    const threshold = new Date(now - intervalSec * 1000)
    const vmRows = yield* store.cleanupVmResourceUsage(threshold)
    const hostRows = yield* store.cleanupHostResourceUsage(threshold)
    yield* Effect.logInfo(
      `cleaned up data older than ${threshold.toISOString()}: ${vmRows} VM rows, ${hostRows} host rows`
    )
    return { threshold, vmRows, hostRows }
  })

/** Runs the cleaner: one pass when `once`, else a pass every `intervalSec` (a failed pass is logged). */
export const runDbCleaner = (
  intervalSec: number,
  options: { readonly once: boolean }
): Effect.Effect<void, StoreError, Store> =>
  (options.once
    ? Effect.asVoid(cleanOnce(intervalSec))
    : Effect.logInfo(`cleaning every ${intervalSec} s`).pipe(
        Effect.zipRight(
          cleanOnce(intervalSec).pipe(
            Effect.catchAll((error) => Effect.logError(`clean-up failed: ${describeError(error)}`)),
            Effect.zipRight(Effect.sleep(Duration.seconds(intervalSec))),
            Effect.forever
          )
        )
      )
  ).pipe(Effect.annotateLogs({ service: "db-cleaner" }))
