/**
 * The operator's rules applied to a plan, in order: exclusions, the migration cap, the spare
 * hosts. Pure: the snapshot the plan was made on and the migrations already run in the cap's
 * window go in.
 */
import type { CloudSnapshot } from "./CloudSnapshot.js"
import { applyExclusions } from "./Exclusions.js"
import type { PlanningResult } from "./GlobalPlanning.js"
import { capMigrations } from "./MigrationCap.js"
import type { OperatorPolicy } from "./OperatorPolicy.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"
import { keepSpareHosts } from "./SpareHosts.js"

/** `recentMigrations`: migrations executed within the cap's window. */
export const applyPolicy = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  result: PlanningResult,
  policy: OperatorPolicy,
  recentMigrations: number
): PlanningResult => {
  const allowed = applyExclusions(result, request, policy)
  const capped =
    policy.maxMigrationsPerInterval === undefined
      ? allowed
      : capMigrations(allowed, request, policy.maxMigrationsPerInterval - recentMigrations)
  return keepSpareHosts(snapshot, capped, policy.minSpareHosts)
}
