/**
 * The recommended plans (`mode = recommend`) and what became of them: pending until an operator
 * approves or rejects them, or until they expire (too old, or the cloud changed under them).
 * In memory: a restarted manager starts with none (the decisions stay in the log).
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
const resolvedKept = 200

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
  static readonly layer: Layer.Layer<PlanBook> = Layer.sync(PlanBook, (): PlanBookApi => {
    const plans = new Map<number, BookedPlan>()
    const prune = () => {
      const resolved = [...plans.values()].filter((plan) => plan.status !== "pending")
      for (const plan of resolved.slice(0, Math.max(0, resolved.length - resolvedKept))) plans.delete(plan.id)
    }
    const resolve: PlanBookApi["resolve"] = (id, status, resolution, executedBy) =>
      Effect.sync(() => {
        const plan = plans.get(id)
        if (plan === undefined) return undefined
        const next = { ...plan, status, resolution, executedBy }
        plans.set(id, next)
        prune()
        return next
      })
    return {
      add: (decision, snapshot, nowMs) =>
        Effect.sync(() => {
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
          return plan
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
  })
}
