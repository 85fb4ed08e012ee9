/** CloudSim's full metric set: the shared `SimulationMetrics` plus the spread and SLA figures CloudSim also prints. */
import type { SimulationMetrics } from "./SimulationResult.js"

export interface CloudsimMetrics extends SimulationMetrics {
  /** (Σ requested − Σ allocated) / Σ requested over all VM time, fraction. */
  readonly slaOverallFrac: number
  /** Mean shortfall (requested − allocated) / requested over under-allocated VM intervals, fraction. */
  readonly slaAverageFrac: number
  readonly stdevTimeBeforeHostShutdownSec: number
  readonly stdevTimeBeforeMigrationSec: number
}

/** Sample standard deviation from a count, a sum and a sum of squares (NaN below 2 values). */
export const sampleStdev = (count: number, sum: number, sumSquares: number): number => {
  if (count < 2) return Number.NaN
  const mean = sum / count
  return Math.sqrt(Math.max(0, (sumSquares - count * mean * mean) / (count - 1)))
}
