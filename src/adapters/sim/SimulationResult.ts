/** What one simulation run reports: the study's metrics and a per-step timeline. */

export interface SimulationMetrics {
  /** Energy used by all hosts over the run, kWh. */
  readonly energyKwh: number
  /** Number of VM live migrations. */
  readonly migrations: number
  /** SLA violation time per active host, percent. */
  readonly slatahPct: number
  /** Performance degradation due to migrations, percent. */
  readonly pdmPct: number
  /** SLATAH × PDM, percent. */
  readonly slavPct: number
  /** Energy (kWh) × SLAV (fraction). */
  readonly esv: number
  /** Number of active → inactive host transitions. */
  readonly hostShutdowns: number
  readonly meanTimeBeforeHostShutdownSec: number
  readonly meanTimeBeforeMigrationSec: number
  /** Neat's metric: fraction of active host time spent overloaded. */
  readonly overloadTimeFraction: number
  /** Neat's metric: fraction of host time spent idle (inactive). */
  readonly idleTimeFraction: number
  readonly vms: number
  readonly hosts: number
  /** Wall-clock duration of the run, seconds. */
  readonly wallSeconds: number
}

/** One entry per decision step. */
export interface Timeline {
  readonly timeSec: Float64Array
  readonly activeHosts: Int32Array
  readonly powerW: Float64Array
  readonly overloadedHosts: Int32Array
  readonly migrations: Int32Array
}

export interface SimulationResult {
  readonly metrics: SimulationMetrics
  readonly timeline: Timeline
  /** Present when the run had server groups. */
  readonly serverGroups?: ServerGroupStats | undefined
}

/** What server groups cost in a run (`neat sim --server-groups`, `neat` policy). */
export interface ServerGroupStats {
  /** Groups, and the VMs in them. */
  readonly groups: number
  readonly members: number
  /** Hard groups the initial placement breaks (it does not know groups; placement never breaks one further). */
  readonly brokenAtStart: number
  /** Requests a group left undone: a host not emptied, or an overload whose VMs all had to stay. */
  readonly refusedRequests: number
  /** VMs kept where they were because of a group: each VM of such a request, and each VM an overload left behind. */
  readonly vmsKept: number
}
