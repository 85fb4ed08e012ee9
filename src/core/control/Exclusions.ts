/**
 * The exclusion rule as a plan filter: excluded hosts and VMs are never touched, hosts in
 * maintenance are never suspended. Placement already skips excluded and maintenance hosts as
 * targets (`PlanningOptions.untouchableHosts`); this removes what remains: a request from an
 * excluded host, migrations of excluded VMs, suspensions and wakes of untouchable hosts.
 */
import type { Migration, Plan } from "../Placement.js"
import type { PlanningResult } from "./GlobalPlanning.js"
import type { OperatorPolicy } from "./OperatorPolicy.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

const withoutActions = (
  result: PlanningResult,
  detail: string,
  keepSuspend: ReadonlyArray<string> = []
): PlanningResult => ({
  ...result,
  status: "excluded",
  detail,
  plan: { migrations: [], wake: [], suspend: keepSuspend }
})

/** The plan with everything the exclusions forbid removed; status `excluded` when nothing of its purpose remains. */
export const applyExclusions = (
  result: PlanningResult,
  request: ReallocationRequest,
  policy: OperatorPolicy
): PlanningResult => {
  const untouchable = (host: string) => policy.excludedHosts.has(host) || policy.maintenanceHosts.has(host)
  const suspend = result.plan.suspend.filter((host) => !untouchable(host))
  const wake = result.plan.wake.filter((host) => !untouchable(host))
  if (policy.excludedHosts.has(request.host)) {
    return withoutActions(result, `host ${request.host} is excluded by the operator`)
  }
  const forbidden = (migration: Migration) =>
    policy.excludedVms.has(migration.vm) || untouchable(migration.to) || policy.excludedHosts.has(migration.from)
  const blocked = result.plan.migrations.filter(forbidden)
  if (blocked.length === 0) {
    if (suspend.length === result.plan.suspend.length && wake.length === result.plan.wake.length) return result
    return { ...result, plan: { ...result.plan, wake, suspend } }
  }
  const names = blocked.map((migration) => migration.vm).join(", ")
  if (request.reason === "underload") {
    // The host cannot be emptied: nothing leaves it, idle hosts may still be suspended.
    const idle = suspend.filter((host) => host !== request.host)
    return withoutActions(result, `the host cannot be emptied: VMs ${names} are excluded by the operator`, idle)
  }
  const migrations = result.plan.migrations.filter((migration) => !forbidden(migration))
  if (migrations.length === 0) return withoutActions(result, `VMs ${names} are excluded by the operator`)
  const targets = new Set(migrations.map((migration) => migration.to))
  const plan: Plan = { migrations, wake: wake.filter((host) => targets.has(host)), suspend }
  return { ...result, plan, detail: `${result.detail}; VMs ${names} stay (excluded by the operator)` }
}
