/**
 * The minimum of active spare hosts as a plan filter: after the plan, at least `minSpare` active
 * hosts hold no VM (room for new VMs without waiting for a wake). Suspensions are dropped, last
 * first, until that holds or none remain; a plan never wakes a host just to have spares.
 */
import type { CloudSnapshot } from "./CloudSnapshot.js"
import type { PlanningResult } from "./GlobalPlanning.js"

/** Active hosts without VMs once `plan` has run (suspensions not counted yet). */
const emptyActiveAfter = (snapshot: CloudSnapshot, result: PlanningResult): Array<string> => {
  const counts = new Map<string, number>()
  for (const host of snapshot.hosts) counts.set(host.name, host.vms.length)
  for (const { from, to } of result.plan.migrations) {
    counts.set(from, (counts.get(from) ?? 0) - 1)
    counts.set(to, (counts.get(to) ?? 0) + 1)
  }
  const woken = new Set(result.plan.wake)
  return snapshot.hosts
    .filter((host) => (host.power === "active" || woken.has(host.name)) && (counts.get(host.name) ?? 0) <= 0)
    .map((host) => host.name)
}

/** The plan with enough suspensions removed to leave `minSpare` empty active hosts. */
export const keepSpareHosts = (snapshot: CloudSnapshot, result: PlanningResult, minSpare: number): PlanningResult => {
  if (minSpare <= 0 || result.plan.suspend.length === 0) return result
  const empty = emptyActiveAfter(snapshot, result)
  const suspending = new Set(result.plan.suspend)
  const spares = empty.filter((host) => !suspending.has(host)).length
  const toKeep = Math.min(result.plan.suspend.length, Math.max(0, minSpare - spares))
  if (toKeep === 0) return result
  const suspend = result.plan.suspend.slice(0, result.plan.suspend.length - toKeep)
  const kept = result.plan.suspend.slice(result.plan.suspend.length - toKeep)
  return {
    ...result,
    detail: `${result.detail}; ${kept.join(", ")} kept active as spare (minimum ${minSpare})`,
    plan: { ...result.plan, suspend }
  }
}
