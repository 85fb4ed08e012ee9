/**
 * How the store answers right now, for `/healthz`: a trivial query raced against a short deadline.
 * The store's connection may be held by a statement waiting for a lock (SQLite) or a server may be
 * down (PostgreSQL): the probe then says `busy` or `unreachable` within the deadline instead of
 * waiting with it. At most one probe query is in flight: while one waits, later probes report on it
 * rather than queueing more behind the lock.
 */
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import type { StoreService } from "./Store.js"
import type { StoreTables } from "./Tables.js"

/** How long a probe waits for its query, milliseconds: `/healthz` must answer within 100 ms. */
export const storeProbeDeadlineMs = 20

export type StoreState = "ok" | "busy" | "unreachable"

export interface StoreProbe {
  readonly state: StoreState
  /** How long the probe query took, or has been waiting, milliseconds. */
  readonly latencyMs: number
  /** Why the store is not ok. */
  readonly detail?: string | undefined
}

const isLockError = (message: string): boolean => /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(message)

export const makeStoreProbe = (db: Kysely<StoreTables>): Pick<StoreService, "probe"> => {
  let inFlight: { readonly startedAt: number; readonly done: Promise<string | undefined> } | undefined
  const start = () => {
    const startedAt = performance.now()
    const done = sql`select 1`.execute(db).then(
      () => undefined,
      (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))
    )
    const probe = { startedAt, done }
    void done.finally(() => {
      if (inFlight === probe) inFlight = undefined
    })
    inFlight = probe
    return probe
  }
  return {
    probe: () =>
      Effect.promise(async (): Promise<StoreProbe> => {
        const probe = inFlight ?? start()
        const waited = await Promise.race([
          probe.done.then((error) => ({ finished: true as const, error })),
          new Promise<{ finished: false }>((resolve) =>
            setTimeout(() => resolve({ finished: false }), storeProbeDeadlineMs)
          )
        ])
        const latencyMs = Math.round((performance.now() - probe.startedAt) * 10) / 10
        if (!waited.finished) {
          return {
            state: "busy",
            latencyMs,
            detail: `no answer within ${storeProbeDeadlineMs} ms (a lock or a slow server)`
          }
        }
        if (waited.error === undefined) return { state: "ok", latencyMs }
        return { state: isLockError(waited.error) ? "busy" : "unreachable", latencyMs, detail: waited.error }
      })
  }
}
