/**
 * The statistics of a sweep (summary.json): each configuration over its days, and, given a
 * baseline, each other configuration against it over the days both ran. A metric's missing values
 * (NaN, e.g. no host ever shut down) are left out of its statistics, and a metric without any
 * value is left out of the configuration's record.
 */
import { Either } from "effect"
import type { ConfigError } from "../../../../core/errors.js"
import type { SimulationMetrics } from "../../SimulationResult.js"
import { METRIC_COLUMNS, OPTIONAL_METRIC_COLUMNS, type OptionalMetrics } from "../metricColumns.js"
import type { SweepResult } from "../SweepJob.js"
import { type Configuration, findBaseline, groupConfigurations } from "./configurations.js"
import { comparePaired } from "./pairedComparison.js"
import type {
  ConfigurationComparison,
  ConfigurationSummary,
  MetricComparison,
  MetricSummary,
  SweepStatistics
} from "./SweepStatistics.js"
import { summarizeSample } from "./sampleSummary.js"

/**
 * The metrics summarised: every metric column of sweep.csv but the days' facts (vms, hosts) and the
 * wall time; `vms_refused` only for runs that have it (VMs that come and go).
 */
export const STATISTICS_METRICS: ReadonlyArray<readonly [keyof SimulationMetrics | keyof OptionalMetrics, string]> = [
  ...METRIC_COLUMNS.filter(([metric]) => metric !== "vms" && metric !== "hosts" && metric !== "wallSeconds"),
  ...OPTIONAL_METRIC_COLUMNS
]

/** A result's metric; NaN when it has none (an optional metric the run did not report). */
const value = (result: SweepResult, metric: keyof SimulationMetrics | keyof OptionalMetrics): number =>
  (result.metrics as SimulationMetrics & OptionalMetrics)[metric] ?? Number.NaN

const summarize = (configuration: Configuration): ConfigurationSummary => {
  const results = [...configuration.byTrace.values()]
  const metrics: Record<string, MetricSummary> = {}
  for (const [metric, column] of STATISTICS_METRICS) {
    const values = results.map((result) => value(result, metric)).filter(Number.isFinite)
    if (values.length > 0) metrics[column] = summarizeSample(values)
  }
  return { label: configuration.label, config: configuration.config, n: results.length, metrics }
}

const compare = (configuration: Configuration, baseline: Configuration): ConfigurationComparison => {
  const pairs = [...configuration.byTrace].flatMap(([trace, result]) => {
    const base = baseline.byTrace.get(trace)
    return base === undefined ? [] : [[result, base] as const]
  })
  const metrics: Record<string, MetricComparison> = {}
  for (const [metric, column] of STATISTICS_METRICS) {
    const finite = pairs.filter(([a, b]) => Number.isFinite(value(a, metric)) && Number.isFinite(value(b, metric)))
    if (finite.length === 0) continue
    metrics[column] = comparePaired(
      finite.map(([a]) => value(a, metric)),
      finite.map(([, b]) => value(b, metric))
    )
  }
  return { label: configuration.label, baseline: baseline.label, n: pairs.length, metrics }
}

/** Summaries of every configuration, and comparisons with `baseline` (a label or NAME=VALUE pairs) when given. */
export const computeStatistics = (
  results: ReadonlyArray<SweepResult>,
  baseline?: string | undefined
): Either.Either<SweepStatistics, ConfigError> =>
  Either.gen(function* () {
    const configurations = yield* groupConfigurations(results)
    const summaries = configurations.map(summarize)
    if (baseline === undefined) return { configurations: summaries, comparisons: [] }
    const base = yield* findBaseline(baseline, configurations)
    const comparisons = configurations.filter((c) => c !== base).map((c) => compare(c, base))
    return { configurations: summaries, comparisons }
  })
