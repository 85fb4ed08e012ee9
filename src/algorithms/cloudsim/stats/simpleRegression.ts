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
