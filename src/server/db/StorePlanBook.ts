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
import type { PlanEffect } from "../../core/control/PlanEffect.js"
import { stepsOfPlan } from "../../core/control/PlanSteps.js"
import { describeError } from "../../core/errors.js"
import {
  type BookedPlan,
  type BookedStep,
  makePlanBook,
  PlanBook,
  type PlanRequest,
  planStatuses,
  resolvedKept
} from "../http/PlanBook.js"
import { Store, type StoredPlan } from "./Store.js"
import type { StoreError } from "./StoreError.js"

const orDie = <A>(operation: string, effect: Effect.Effect<A, StoreError>) =>
  Effect.catchAll(effect, (error) => Effect.dieMessage(`store: ${operation} failed: ${describeError(error)}`))

/** What the `details` column holds. */
interface PlanDetails {
  readonly requests: ReadonlyArray<PlanRequest>
  readonly steps: ReadonlyArray<BookedStep>
  readonly effect?: PlanEffect | undefined
}

const storedPlan = (plan: BookedPlan): StoredPlan => ({
  id: plan.id,
  createdAt: new Date(plan.createdAtMs),
  status: plan.status,
  resolution: plan.resolution,
  executedBy: plan.executedBy,
  fingerprint: plan.fingerprint,
  decision: plan.decision,
  intervalStartedAt: new Date(plan.intervalStartedAtMs),
  supersededBy: plan.supersededBy,
  details: { requests: plan.requests, steps: plan.steps, effect: plan.effect } satisfies PlanDetails
})

/**
 * A stored plan as the book holds it; the documents are the ones the book wrote. A plan kept from
 * before plans were merged per interval gets its actions from its decision, all pending unless the
 * plan was resolved.
 */
const bookedPlan = (row: StoredPlan): BookedPlan => {
  const decision = row.decision as RecordedDecision
  const details = row.details as PlanDetails | undefined
  const status = planStatuses.find((candidate) => candidate === row.status) ?? "expired"
  return {
    id: row.id,
    decision,
    requests: details?.requests ?? [
      {
        decisionId: decision.id,
        host: decision.request.host,
        reason: decision.request.reason,
        vmUuids: decision.request.vmUuids
      }
    ],
    steps: details?.steps ?? stepsOfPlan(decision.plan).map((step) => ({ ...step, status: "pending" as const })),
    effect: details?.effect,
    fingerprint: row.fingerprint as PlanFingerprint,
    createdAtMs: row.createdAt.getTime(),
    intervalStartedAtMs: (row.intervalStartedAt ?? row.createdAt).getTime(),
    status,
    resolution: row.resolution,
    executedBy: row.executedBy,
    supersededBy: row.supersededBy
  }
}

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
      remove: (ids) => orDie("delete plans", store.deletePlans(ids)),
      count: (status) => orDie("count plans", store.countPlans(status))
    })
  })
)
