/** CloudSim's full metric set: the shared `SimulationMetrics` plus the spread and SLA figures CloudSim also prints. */
import type { SimulationMetrics } from "./SimulationResult.js"

export interface CloudsimMetrics extends SimulationMetrics {
  /** (Σ requested − Σ allocated) / Σ requested over all VM time, fraction. */
  readonly slaOverallFrac: number
  /** Mean shortfall (requested − allocated) / requested over under-allocated VM intervals, fraction. */
  readonly slaAverageFrac: number
  readonly stdevTimeBeforeHostShutdownSec: number
  readonly stdevTimeBeforeMigrationSec: number
  /** VMs that fitted on no host when they arrived (traces with lifetimes only; absent otherwise). */
  readonly vmsRefused?: number | undefined
}
