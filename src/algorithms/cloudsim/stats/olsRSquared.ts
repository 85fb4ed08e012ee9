/**
 * R² of a multiple linear regression with intercept, by Householder QR as commons-math's
 * `OLSMultipleLinearRegression` computes it (CloudSim's maximum-correlation selection).
 */
import { householderStep, solveReduced } from "./householder.js"
import { secondMoment } from "./secondMoment.js"

/** Why no R² exists: too few observations, or an exactly singular design. */
export type OlsFailure = "too-few-observations" | "singular"

/** Reusable buffers for `olsRSquared`, sized for up to `maxPredictors` predictors and `maxObservations` rows. */
export class OlsWorkspace {
  readonly qrt: Float64Array
  readonly rDiag: Float64Array
  readonly y: Float64Array
  readonly beta: Float64Array

  constructor(maxPredictors: number, maxObservations: number) {
    this.qrt = new Float64Array((maxPredictors + 1) * maxObservations)
    this.rDiag = new Float64Array(maxPredictors + 1)
    this.y = new Float64Array(maxObservations)
    this.beta = new Float64Array(maxPredictors + 1)
  }
}

export const makeOlsWorkspace = (maxPredictors: number, maxObservations: number): OlsWorkspace =>
  new OlsWorkspace(maxPredictors, maxObservations)

/**
 * R² of regressing `y[0..m)` on the `p` predictor rows `x[k*m .. k*m+m)` (k < p) plus an
 * intercept; a failure string when commons-math would throw.
 */
export const olsRSquared = (
  x: Float64Array,
  p: number,
  y: Float64Array,
  m: number,
  ws: OlsWorkspace
): number | OlsFailure => {
  if (p + 1 > m) return "too-few-observations"
  const n = p + 1
  const qrt = ws.qrt
  // qrt holds the transposed design matrix: row 0 the intercept column, row k+1 predictor k.
  for (let r = 0; r < m; r++) qrt[r] = 1
  for (let k = 0; k < p; k++) for (let r = 0; r < m; r++) qrt[(k + 1) * m + r] = x[k * m + r]!
  const columns = Math.min(m, n)
  for (let minor = 0; minor < columns; minor++) householderStep(qrt, ws.rDiag, minor, n, m)
  for (let i = 0; i < columns; i++) if (Math.abs(ws.rDiag[i]!) <= 0) return "singular"
  const work = ws.y
  for (let r = 0; r < m; r++) work[r] = y[r]!
  const beta = ws.beta
  solveReduced(qrt, ws.rDiag, work, beta, n, columns, m)
  let residualSquares = 0
  for (let r = 0; r < m; r++) {
    let fitted = 0
    for (let c = 0; c < n; c++) fitted += (c === 0 ? 1 : x[(c - 1) * m + r]!) * beta[c]!
    const residual = y[r]! - fitted
    residualSquares += residual * residual
  }
  return 1 - residualSquares / secondMoment(y, 0, m)
}
