/**
 * The Wilcoxon signed-rank test of paired differences, two-sided, as R's
 * `wilcox.test(x, y, paired = TRUE)` computes it by default: zero differences are dropped
 * (Wilcoxon's treatment, not Pratt's); with fewer than 50 differences left and neither ties nor
 * zeros, the p-value is exact (the null distribution of V counted over all 2^n sign patterns);
 * otherwise it is the normal approximation with the tie correction of the variance and a
 * continuity correction of 1/2.
 */
import { normalTwoSidedP } from "./specialFunctions.js"

export interface SignedRankTest {
  /** V: the sum of the ranks of the positive differences. */
  readonly statistic: number
  /** Non-zero differences, the n of the test. */
  readonly n: number
  readonly zeros: number
  readonly ties: boolean
  readonly method: "exact" | "normal"
  /** Two-sided p-value; null when no difference is non-zero (or the variance vanishes). */
  readonly p: number | null
}

/** Counts of each rank sum 0..n(n+1)/2 over the 2^n subsets of the ranks 1..n (exact up to n = 49). */
export const signedRankCounts = (n: number): Float64Array => {
  const max = (n * (n + 1)) / 2
  const counts = new Float64Array(max + 1)
  counts[0] = 1
  for (let rank = 1; rank <= n; rank++) {
    const top = (rank * (rank + 1)) / 2
    for (let sum = top; sum >= rank; sum--) counts[sum] = (counts[sum] ?? 0) + (counts[sum - rank] ?? 0)
  }
  return counts
}

/** P(V <= v) under the null hypothesis, for n differences without ties. */
export const signedRankCdf = (v: number, n: number): number => {
  const counts = signedRankCounts(n)
  let below = 0
  for (let sum = 0; sum <= Math.min(v, counts.length - 1); sum++) below += counts[sum] ?? 0
  return below / 2 ** n
}

/** Midranks of the absolute values (ties share the mean of their ranks) and the tie group sizes. */
const midranks = (values: ReadonlyArray<number>): { ranks: Array<number>; groups: Array<number> } => {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value)
  const ranks = new Array<number>(values.length).fill(0)
  const groups: Array<number> = []
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && order[j + 1]?.value === order[i]?.value) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[order[k]?.index ?? 0] = rank
    groups.push(j - i + 1)
    i = j + 1
  }
  return { ranks, groups }
}

export const EXACT_LIMIT = 50

/** The test of the differences `d` (finite numbers). */
export const wilcoxonSignedRank = (differences: ReadonlyArray<number>): SignedRankTest => {
  const nonZero = differences.filter((d) => d !== 0)
  const zeros = differences.length - nonZero.length
  const n = nonZero.length
  const { ranks, groups } = midranks(nonZero.map(Math.abs))
  let statistic = 0
  nonZero.forEach((d, i) => {
    if (d > 0) statistic += ranks[i] ?? 0
  })
  const ties = groups.some((size) => size > 1)
  if (n === 0) return { statistic, n, zeros, ties, method: "exact", p: null }
  if (n < EXACT_LIMIT && !ties && zeros === 0) {
    // The distribution is symmetric about n(n+1)/4: P(V >= v) = P(V <= n(n+1)/2 - v).
    const max = (n * (n + 1)) / 2
    const p = signedRankCdf(Math.min(statistic, max - statistic), n)
    return { statistic, n, zeros, ties, method: "exact", p: Math.min(1, 2 * p) }
  }
  const centred = statistic - (n * (n + 1)) / 4
  const tieTerm = groups.reduce((sum, t) => sum + t ** 3 - t, 0)
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48)
  if (!(sigma > 0)) return { statistic, n, zeros, ties, method: "normal", p: null }
  const z = (centred - Math.sign(centred) * 0.5) / sigma
  return { statistic, n, zeros, ties, method: "normal", p: Math.min(1, normalTwoSidedP(z)) }
}
