/**
 * The recommended plans (`mode = recommend`) and what became of them: pending until an operator
 * approves or rejects them, or until they expire (too old, or the cloud changed under them).
 * Held in memory; with a persistence (the store's, `StorePlanBook.ts`) every change is written
 * through and a restarted manager starts from the kept plans.
 */
import { Context, Effect, Layer } from "effect"
import type { CloudSnapshot } from "../../core/control/CloudSnapshot.js"
import type { RecordedDecision } from "../../core/control/Decision.js"
import { fingerprintOf, type PlanFingerprint, staleReason } from "../../core/control/PendingPlan.js"

export type PlanStatus = "pending" | "approved" | "rejected" | "expired"

export interface BookedPlan {
  /** The id of the decision that recommended it. */
  readonly id: number
  readonly decision: RecordedDecision
  readonly fingerprint: PlanFingerprint
  readonly createdAtMs: number
  readonly status: PlanStatus
  /** Why it was resolved (the expiry reason, who approved part of it...). */
  readonly resolution: string | undefined
  /** The decision that executed it, once approved. */
  readonly executedBy: number | undefined
}

/** Plans kept after their resolution, for the dashboard and the API. */
export const resolvedKept = 200

/** Where the book writes its changes through, so that it outlives the process. */
export interface PlanPersistence {
  /** Records a new plan, or the new status of a known one. */
  readonly save: (plan: BookedPlan) => Effect.Effect<void>
  /** Forgets resolved plans beyond those kept. */
  readonly remove: (ids: ReadonlyArray<number>) => Effect.Effect<void>
}

/** A book starting from `initial` (any order), writing its changes through `persistence`. */
export const makePlanBook = (initial: ReadonlyArray<BookedPlan>, persistence?: PlanPersistence): PlanBookApi => {
  const plans = new Map<number, BookedPlan>([...initial].sort((a, b) => a.id - b.id).map((plan) => [plan.id, plan]))
  const save = (plan: BookedPlan) => (persistence === undefined ? Effect.void : persistence.save(plan))
  /** Drops the oldest resolved plans beyond those kept. */
  const prune = Effect.suspend(() => {
    const resolved = [...plans.values()].filter((plan) => plan.status !== "pending")
    const dropped = resolved.slice(0, Math.max(0, resolved.length - resolvedKept)).map((plan) => plan.id)
    for (const id of dropped) plans.delete(id)
    return dropped.length === 0 || persistence === undefined ? Effect.void : persistence.remove(dropped)
  })
  const resolve: PlanBookApi["resolve"] = (id, status, resolution, executedBy) =>
    Effect.suspend(() => {
      const plan = plans.get(id)
      if (plan === undefined) return Effect.succeed(undefined)
      const next = { ...plan, status, resolution, executedBy }
      plans.set(id, next)
      return save(next).pipe(Effect.zipRight(prune), Effect.as(next))
    })
  return {
    add: (decision, snapshot, nowMs) =>
      Effect.suspend(() => {
        const plan: BookedPlan = {
          id: decision.id,
          decision,
          fingerprint: fingerprintOf(decision.plan, snapshot),
          createdAtMs: nowMs,
          status: "pending",
          resolution: undefined,
          executedBy: undefined
        }
        plans.set(plan.id, plan)
        return Effect.as(save(plan), plan)
      }),
    get: (id) => Effect.sync(() => plans.get(id)),
    resolve,
    expireStale: (snapshot, nowMs, maxAgeSec) =>
      Effect.gen(function* () {
        for (const plan of [...plans.values()]) {
          if (plan.status !== "pending") continue
          const stale = staleReason(plan.fingerprint, plan.createdAtMs, snapshot, nowMs, maxAgeSec)
          if (stale !== undefined) yield* resolve(plan.id, "expired", stale)
        }
      }),
    list: Effect.sync(() => [...plans.values()].sort((a, b) => b.id - a.id))
  }
}

export interface PlanBookApi {
  readonly add: (decision: RecordedDecision, snapshot: CloudSnapshot, nowMs: number) => Effect.Effect<BookedPlan>
  readonly get: (id: number) => Effect.Effect<BookedPlan | undefined>
  readonly resolve: (
    id: number,
    status: Exclude<PlanStatus, "pending">,
    resolution: string,
    executedBy?: number
  ) => Effect.Effect<BookedPlan | undefined>
  /** Expires the pending plans that no longer hold on `snapshot` (hosts and VMs suffice). */
  readonly expireStale: (snapshot: CloudSnapshot, nowMs: number, maxAgeSec: number) => Effect.Effect<void>
  /** Every plan, newest first. */
  readonly list: Effect.Effect<ReadonlyArray<BookedPlan>>
}

export class PlanBook extends Context.Tag("neat/PlanBook")<PlanBook, PlanBookApi>() {
  /** A book in memory only: a restarted manager starts with none (the decisions stay in the log). */
  static readonly layer: Layer.Layer<PlanBook> = Layer.sync(PlanBook, () => makePlanBook([]))
}
