/**
 * Test fixture: a plausible sweep (configurations × PlanetLab days, each day with its own VM count)
 * and its statistics, computed here by a small independent helper so that the report can be tested
 * without the statistics library. p-values use the normal approximation: fine for a fixture only.
 */
import { sampleTimeline } from "../../../../src/adapters/sim/report/sampledTimeline.js"
import type { SweepReportRow } from "../../../../src/adapters/sim/report/sweepModel.js"
import type { SimulationMetrics } from "../../../../src/adapters/sim/SimulationResult.js"
import { METRIC_COLUMNS } from "../../../../src/adapters/sim/sweep/metricColumns.js"
import { configurationLabel } from "../../../../src/adapters/sim/sweep/statistics/configurations.js"
import type {
  ConfigurationComparison,
  ConfigurationSummary,
  MetricComparison,
  MetricSummary,
  SweepStatistics
} from "../../../../src/adapters/sim/sweep/statistics/SweepStatistics.js"
import { sampleResult } from "./sampleRuns.js"

/** The ten PlanetLab days and their VM counts. */
export const PLANETLAB_DAYS: ReadonlyArray<readonly [string, number]> = [
  ["20110303", 1052],
  ["20110306", 898],
  ["20110309", 1061],
  ["20110322", 1516],
  ["20110325", 1078],
  ["20110403", 1463],
  ["20110409", 1358],
  ["20110411", 1233],
  ["20110412", 1054],
  ["20110420", 1033]
]

const OVERLOADS = [
  "thr:0.8",
  "iqr:1.5",
  "mad:2.5",
  "lr:1.2",
  "lrr:1.2",
  "thr:0.7",
  "thr:0.9",
  "iqr:2.0",
  "mad:3.0",
  "lr:1.4"
]
const SELECTIONS = ["mmt", "mc", "mu", "rs"]

/** A deterministic value in [0, 1) from integers. */
const noise = (...keys: ReadonlyArray<number>): number => {
  let h = 2166136261
  for (const key of keys) h = Math.imul(h ^ (key + 0x9e3779b9), 16777619) >>> 0
  return (h % 100_000) / 100_000
}

/** `configurations` (up to 40) × `days` rows, with sampled timelines when `timelines`. */
export const sampleSweepRows = (
  configurations: number,
  days = PLANETLAB_DAYS.length,
  options: { readonly timelines?: boolean } = {}
): Array<SweepReportRow> => {
  const rows: Array<SweepReportRow> = []
  for (let d = 0; d < days; d++) {
    const [day, vms] = PLANETLAB_DAYS[d % PLANETLAB_DAYS.length] as readonly [string, number]
    for (let c = 0; c < configurations; c++) {
      const overload = OVERLOADS[Math.floor(c / SELECTIONS.length) % OVERLOADS.length] as string
      const selection = SELECTIONS[c % SELECTIONS.length] as string
      const scale = vms / 1052
      const energy = (120 + 40 * noise(c) + 8 * noise(c, d, 1)) * scale
      const slav = 0.002 + 0.006 * noise(c, 7) + 0.0015 * noise(c, d, 2)
      const base = sampleResult(energy, slav, (c + d) % 7, 288)
      const metrics: SimulationMetrics = {
        ...base.metrics,
        migrations: Math.round((15_000 + 20_000 * noise(c, 3) + 3000 * noise(c, d, 3)) * scale),
        slatahPct: 4 + 5 * noise(c, 4) + noise(c, d, 4),
        pdmPct: 0.05 + 0.06 * noise(c, 5) + 0.01 * noise(c, d, 5),
        hostShutdowns: Math.round((4000 + 2000 * noise(c, 6) + 300 * noise(c, d, 6)) * scale),
        vms,
        hosts: 800
      }
      const params = { overload, selection }
      const job = { key: `k${d}-${c}`, index: rows.length, policy: "cloudsim", params, trace: `/data/planetlab/${day}` }
      rows.push(
        options.timelines === true ? { job, metrics, timeline: sampleTimeline(base.timeline) } : { job, metrics }
      )
    }
  }
  return rows
}

