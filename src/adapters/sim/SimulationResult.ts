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
}
