/**
 * A sweep's results arranged for its report: configurations (in the statistics' order, each with
 * its look, summary, comparison and per-day rows) and days (each with its own runs and facts).
 */
import type { SimulationMetrics } from "../SimulationResult.js"
import type { ParamValue, SweepJob } from "../sweep/SweepJob.js"
import { configurationLabel } from "../sweep/statistics/configurations.js"
import type {
  ConfigurationComparison,
  ConfigurationSummary,
  MetricComparison,
  MetricSummary,
  SweepStatistics
} from "../sweep/statistics/SweepStatistics.js"
import { type Look, lookOf } from "./markers.js"
import type { SampledTimeline } from "./sampledTimeline.js"

/** One finished job of the sweep (a `SweepResult`), with its sampled timeline when the runner kept one. */
export interface SweepReportRow {
  readonly job: SweepJob
  readonly metrics: SimulationMetrics
  readonly timeline?: SampledTimeline | undefined
}

export interface ReportMetric {
  readonly key: keyof SimulationMetrics
  /** The column of sweep.csv, and the key of the statistics. */
  readonly column: string
  readonly header: string
  readonly lowerIsBetter: boolean
}

/** The metrics the report summarises, in its order. */
export const REPORT_METRICS: ReadonlyArray<ReportMetric> = [
  { key: "energyKwh", column: "energy_kwh", header: "Energy (kWh)", lowerIsBetter: true },
  { key: "slavPct", column: "slav_pct", header: "SLAV (%)", lowerIsBetter: true },
  { key: "esv", column: "esv", header: "ESV", lowerIsBetter: true },
  { key: "migrations", column: "migrations", header: "Migrations", lowerIsBetter: true },
  { key: "slatahPct", column: "slatah_pct", header: "SLATAH (%)", lowerIsBetter: true },
  { key: "pdmPct", column: "pdm_pct", header: "PDM (%)", lowerIsBetter: true },
  { key: "hostShutdowns", column: "host_shutdowns", header: "Host shutdowns", lowerIsBetter: false }
]

/** A statistic by its sweep.csv column, or by the same name without its unit (`slav_pct` or `slav`). */
export const byColumn = <A>(record: Readonly<Record<string, A>> | undefined, column: string): A | undefined =>
  record === undefined ? undefined : (record[column] ?? record[column.replace(/_(pct|kwh)$/, "")])

export interface ConfigurationView {
  readonly index: number
  readonly label: string
  /** The label without what every configuration shares (`distinctiveLabels`), for crowded places. */
  readonly short: string
  readonly look: Look
  readonly summary: ConfigurationSummary | undefined
  readonly comparison: ConfigurationComparison | undefined
  readonly rows: ReadonlyArray<SweepReportRow>
}

export interface DayView {
  /** The trace's last path component, e.g. 20110303. */
  readonly name: string
  readonly runs: ReadonlyArray<{ readonly configuration: ConfigurationView; readonly row: SweepReportRow }>
}

export interface SweepModel {
  readonly configurations: ReadonlyArray<ConfigurationView>
  readonly days: ReadonlyArray<DayView>
}

/** A job's configuration without its day, e.g. `cloudsim overload=lr:1.2 selection=mmt`. */
export const dayName = (trace: string): string =>
  trace
    .split(/[\\/]/)
    .filter((part) => part !== "")
    .pop() ?? trace

/** JSON with every object's keys sorted, so that equal configurations compare equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner
  )

/** The shapes a statistics `config` may give a job's configuration in. */
const configKeys = (policy: string, params: Readonly<Record<string, ParamValue>>): ReadonlyArray<string> => [
  canonical({ policy, ...params }),
  canonical({ policy, params }),
  canonical(params)
]

export const metricSummary = (configuration: ConfigurationView, metric: ReportMetric): MetricSummary | undefined =>
  byColumn(configuration.summary?.metrics, metric.column)

export const metricComparison = (
  configuration: ConfigurationView,
  metric: ReportMetric
): MetricComparison | undefined => byColumn(configuration.comparison?.metrics, metric.column)

/**
 * Groups the rows by configuration (matched to the statistics by label, or by the configuration
 * object) and by day; configurations in the statistics' order, then any the statistics lack.
 */
export const buildSweepModel = (
  rows: ReadonlyArray<SweepReportRow>,
  statistics: SweepStatistics,
  labelOf: (job: SweepJob) => string = configurationLabel
): SweepModel => {
  const byLabel = new Map<string, number>()
  const byConfig = new Map<string, number>()
  const labels: Array<string> = []
  const summaries: Array<ConfigurationSummary | undefined> = []
  statistics.configurations.forEach((summary, index) => {
    labels.push(summary.label)
    summaries.push(summary)
    byLabel.set(summary.label, index)
    byConfig.set(canonical(summary.config), index)
  })
  const grouped: Array<Array<SweepReportRow>> = labels.map(() => [])
  for (const row of rows) {
    const label = labelOf(row.job)
    let index = byLabel.get(label)
    if (index === undefined) {
      index = configKeys(row.job.policy, row.job.params)
        .map((key) => byConfig.get(key))
        .find((found) => found !== undefined)
    }
    if (index === undefined) {
      index = labels.length
      labels.push(label)
      summaries.push(undefined)
      grouped.push([])
      byLabel.set(label, index)
    }
    grouped[index]?.push(row)
  }
  const comparisons = new Map(statistics.comparisons.map((comparison) => [comparison.label, comparison]))
  const shorts = distinctiveLabels(labels)
  const configurations: Array<ConfigurationView> = labels.map((label, index) => ({
    index,
    label,
    short: shorts[index] ?? label,
    look: lookOf(index),
    summary: summaries[index],
    comparison: comparisons.get(label),
    rows: grouped[index] ?? []
  }))
  const days = new Map<string, Array<{ configuration: ConfigurationView; row: SweepReportRow }>>()
  for (const configuration of configurations) {
    for (const row of configuration.rows) {
      const name = dayName(row.job.trace)
      const runs = days.get(name) ?? []
      runs.push({ configuration, row })
      days.set(name, runs)
    }
  }
  const dayViews = [...days.entries()]
    .map(([name, runs]) => ({ name, runs, first: Math.min(...runs.map(({ row }) => row.job.index)) }))
    .sort((a, b) => a.first - b.first || a.name.localeCompare(b.name))
    .map(({ name, runs }) => ({ name, runs }))
  return { configurations, days: dayViews }
}

/**
 * Labels without what every configuration shares: words common to all are dropped and a
 * parameter every label names shows its value only (`cloudsim overload=lr:1.2 selection=mmt`
 * among others becomes `lr:1.2 mmt`). The full labels stay in tooltips and tables.
 */
export const distinctiveLabels = (labels: ReadonlyArray<string>): ReadonlyArray<string> => {
  if (labels.length < 2) return labels
  const words = labels.map((label) => label.split(" ").filter((word) => word !== ""))
  const everywhere = (test: (word: string) => boolean) => words.every((list) => list.some(test))
  return words.map((list, i) => {
    const kept = list
      .filter((word) => !everywhere((other) => other === word))
      .map((word) => {
        const equals = word.indexOf("=")
        const name = word.slice(0, equals + 1)
        return equals > 0 && everywhere((other) => other.startsWith(name)) ? word.slice(equals + 1) : word
      })
    return kept.length === 0 ? (labels[i] ?? "") : kept.join(" ")
  })
}
