/**
 * Describing one sample (a configuration's values of a metric over its days): mean, standard
 * deviation (n - 1 denominator), the 95 % confidence interval of the mean from Student's t with
 * n - 1 degrees of freedom, and the median and quartiles by linear interpolation between order
 * statistics (Hyndman & Fan's type 7, the default of R's `quantile` and of NumPy).
 */
import type { MetricSummary } from "./SweepStatistics.js"
import { studentTQuantile } from "./studentT.js"

export const mean = (values: ReadonlyArray<number>): number => {
  let sum = 0
  for (const value of values) sum += value
  return sum / values.length
}

/** The sample standard deviation; null below two values. */
export const standardDeviation = (values: ReadonlyArray<number>): number | null => {
  if (values.length < 2) return null
  const m = mean(values)
  let squares = 0
  for (const value of values) squares += (value - m) ** 2
  return Math.sqrt(squares / (values.length - 1))
}

/** The p-quantile of sorted values, type 7: x[h] interpolated at h = (n - 1) p. */
export const quantileType7 = (sorted: ReadonlyArray<number>, p: number): number => {
  const h = (sorted.length - 1) * p
  const below = Math.floor(h)
  const low = sorted[below] ?? Number.NaN
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low
  return low + (h - below) * (high - low)
}

/** Half the width of the 95 % interval of a mean: t(0.975, n - 1) · sd / √n; null below two values. */
export const halfWidth95 = (sd: number | null, n: number): number | null =>
  sd === null || n < 2 ? null : (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n)

/** The summary of a non-empty sample of finite values. */
export const summarizeSample = (values: ReadonlyArray<number>): MetricSummary => {
  const sorted = [...values].sort((a, b) => a - b)
  const m = mean(values)
  const sd = standardDeviation(values)
  const half = halfWidth95(sd, values.length)
  return {
    mean: m,
    sd,
    ci95: half === null ? null : [m - half, m + half],
    median: quantileType7(sorted, 0.5),
    q1: quantileType7(sorted, 0.25),
    q3: quantileType7(sorted, 0.75)
  }
}
