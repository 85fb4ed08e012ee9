/**
 * The cap on migrations per interval as a plan filter. An underload plan is all or nothing (a host
 * half emptied saves no energy), so it is deferred whole; an overload plan keeps the migrations
 * that fit in what remains of the budget (in the placement's order) and the wakes they need.
 */
import type { PlanningResult } from "./GlobalPlanning.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

/** The plan cut to at most `remaining` migrations; status `deferred` when none can run. */
export const capMigrations = (
  result: PlanningResult,
  request: ReallocationRequest,
  remaining: number
): PlanningResult => {
  const planned = result.plan.migrations.length
  if (planned <= remaining) return result
  const budget = Math.max(0, Math.floor(remaining))
  if (request.reason === "underload" || budget === 0) {
    const idle = result.plan.suspend.filter((host) => host !== request.host)
    return {
      ...result,
      status: "deferred",
      detail: `${planned} migrations planned but only ${budget} remain under the cap on migrations per interval`,
      plan: { migrations: [], wake: [], suspend: request.reason === "underload" ? idle : result.plan.suspend }
    }
  }
  const migrations = result.plan.migrations.slice(0, budget)
  const targets = new Set(migrations.map((migration) => migration.to))
  return {
    ...result,
    detail: `${result.detail}; ${planned - budget} of ${planned} migrations left out by the cap on migrations per interval`,
    plan: { ...result.plan, migrations, wake: result.plan.wake.filter((host) => targets.has(host)) }
  }
}
