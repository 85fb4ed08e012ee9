/** The metrics a sweep keeps per job, with their column names in the store and the CSV. */
import type { SimulationMetrics } from "../SimulationResult.js"

/** Metric ↔ column, in the order of the CSV and of the table. */
export const METRIC_COLUMNS = [
  ["energyKwh", "energy_kwh"],
  ["migrations", "migrations"],
  ["slatahPct", "slatah_pct"],
  ["pdmPct", "pdm_pct"],
  ["slavPct", "slav_pct"],
  ["esv", "esv"],
  ["hostShutdowns", "host_shutdowns"],
  ["meanTimeBeforeHostShutdownSec", "mean_time_before_host_shutdown_sec"],
  ["meanTimeBeforeMigrationSec", "mean_time_before_migration_sec"],
  ["overloadTimeFraction", "overload_time_fraction"],
  ["idleTimeFraction", "idle_time_fraction"],
  ["vms", "vms"],
  ["hosts", "hosts"],
  ["wallSeconds", "wall_seconds"]
] as const satisfies ReadonlyArray<readonly [keyof SimulationMetrics, string]>

/** Why a runner's answer is not a set of metrics, or undefined when it is (each metric a number; NaN allowed). */
export const checkMetrics = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null)
    return `the runner returned ${value === null ? "null" : typeof value}, not metrics`
  const record = value as Readonly<Record<string, unknown>>
  const missing = METRIC_COLUMNS.map(([metric]) => metric).filter((metric) => typeof record[metric] !== "number")
  return missing.length === 0 ? undefined : `the runner's metrics lack a number for ${missing.join(", ")}`
}
