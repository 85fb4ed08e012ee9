/**
 * What operators impose on the global manager's plans: hosts and VMs never touched, hosts in
 * maintenance (drained and kept empty), a minimum of active spare hosts, a cap on migrations per
 * interval, and when disruption is allowed (blackouts, maintenance windows, a disruption budget).
 * Each rule is a pure transform of a `PlanningResult`, in its own module.
 */
import type { DisruptionSchedule } from "./DisruptionSchedule.js"

export interface OperatorPolicy {
  /** Hosts never touched: no VM leaves or arrives, never suspended or woken, their requests refused. */
  readonly excludedHosts: ReadonlySet<string>
  /** VMs never migrated. */
  readonly excludedVms: ReadonlySet<string>
  /** Hosts in maintenance: drained by the placement, never a target, never suspended. */
  readonly maintenanceHosts: ReadonlySet<string>
  /** Active hosts without VMs kept running after every plan (0: none). */
  readonly minSpareHosts: number
  /** Migrations allowed per `migrationCapIntervalSec`; undefined: no cap. */
  readonly maxMigrationsPerInterval: number | undefined
  /** Length of the window of the migration cap, seconds. */
  readonly migrationCapIntervalSec: number
  /** Blackouts, maintenance windows and the disruption budget; absent: none. */
  readonly schedule?: DisruptionSchedule | undefined
}

export const noPolicy: OperatorPolicy = {
  excludedHosts: new Set(),
  excludedVms: new Set(),
  maintenanceHosts: new Set(),
  minSpareHosts: 0,
  maxMigrationsPerInterval: undefined,
  migrationCapIntervalSec: 300
}

const untouchable = new WeakMap<OperatorPolicy, ReadonlySet<string>>()

/**
 * Hosts the placement must never be offered: excluded and in maintenance. The same set for the
 * same policy, so that planning can keep what it derived for it from one request to the next.
 */
export const untouchableHosts = (policy: OperatorPolicy): ReadonlySet<string> => {
  let hosts = untouchable.get(policy)
  if (hosts === undefined) {
    hosts = new Set([...policy.excludedHosts, ...policy.maintenanceHosts])
    untouchable.set(policy, hosts)
  }
  return hosts
}
