/**
 * The what-if's table: each metric of what happened beside the replay's, both measured by
 * `windowResult`. A metric undefined on a side (NaN) reads `n/a` there, whichever side it is.
 */
import type { SimulationMetrics } from "../../adapters/sim/SimulationResult.js"

const rows: ReadonlyArray<readonly [string, (m: SimulationMetrics) => number, number]> = [
  ["hosts", (m) => m.hosts, 0],
  ["VMs", (m) => m.vms, 0],
  ["energy (kWh)", (m) => m.energyKwh, 2],
  ["migrations", (m) => m.migrations, 0],
  ["SLATAH (%)", (m) => m.slatahPct, 2],
  ["PDM (%)", (m) => m.pdmPct, 4],
  ["SLAV (%)", (m) => m.slavPct, 5],
  ["ESV (kWh × SLAV)", (m) => m.esv, 5],
  ["host shutdowns", (m) => m.hostShutdowns, 0],
  ["mean time before a host shutdown (s)", (m) => m.meanTimeBeforeHostShutdownSec, 1],
  ["mean time before a VM migration (s)", (m) => m.meanTimeBeforeMigrationSec, 2],
  ["overload time fraction", (m) => m.overloadTimeFraction, 4],
  ["idle time fraction", (m) => m.idleTimeFraction, 4]
]

/** A number with `digits` decimals, or `n/a` when it is undefined. */
export const formatMetric = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : "n/a"

/** A row beyond the metrics: a label, each side's value and its decimals. */
export type ExtraRow = readonly [label: string, recorded: number, replay: number, digits: number]

export const formatComparison = (
  recorded: SimulationMetrics,
  replay: SimulationMetrics,
  extra: ReadonlyArray<ExtraRow> = [],
  headers: readonly [string, string] = ["recorded", "replay"]
): string => {
  const cells = [
    ["", headers[0], headers[1]] as const,
    ...rows.map(
      ([label, value, digits]) =>
        [label, formatMetric(value(recorded), digits), formatMetric(value(replay), digits)] as const
    ),
    ...extra.map(
      ([label, left, right, digits]) => [label, formatMetric(left, digits), formatMetric(right, digits)] as const
    )
  ]
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((row) => row[i]!.length)))
  return cells
    .map(([label, left, right]) =>
      `${label.padEnd(widths[0]!)}  ${left.padStart(widths[1]!)}  ${right.padStart(widths[2]!)}`.trimEnd()
    )
    .join("\n")
}
