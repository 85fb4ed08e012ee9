/**
 * The plans part of the dashboard's state: the true count of plans by status (every plan the book
 * holds, not only those sent), every pending plan and the newest resolved ones, each without what
 * the page does not draw (the fingerprint, the decision's timings and inputs). Fields of the plan
 * JSON contract that a server may not have yet (`actions`, `effect`, `superseded_by`,
 * `interval_started_at_ms`) are passed on when present.
 */
import type { Schema } from "effect"
import type { PlanView } from "./Api.js"

/** Pending plans sent at most (the count stays true beyond). */
export const pendingSent = 500
/** Resolved plans sent, newest first. */
export const resolvedSent = 50

type Plan = Schema.Schema.Type<typeof PlanView>

/** Fields of the plan contract a plan may carry beyond `PlanView`. */
const contractFields = ["actions", "effect", "superseded_by", "interval_started_at_ms"] as const

export interface DashboardPlans {
  /** Plans by status, over every plan the book holds. */
  readonly plan_counts: Readonly<Record<string, number>>
  readonly plans: ReadonlyArray<Record<string, unknown>>
}

const compact = (plan: Plan): Record<string, unknown> => {
  const extra = plan as Plan & Readonly<Record<(typeof contractFields)[number], unknown>>
  const view: Record<string, unknown> = {
    id: plan.id,
    status: plan.status,
    created_at_ms: plan.created_at_ms,
    expires_at_ms: plan.expires_at_ms,
    request: { host: plan.decision.host, reason: plan.decision.reason, detail: plan.decision.detail },
    plan: plan.decision.plan
  }
  if (plan.resolution !== undefined) view.resolution = plan.resolution
  if (plan.executed_by !== undefined) view.executed_by = plan.executed_by
  for (const field of contractFields) if (extra[field] !== undefined) view[field] = extra[field]
  return view
}

/**
 * `plans` newest first, as `PlanActions.list` gives them; `storeCounts`, when given, are the
 * store's own counts by status (the book keeps only the newest resolved plans in memory).
 */
export const dashboardPlans = (
  plans: ReadonlyArray<Plan>,
  storeCounts?: Readonly<Record<string, number>>
): DashboardPlans => {
  const counts: Record<string, number> = { pending: 0 }
  for (const plan of plans) counts[plan.status] = (counts[plan.status] ?? 0) + 1
  if (storeCounts !== undefined) Object.assign(counts, storeCounts)
  const pending = plans.filter((plan) => plan.status === "pending").slice(0, pendingSent)
  const resolved = plans.filter((plan) => plan.status !== "pending").slice(0, resolvedSent)
  return { plan_counts: counts, plans: [...pending, ...resolved].map(compact) }
}
