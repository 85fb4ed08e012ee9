/** Human-readable and JSON renderings of a run's metrics. */
import type { CloudsimMetrics } from "./CloudsimMetrics.js"
import type { ServerGroupStats, SimulationMetrics } from "./SimulationResult.js"
import { METRIC_COLUMNS } from "./sweep/metricColumns.js"

const rows: ReadonlyArray<readonly [string, (m: SimulationMetrics) => string]> = [
  ["hosts", (m) => String(m.hosts)],
  ["VMs", (m) => String(m.vms)],
  ["energy (kWh)", (m) => m.energyKwh.toFixed(2)],
  ["migrations", (m) => String(m.migrations)],
  ["SLATAH (%)", (m) => m.slatahPct.toFixed(2)],
  ["PDM (%)", (m) => m.pdmPct.toFixed(4)],
  ["SLAV (%)", (m) => m.slavPct.toFixed(5)],
  ["ESV (kWh × SLAV)", (m) => m.esv.toFixed(5)],
  ["host shutdowns", (m) => String(m.hostShutdowns)],
  ["mean time before a host shutdown (s)", (m) => m.meanTimeBeforeHostShutdownSec.toFixed(1)],
  ["mean time before a VM migration (s)", (m) => m.meanTimeBeforeMigrationSec.toFixed(2)],
  ["overload time fraction", (m) => m.overloadTimeFraction.toFixed(4)],
  ["idle time fraction", (m) => m.idleTimeFraction.toFixed(4)],
  ["wall time (s)", (m) => m.wallSeconds.toFixed(3)]
]

/** The VMs refused, reported by runs whose VMs come and go (`CloudsimMetrics.vmsRefused`). */
const vmsRefusedOf = (metrics: SimulationMetrics): number | undefined => {
  const refused = (metrics as Partial<CloudsimMetrics>).vmsRefused
  return typeof refused === "number" ? refused : undefined
}

/** A two-column table, labels left, values right-aligned. */
export const formatMetricsTable = (metrics: SimulationMetrics): string => {
  const cells = rows.map(([label, value]) => [label, value(metrics)] as const)
  // Runs whose VMs come and go say how many found no host.
  const refused = vmsRefusedOf(metrics)
  if (refused !== undefined) cells.splice(2, 0, ["VMs refused", String(refused)])
  const labelWidth = Math.max(...cells.map(([label]) => label.length))
  const valueWidth = Math.max(...cells.map(([, value]) => value.length))
  return cells.map(([label, value]) => `${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}`).join("\n")
}

/**
 * The metrics as one JSON object with snake_case keys (`energy_kwh`), as sweep.csv, the store and
 * neat.conf name things, then the camelCase keys of the previous release (`energyKwh`), kept for
 * one release and deprecated; `vms_refused` only for traces whose VMs come and go. NaN (e.g. no migration to time) becomes null. `head` (the
 * configuration that produced the run) comes first.
 */
export const formatMetricsJson = (metrics: SimulationMetrics, head: Readonly<Record<string, unknown>> = {}): string => {
  const snake: Record<string, unknown> = Object.fromEntries(
    METRIC_COLUMNS.map(([metric, column]) => [column, metrics[metric]])
  )
  const refused = vmsRefusedOf(metrics)
  if (refused !== undefined) snake.vms_refused = refused
  const camel = Object.fromEntries(METRIC_COLUMNS.map(([metric]) => [metric, metrics[metric]]))
  return JSON.stringify({ ...head, ...snake, ...camel }, (_key, value: unknown) =>
    typeof value === "number" && !Number.isFinite(value) ? null : value
  )
}

/** The server groups' line of a run's table: what the groups held back. */
export const formatServerGroups = (stats: ServerGroupStats): string =>
  `server groups: ${stats.groups} (${stats.members} VMs), ${stats.brokenAtStart} hard groups broken by the initial placement; ` +
  `${stats.refusedRequests} requests refused and ${stats.vmsKept} VMs kept in place by a group`