/** Student's t 0.975 quantiles for 1..30 degrees of freedom (published tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042
]

const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const a = sorted[low] ?? Number.NaN
  const b = sorted[Math.min(sorted.length - 1, low + 1)] ?? a
  return a + (b - a) * (position - low)
}

const meanSdCi = (values: ReadonlyArray<number>) => {
  const n = values.length
  const mean = values.reduce((sum, value) => sum + value, 0) / n
  if (n < 2) return { mean, sd: null, ci95: null }
  const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1))
  const half = (T975[Math.min(n - 2, T975.length - 1)] ?? 1.96) * (sd / Math.sqrt(n))
  return { mean, sd, ci95: [mean - half, mean + half] as const }
}

const summarise = (values: ReadonlyArray<number>): MetricSummary => {
  const sorted = [...values].sort((a, b) => a - b)
  return { ...meanSdCi(values), median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75) }
}

/** Two-sided p-value of z under the normal approximation (Abramowitz–Stegun 26.2.17). */
const pNormal = (z: number): number => {
  const x = Math.abs(z)
  const t = 1 / (1 + 0.2316419 * x)
  const density = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)
  const tail =
    density * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  return Math.min(1, 2 * tail)
}

const compare = (values: ReadonlyArray<number>, baseline: ReadonlyArray<number>): MetricComparison => {
  const diffs = values.map((value, i) => value - (baseline[i] ?? Number.NaN))
  const { mean, sd, ci95 } = meanSdCi(diffs)
  const baseMean = baseline.reduce((sum, value) => sum + value, 0) / baseline.length
  const p = sd === null || sd === 0 ? null : pNormal(mean / (sd / Math.sqrt(diffs.length)))
  return { mean_diff: mean, ci95, relative: baseMean === 0 ? null : mean / baseMean, p_t: p, p_wilcoxon: p }
}

/** The statistics of `rows` per configuration (by `configurationLabel`), compared with `baseline` over shared days. */
export const sampleStatistics = (rows: ReadonlyArray<SweepReportRow>, baseline?: string): SweepStatistics => {
  const groups = new Map<string, Array<SweepReportRow>>()
  for (const row of rows) {
    const label = configurationLabel(row.job)
    groups.set(label, [...(groups.get(label) ?? []), row])
  }
  const configurations: Array<ConfigurationSummary> = [...groups.entries()].map(([label, group]) => ({
    label,
    config: { policy: group[0]?.job.policy, ...group[0]?.job.params },
    n: group.length,
    metrics: Object.fromEntries(
      METRIC_COLUMNS.map(([metric, column]) => [column, summarise(group.map((row) => row.metrics[metric]))])
    )
  }))
  const base = baseline === undefined ? undefined : groups.get(baseline)
  const comparisons: Array<ConfigurationComparison> =
    base === undefined || baseline === undefined
      ? []
      : [...groups.entries()]
          .filter(([label]) => label !== baseline)
          .map(([label, group]) => {
            const byTrace = new Map(base.map((row) => [row.job.trace, row]))
            const paired = group.filter((row) => byTrace.has(row.job.trace))
            return {
              label,
              baseline,
              n: paired.length,
              metrics: Object.fromEntries(
                METRIC_COLUMNS.map(([metric, column]) => [
                  column,
                  compare(
                    paired.map((row) => row.metrics[metric]),
                    paired.map((row) => byTrace.get(row.job.trace)?.metrics[metric] ?? Number.NaN)
                  )
                ])
              )
            }
          })
  return { configurations, comparisons }
}

/** The configuration the fixtures compare the others with (CloudSim's THR-MMT-0.8). */
export const BASELINE_LABEL = "cloudsim overload=thr:0.8 selection=mmt"
