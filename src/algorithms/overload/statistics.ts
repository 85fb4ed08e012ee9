/**
 * Robust statistics behind Neat's statistical overload detectors (`overload/statistics.py`):
 * median, MAD, IQR, and the tricube-weighted local regression (Loess) with its robust variant.
 * Each mirrors the numpy/scipy computation it replaces, including Neat's quirks, so decisions
 * match. Working memory is a module-level scratch buffer: the hot path allocates nothing.
 */

let scratch = new Float64Array(256)

/** A scratch buffer of at least `n` slots (contents undefined). Callers must not hold it across calls. */
const scratchOf = (n: number): Float64Array => {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2))
  return scratch
}

/** Median of the first `n` values of a sorted buffer, as numpy's (mean of the middle two for even n). */
const sortedMedian = (sorted: Float64Array, n: number): number => {
  if (n === 0) return Number.NaN
  const middle = n >>> 1
  return n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const sortedCopy = (values: ArrayLike<number>, start: number, n: number): Float64Array => {
  const buffer = scratchOf(n)
  for (let i = 0; i < n; i++) buffer[i] = values[start + i]!
  buffer.subarray(0, n).sort()
  return buffer
}

/** The median of `values` (numpy's `median`); NaN for no values. */
export const median = (values: ArrayLike<number>): number =>
  sortedMedian(sortedCopy(values, 0, values.length), values.length)

/** The median absolute deviation from the median (Neat's `mad`); NaN for no values. */
export const mad = (values: ArrayLike<number>): number => {
  const n = values.length
  const buffer = sortedCopy(values, 0, n)
  const center = sortedMedian(buffer, n)
  for (let i = 0; i < n; i++) buffer[i] = Math.abs(center - buffer[i]!)
  buffer.subarray(0, n).sort()
  return sortedMedian(buffer, n)
}

/** Python 3's `round`: halves go to the even neighbour. */
export const roundHalfEven = (x: number): number => {
  const floor = Math.floor(x)
  const fraction = x - floor
  if (fraction > 0.5) return floor + 1
  if (fraction < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

/**
 * The interquartile range as Neat computes it: the sorted values at indices
 * `round(0.25 (n + 1)) - 1` and `round(0.75 (n + 1)) - 1`, with Python's rounding and its
 * negative indexing (index -1 is the last value). Fewer than 2 values have no spread: 0.
 */
export const iqr = (values: ArrayLike<number>): number => {
  const n = values.length
  if (n < 2) return 0
  const sorted = sortedCopy(values, 0, n)
  const q1 = roundHalfEven(0.25 * (n + 1)) - 1
  const q3 = roundHalfEven(0.75 * (n + 1)) - 1
  return sorted[q3 < 0 ? q3 + n : q3]! - sorted[q1 < 0 ? q1 + n : q1]!
}

/**
 * Neat's tricube weights for `n >= 3` points: `(1 - ((n-1-i)/(n-1))^3)^3` for i = 2..n-1,
 * with the first weight repeated for the first two points (a quirk of the original kept here).
 */
export const tricubeWeights = (n: number): Float64Array => {
  const weights = new Float64Array(Math.max(n, 0))
  fillTricubeWeights(weights, n)
  return weights
}

const fillTricubeWeights = (weights: Float64Array, n: number): void => {
  const spread = n - 1
  for (let i = 2; i < n; i++) weights[i] = (1 - ((spread - i) / spread) ** 3) ** 3
  if (n > 2) {
    weights[0] = weights[2]!
    weights[1] = weights[2]!
  }
}

const tricubeCache = new Map<number, Float64Array>()

/** Tricube weights for `n` points, computed once per `n`; read only. */
const cachedTricubeWeights = (n: number): Float64Array => {
  let weights = tricubeCache.get(n)
  if (weights === undefined) {
    weights = tricubeWeights(n)
    if (tricubeCache.size < 1024) tricubeCache.set(n, weights)
  }
  return weights
}

/**
 * Neat's robustness weights: the tricube weight times the bisquare `(1 - (r / 6 median|r|)^2)^2`
 * of each residual, for i = 2..n-1, the first repeated for the first two points.
 */
export const tricubeBisquareWeights = (residuals: ArrayLike<number>): Float64Array => {
  const n = residuals.length
  const weights = new Float64Array(n)
  fillTricubeBisquareWeights(weights, residuals, n)
  return weights
}

/** Fills the weights and returns `6 median |r|` (0 when the weights are unusable). */
const fillTricubeBisquareWeights = (weights: Float64Array, residuals: ArrayLike<number>, n: number): number => {
  const buffer = scratchOf(n)
  for (let i = 0; i < n; i++) buffer[i] = Math.abs(residuals[i]!)
  buffer.subarray(0, n).sort()
  const s6 = 6 * sortedMedian(buffer, n)
  const tricube = cachedTricubeWeights(n)
  for (let i = 2; i < n; i++) weights[i] = tricube[i]! * (1 - (residuals[i]! / s6) ** 2) ** 2
  if (n > 2) {
    weights[0] = weights[2]!
    weights[1] = weights[2]!
  }
  return s6
}

/** Intercept and slope of a line fitted to points (x = 1..n). */
export interface LineEstimates {
  readonly intercept: number
  readonly slope: number
}

/**
 * Fits `y ≈ intercept + slope * x` for x = 1..n by least squares on the weighted residuals
 * `w_i (y_i - intercept - slope x_i)`, i.e. weighted least squares with weights `w_i^2`: the
 * problem scipy's `leastsq` solves iteratively in Neat, solved here in closed (centred) form.
 */
export const fitWeightedLine = (
  y: ArrayLike<number>,
  start: number,
  n: number,
  weights: ArrayLike<number>
): LineEstimates => {
  let sumW = 0
  let sumWx = 0
  let sumWy = 0
  for (let i = 0; i < n; i++) {
    const w = weights[i]! * weights[i]!
    sumW += w
    sumWx += w * (i + 1)
    sumWy += w * y[start + i]!
  }
  const meanX = sumWx / sumW
  const meanY = sumWy / sumW
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < n; i++) {
    const w = weights[i]! * weights[i]!
    const dx = i + 1 - meanX
    sxx += w * dx * dx
    sxy += w * dx * (y[start + i]! - meanY)
  }
  const slope = sxy / sxx
  return { intercept: meanY - slope * meanX, slope }
}

/** Neat's `loess_parameter_estimates` over `values[start .. start+n)`, `n >= 3`. */
export const loessEstimates = (values: ArrayLike<number>, start = 0, n = values.length - start): LineEstimates =>
  fitWeightedLine(values, start, n, cachedTricubeWeights(n))

let residualScratch = new Float64Array(256)
let robustWeightScratch = new Float64Array(256)

/**
 * Neat's `loess_robust_parameter_estimates`: a tricube fit, then a second fit with the
 * residuals' bisquare robustness weights.
 *
 * When the plain fit is exact on most points (a flat or straight window, common on idle hosts),
 * the residuals' median is 0 and Neat's bisquare weights divide by 0. In Neat, scipy's fit leaves
 * rounding noise of equal residuals instead, so the weights stay finite and the robust line is
 * the plain one: that is returned here.
 */
export const loessRobustEstimates = (
  values: ArrayLike<number>,
  start = 0,
  n = values.length - start
): LineEstimates => {
  const first = loessEstimates(values, start, n)
  if (residualScratch.length < n) {
    residualScratch = new Float64Array(Math.max(n, residualScratch.length * 2))
    robustWeightScratch = new Float64Array(residualScratch.length)
  }
  const residuals = residualScratch.subarray(0, n)
  for (let i = 0; i < n; i++) residuals[i] = values[start + i]! - (first.intercept + first.slope * (i + 1))
  if (fillTricubeBisquareWeights(robustWeightScratch, residuals, n) === 0) return first
  return fitWeightedLine(values, start, n, robustWeightScratch)
}
