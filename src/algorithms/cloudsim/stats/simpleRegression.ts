/**
 * Ordinary least squares of y on x with an intercept, with the same running updates as
 * commons-math's `SimpleRegression` (so the same bits), which CloudSim's LR and LRR use.
 */

/** Writes [intercept, slope] of the fit of `y[0..n)` on `x[0..n)` into `out`. */
export const simpleRegression = (x: Float64Array, y: Float64Array, n: number, out: Float64Array): void => {
  let sumX = 0
  let sumY = 0
  let sumXX = 0
  let sumXY = 0
  let xbar = 0
  let ybar = 0
  for (let i = 0; i < n; i++) {
    const xi = x[i]!
    const yi = y[i]!
    if (i === 0) {
      xbar = xi
      ybar = yi
    } else {
      const fact1 = 1 + i
      const fact2 = i / (1 + i)
      const dx = xi - xbar
      const dy = yi - ybar
      sumXX += dx * dx * fact2
      sumXY += dx * dy * fact2
      xbar += dx / fact1
      ybar += dy / fact1
    }
    sumX += xi
    sumY += yi
  }
  const slope = n < 2 || Math.abs(sumXX) < 10 * Number.MIN_VALUE ? Number.NaN : sumXY / sumXX
  out[0] = (sumY - slope * sumX) / n
  out[1] = slope
}

/** The parts of `simpleRegression` that depend on x alone, for fitting many y on one x. */
export interface PreparedRegression {
  readonly n: number
  /** Per point i ≥ 1: x[i] − the running mean of x before it, and i / (1 + i). */
  readonly dx: Float64Array
  readonly fact2: Float64Array
  readonly sumX: number
  readonly sumXX: number
  readonly slopeDefined: boolean
}

export const prepareRegression = (x: Float64Array, n: number): PreparedRegression => {
  const dx = new Float64Array(n)
  const fact2 = new Float64Array(n)
  let sumX = 0
  let sumXX = 0
  let xbar = 0
  for (let i = 0; i < n; i++) {
    const xi = x[i]!
    if (i === 0) {
      xbar = xi
    } else {
      const fact1 = 1 + i
      fact2[i] = i / (1 + i)
      dx[i] = xi - xbar
      sumXX += dx[i]! * dx[i]! * fact2[i]!
      xbar += dx[i]! / fact1
    }
    sumX += xi
  }
  return { n, dx, fact2, sumX, sumXX, slopeDefined: !(n < 2 || Math.abs(sumXX) < 10 * Number.MIN_VALUE) }
}

/** `simpleRegression(x, y, n, out)` for the x of `prepared`: the same operations on y, so the same doubles. */
export const preparedRegression = (prepared: PreparedRegression, y: Float64Array, out: Float64Array): void => {
  const n = prepared.n
  const dx = prepared.dx
  const fact2 = prepared.fact2
  let sumY = 0
  let sumXY = 0
  let ybar = 0
  for (let i = 0; i < n; i++) {
    const yi = y[i]!
    if (i === 0) {
      ybar = yi
    } else {
      const dy = yi - ybar
      sumXY += dx[i]! * dy * fact2[i]!
      ybar += dy / (1 + i)
    }
    sumY += yi
  }
  const slope = prepared.slopeDefined ? sumXY / prepared.sumXX : Number.NaN
  out[0] = (sumY - slope * prepared.sumX) / n
  out[1] = slope
}
