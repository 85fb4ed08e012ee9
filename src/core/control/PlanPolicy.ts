/**
 * The operator's rules applied to a plan, in order: exclusions, the migration cap, the spare
 * hosts, then the blackouts and the disruption budget. Pure: the snapshot the plan was made on,
 * the migrations already run in the cap's window and the time go in.
 */
import type { CloudSnapshot } from "./CloudSnapshot.js"
import { limitToBudget } from "./DisruptionBudget.js"
import { activeBlackout, holdDuringBlackout } from "./DisruptionSchedule.js"
import { applyExclusions } from "./Exclusions.js"
import type { PlanningResult } from "./GlobalPlanning.js"
import { capMigrations } from "./MigrationCap.js"
import type { OperatorPolicy } from "./OperatorPolicy.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"
import { keepSpareHosts } from "./SpareHosts.js"

/** `recentMigrations`: migrations executed within the cap's window; `nowMs`: when the plan is to run. */
export const applyPolicy = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  result: PlanningResult,
  policy: OperatorPolicy,
  recentMigrations: number,
  nowMs?: number
): PlanningResult => {
  const allowed = applyExclusions(result, request, policy)
  const capped =
    policy.maxMigrationsPerInterval === undefined
      ? allowed
      : capMigrations(allowed, request, policy.maxMigrationsPerInterval - recentMigrations)
  const spared = keepSpareHosts(snapshot, capped, policy.minSpareHosts)
  const schedule = policy.schedule
  if (schedule === undefined || nowMs === undefined) return spared
  const blackout = schedule.blackouts.length === 0 ? undefined : activeBlackout(schedule, nowMs)
  const held = blackout === undefined ? spared : holdDuringBlackout(spared, request.reason, blackout)
  return schedule.budget === undefined ? held : limitToBudget(snapshot, request, held, schedule.budget)
}
