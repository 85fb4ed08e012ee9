/**
 * The global manager's plan book over the central store (`plans`): every new plan and every
 * resolution is written through, and a manager that starts again reads the kept plans back, so
 * pending plans can still be approved, rejected or expire after a restart. As with the store's
 * decision log, a store failure while running is a defect naming the operation; one at start
 * fails the start.
 */
import { Effect, Layer } from "effect"
import type { RecordedDecision } from "../../core/control/Decision.js"
import type { PlanFingerprint } from "../../core/control/PendingPlan.js"
import { describeError } from "../../core/errors.js"
import { type BookedPlan, makePlanBook, PlanBook, type PlanStatus, resolvedKept } from "../http/PlanBook.js"
import { Store, type StoredPlan } from "./Store.js"
import type { StoreError } from "./StoreError.js"

const statuses: ReadonlyArray<PlanStatus> = ["pending", "approved", "rejected", "expired"]

const orDie = <A>(operation: string, effect: Effect.Effect<A, StoreError>) =>
  Effect.catchAll(effect, (error) => Effect.dieMessage(`store: ${operation} failed: ${describeError(error)}`))

const storedPlan = (plan: BookedPlan): StoredPlan => ({
  id: plan.id,
  createdAt: new Date(plan.createdAtMs),
  status: plan.status,
  resolution: plan.resolution,
  executedBy: plan.executedBy,
  fingerprint: plan.fingerprint,
  decision: plan.decision
})

/** A stored plan as the book holds it; the documents are the ones the book wrote. */
const bookedPlan = (row: StoredPlan): BookedPlan => ({
  id: row.id,
  decision: row.decision as RecordedDecision,
  fingerprint: row.fingerprint as PlanFingerprint,
  createdAtMs: row.createdAt.getTime(),
  status: statuses.find((status) => status === row.status) ?? "expired",
  resolution: row.resolution,
  executedBy: row.executedBy
})

/** `PlanBook` backed by the `Store`: the kept plans at start, then every change written through. */
export const storePlanBookLayer: Layer.Layer<PlanBook, StoreError, Store> = Layer.effect(
  PlanBook,
  Effect.gen(function* () {
    const store = yield* Store
    const rows = yield* store.listPlans()
    const plans = rows.map(bookedPlan)
    // Keep what the book would have kept: every pending plan and the newest resolved ones.
    const resolved = plans.filter((plan) => plan.status !== "pending")
    const dropped = resolved.slice(0, Math.max(0, resolved.length - resolvedKept)).map((plan) => plan.id)
    if (dropped.length > 0) yield* store.deletePlans(dropped)
    const gone = new Set(dropped)
    const kept = plans.filter((plan) => !gone.has(plan.id))
    return makePlanBook(kept, {
      save: (plan) => orDie("save plan", store.upsertPlan(storedPlan(plan))),
      remove: (ids) => orDie("delete plans", store.deletePlans(ids))
    })
  })
)
