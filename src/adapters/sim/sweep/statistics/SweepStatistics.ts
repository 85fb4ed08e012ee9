/** The statistics of a sweep (summary.json): per configuration over its days, and paired comparisons with a baseline. */

/** A metric over a configuration's days; `null` where undefined (sd and ci95 need n >= 2). */
export interface MetricSummary {
  readonly mean: number
  readonly sd: number | null
  readonly ci95: readonly [number, number] | null
  readonly median: number
  readonly q1: number
  readonly q3: number
}

export interface ConfigurationSummary {
  readonly label: string
  readonly config: Readonly<Record<string, unknown>>
  readonly n: number
  /** Keyed by the metric columns of sweep.csv (energy_kwh, migrations, slatah, pdm, slav, esv, host_shutdowns, ...). */
  readonly metrics: Readonly<Record<string, MetricSummary>>
}

/** A configuration against the baseline over the days both ran; `null` where undefined. */
export interface MetricComparison {
  readonly mean_diff: number
  readonly ci95: readonly [number, number] | null
  readonly relative: number | null
  readonly p_t: number | null
  readonly p_wilcoxon: number | null
}

export interface ConfigurationComparison {
  readonly label: string
  readonly baseline: string
  readonly n: number
  readonly metrics: Readonly<Record<string, MetricComparison>>
}

export interface SweepStatistics {
  readonly configurations: ReadonlyArray<ConfigurationSummary>
  readonly comparisons: ReadonlyArray<ConfigurationComparison>
}
