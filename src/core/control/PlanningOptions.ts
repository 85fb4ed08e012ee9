/**
 * What planning is told besides the snapshot and the request: a module of its own, so that the
 * options' defaults can be shown (neat serve --help) without loading the planner.
 */
export interface PlanningOptions {
  /** Fraction of a host's CPU that VMs may use (Neat's `host_cpu_usable_by_vms`, 0-1). */
  readonly hostCpuUsableByVms: number
  /** Suspend active hosts without VMs during an underload round, as Neat does. */
  readonly suspendIdleHosts: boolean
  /** Hosts the placement is never offered and that are never suspended (operator exclusions, maintenance). */
  readonly untouchableHosts?: ReadonlySet<string> | undefined
}

export const defaultPlanningOptions: PlanningOptions = { hostCpuUsableByVms: 1, suspendIdleHosts: true }
