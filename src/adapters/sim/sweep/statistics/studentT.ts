/**
 * Student's t distribution: its density, distribution function (through the regularised
 * incomplete beta function) and quantile function (a safeguarded Newton iteration: Newton steps
 * while they stay inside a bracket known to hold the root, bisection otherwise).
 */
import { lnGamma, regularizedIncompleteBeta } from "./specialFunctions.js"

const checkDf = (df: number): void => {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`)
}

/** The density of t with `df` degrees of freedom. */
export const studentTPdf = (t: number, df: number): number => {
  checkDf(df)
  const lnC = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI)
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df))
}

/** P(T >= |t|): half the two-sided tail, I_{df/(df+t²)}(df/2, 1/2) / 2. */
const upperTail = (t: number, df: number): number => {
  if (!Number.isFinite(t)) return 0
  const t2 = t * t
  return 0.5 * regularizedIncompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2))
}

/** P(T <= t). */
export const studentTCdf = (t: number, df: number): number => {
  checkDf(df)
  if (Number.isNaN(t)) return Number.NaN
  const tail = upperTail(t, df)
  return t > 0 ? 1 - tail : tail
}

/** P(|T| >= |t|), the two-sided p-value of a t statistic. */
export const studentTTwoSidedP = (t: number, df: number): number => {
  checkDf(df)
  if (Number.isNaN(t)) return Number.NaN
  return Math.min(1, 2 * upperTail(t, df))
}

/** The t > 0 with P(T >= t) = q, for 0 < q < 1/2. */
const upperQuantile = (q: number, df: number): number => {
  // Bracket the root: upperTail decreases from 1/2 at 0 towards 0.
  let lo = 0
  let hi = 1
  while (upperTail(hi, df) > q) {
    lo = hi
    hi *= 2
    if (!Number.isFinite(hi)) return Number.POSITIVE_INFINITY
  }
  let t = (lo + hi) / 2
  for (let iteration = 0; iteration < 500; iteration++) {
    const f = upperTail(t, df) - q
    if (f === 0) return t
    // The root is to the right of t while the tail is still too large.
    if (f > 0) lo = t
    else hi = t
    let next = t + f / studentTPdf(t, df)
    if (!(next > lo && next < hi)) next = (lo + hi) / 2
    if (Math.abs(next - t) <= 4 * Number.EPSILON * Math.abs(next) || hi - lo <= 4 * Number.EPSILON * hi) return next
    t = next
  }
  return t
}

/** The t with P(T <= t) = p, for 0 < p < 1. */
export const studentTQuantile = (p: number, df: number): number => {
  checkDf(df)
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY
    if (p === 1) return Number.POSITIVE_INFINITY
    return Number.NaN
  }
  if (p === 0.5) return 0
  // 1 - p is exact for p >= 1/2; a small p is used as it is, never as 1 - (1 - p).
  return p < 0.5 ? -upperQuantile(p, df) : upperQuantile(1 - p, df)
}
