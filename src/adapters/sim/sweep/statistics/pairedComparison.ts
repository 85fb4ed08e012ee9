/**
 * A configuration against the baseline on the days both ran: the differences d = x - baseline,
 * their mean with its 95 % interval (Student's t, n - 1 degrees of freedom), the relative change
 * of the mean (mean d / mean baseline), and the two-sided p-values of the paired t-test and of the
 * Wilcoxon signed-rank test.
 */

import type { MetricComparison } from "./SweepStatistics.js"
import { halfWidth95, mean, standardDeviation } from "./sampleSummary.js"
import { studentTTwoSidedP } from "./studentT.js"
import { wilcoxonSignedRank } from "./wilcoxonSignedRank.js"

/**
 * Compares paired values (same length, finite, at least one pair). The t-test's p-value is null
 * below two pairs and when the differences are constant (their standard error below 10 ε |mean|,
 * R's "data are essentially constant": the statistic is then 0/0 or infinite).
 */
export const comparePaired = (values: ReadonlyArray<number>, baseline: ReadonlyArray<number>): MetricComparison => {
  const differences = values.map((value, i) => value - (baseline[i] ?? Number.NaN))
  const n = differences.length
  const meanDiff = mean(differences)
  const sd = standardDeviation(differences)
  const half = halfWidth95(sd, n)
  const baselineMean = mean(baseline)
  const standardError = sd === null ? null : sd / Math.sqrt(n)
  // R's test for "essentially constant" differences, whose t statistic means nothing.
  const constant = standardError === null || standardError <= 10 * Number.EPSILON * Math.abs(meanDiff)
  const pT = constant ? null : studentTTwoSidedP(meanDiff / standardError, n - 1)
  return {
    mean_diff: meanDiff,
    ci95: half === null ? null : [meanDiff - half, meanDiff + half],
    relative: baselineMean === 0 ? null : meanDiff / baselineMean,
    p_t: pT,
    p_wilcoxon: wilcoxonSignedRank(differences).p
  }
}
