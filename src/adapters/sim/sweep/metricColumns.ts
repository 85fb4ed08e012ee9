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

/**
 * Metrics only some runs have, column after column after `METRIC_COLUMNS`: `vms_refused`, the
 * arrivals refused because no host could take them, reported by runs whose VMs come and go (trace
 * lifetimes). A runner need not return them; absent is no value (an empty cell, NULL, null).
 */
export const OPTIONAL_METRIC_COLUMNS = [["vmsRefused", "vms_refused"]] as const satisfies ReadonlyArray<
  readonly [keyof OptionalMetrics, string]
>

/** The metrics only some runs have (`CloudsimMetrics.vmsRefused`). */
export interface OptionalMetrics {
  readonly vmsRefused?: number | undefined
}

/** An optional metric of a run, NaN when the run has none. */
export const optionalMetric = (metrics: SimulationMetrics, metric: keyof OptionalMetrics): number => {
  const value = (metrics as SimulationMetrics & OptionalMetrics)[metric]
  return typeof value === "number" ? value : Number.NaN
}

/** Why a runner's answer is not a set of metrics, or undefined when it is (each metric a number; NaN allowed). */
export const checkMetrics = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null)
    return `the runner returned ${value === null ? "null" : typeof value}, not metrics`
  const record = value as Readonly<Record<string, unknown>>
  const missing = METRIC_COLUMNS.map(([metric]) => metric).filter((metric) => typeof record[metric] !== "number")
  if (missing.length > 0) return `the runner's metrics lack a number for ${missing.join(", ")}`
  const wrong = OPTIONAL_METRIC_COLUMNS.map(([metric]) => metric).filter(
    (metric) => record[metric] !== undefined && typeof record[metric] !== "number"
  )
  return wrong.length === 0 ? undefined : `the runner's ${wrong.join(", ")} is not a number`
}
