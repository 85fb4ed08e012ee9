/**
 * MC's choice: the candidate whose history has the largest R² when regressed on all the others
 * (plus an intercept), the first of equals, as CloudSim picks it from one OLS fit per candidate.
 *
 * Only the winner matters, so most calls skip the per-candidate fits. One Householder QR of the
 * whole design A = [1, h0 .. h(n-1)] gives every leave-one-out residual at once: the residual sum
 * of squares of column j on the others is 1 / (AᵀA)⁻¹_jj, the squared norm of row j of R⁻¹
 * inverted. When every column stands clearly apart from the span of the others (distance at least
 * `minRelativeDistance` of its norm), the design is far from singular: no fit can hit the exact
 * zero pivot that makes CloudSim fall back, and both these R² values and CloudSim's differ from
 * the true ones by far less than `contenderMargin`. The candidates within that margin of the best
 * are then recomputed exactly, one fit each in CloudSim's column order (usually there is a single
 * one, and it needs no refit), so the choice is CloudSim's. Any other case, or any doubt, runs the
 * exact computation for all candidates (`leaveOneOutRSquared`).
 *
 * MC takes VMs off a host one at a time, so a call often has the last call's candidates but the
 * chosen one. Then (AᵀA)⁻¹ of the smaller design follows from the last one by a rank-one downdate,
 * without a QR. Removing a column only moves the others farther from the span of the rest, and the
 * same distance test applies to the downdated values; a diagonal entry that shrank by more than
 * `maxDowndateGrowth` since its QR (its rounding magnified as much) sends the call to a new QR.
 */

import { householderStep } from "./householder.js"
import { type LeaveOneOutWorkspace, leaveOneOutRSquared, makeLeaveOneOutWorkspace } from "./leaveOneOutRSquared.js"
import { makeOlsWorkspace, type OlsFailure, type OlsWorkspace, olsRSquared } from "./olsRSquared.js"

/**
 * Σ (v − mean)² of `values[offset .. offset + m)` in two passes: for the estimates, which need
 * to be close to the true value, not commons-math's running-mean doubles (`secondMoment`).
 */
const sumOfSquaredDeviations = (values: Float64Array, offset: number, m: number): number => {
  let sum = 0
  for (let r = 0; r < m; r++) sum += values[offset + r]!
  const mean = sum / m
  let squares = 0
  for (let r = 0; r < m; r++) {
    const d = values[offset + r]! - mean
    squares += d * d
  }
  return squares
}

/** A column closer than this fraction of its norm to the others' span sends the call to the exact path. */
export const minRelativeDistance = 1e-3
/** Candidates whose estimated R² is within this of the best one are refitted exactly. */
export const contenderMargin = 1e-6

/** Reusable buffers for `mostCorrelated`, for up to `maxCandidates` candidates of `maxObservations` values. */
export class MostCorrelatedWorkspace {
  readonly exact: LeaveOneOutWorkspace
  readonly exactR2: Float64Array
  readonly ols: OlsWorkspace
  /** Whole design, column-major: column 0 the intercept, column j+1 candidate j. */
  readonly design: Float64Array
  readonly columnNormSquared: Float64Array
  readonly diag: Float64Array
  /** One column of R⁻¹, then per column: Σ_k (R⁻¹)_jk², i.e. (AᵀA)⁻¹_jj. */
  readonly inverseColumn: Float64Array
  readonly inverseDiag: Float64Array
  readonly estimate: Float64Array
  readonly others: Float64Array
  readonly own: Float64Array
  /**
   * (AᵀA)⁻¹ of the last design whose estimates stood, lower triangle row-major (row stride
   * `maxCandidates + 1`), with that call's histories, the growth factor of each diagonal entry
   * since its QR, and `reusableCandidates` (0: nothing to reuse).
   */
  readonly inverse: Float64Array
  readonly spare: Float64Array
  readonly previous: Float64Array
  readonly growth: Float64Array
  /** Each candidate's sum of squared deviations, from the last estimates. */
  readonly squares: Float64Array
  reusableCandidates: number
  reusableObservations: number

  constructor(maxCandidates: number, maxObservations: number) {
    this.exact = makeLeaveOneOutWorkspace(maxCandidates, maxObservations)
    this.exactR2 = new Float64Array(maxCandidates)
    this.ols = makeOlsWorkspace(maxCandidates, maxObservations)
    this.design = new Float64Array((maxCandidates + 1) * maxObservations)
    this.columnNormSquared = new Float64Array(maxCandidates + 1)
    this.diag = new Float64Array(maxCandidates + 1)
    this.inverseColumn = new Float64Array(maxCandidates + 1)
    this.inverseDiag = new Float64Array(maxCandidates + 1)
    this.estimate = new Float64Array(maxCandidates)
    this.others = new Float64Array(maxCandidates * maxObservations)
    this.own = new Float64Array(maxObservations)
    this.inverse = new Float64Array((maxCandidates + 1) * (maxCandidates + 1))
    this.spare = new Float64Array((maxCandidates + 1) * (maxCandidates + 1))
    this.previous = new Float64Array(maxCandidates * maxObservations)
    this.growth = new Float64Array(maxCandidates + 1)
    this.squares = new Float64Array(maxCandidates + 1)
    this.reusableCandidates = 0
    this.reusableObservations = 0
  }
}

export const makeMostCorrelatedWorkspace = (maxCandidates: number, maxObservations: number): MostCorrelatedWorkspace =>
  new MostCorrelatedWorkspace(maxCandidates, maxObservations)

/** CloudSim's pick among R² values: the first strictly largest above `Number.MIN_VALUE`, else 0. */
const firstLargest = (r2: Float64Array, n: number): number => {
  let best = 0
  let max = Number.MIN_VALUE
  for (let i = 0; i < n; i++) {
    if (r2[i]! > max) {
      max = r2[i]!
      best = i
    }
  }
  return best
}

/**
 * The exact choice: every candidate's R² as CloudSim computes it (bit for bit), then its pick.
 * `history` is row-major, candidate i's `m` values at `history[i * m ..]`.
 */
export const mostCorrelatedExact = (
  history: Float64Array,
  n: number,
  m: number,
  ws: MostCorrelatedWorkspace
): number | OlsFailure => {
  const failure = leaveOneOutRSquared(history, n, m, ws.exact, ws.exactR2)
  return failure ?? firstLargest(ws.exactR2, n)
}

/** CloudSim's R² for candidate i alone: regressed on the others in candidate order. */
const exactRSquared = (history: Float64Array, n: number, m: number, i: number, ws: MostCorrelatedWorkspace) => {
  let k = 0
  for (let j = 0; j < n; j++) {
    if (j === i) continue
    ws.others.set(history.subarray(j * m, j * m + m), k * m)
    k++
  }
  ws.own.set(history.subarray(i * m, i * m + m))
  return olsRSquared(ws.others, n - 1, ws.own, m, ws.ols)
}

/**
 * Estimates every candidate's R² into `ws.estimate` from one QR of the whole design; false when
 * some column is too close to the span of the others for the estimate to decide.
 */
const estimateAll = (history: Float64Array, n: number, m: number, ws: MostCorrelatedWorkspace): boolean => {
  const columns = n + 1
  if (columns > m) return false
  const a = ws.design
  const normSquared = ws.columnNormSquared
  for (let r = 0; r < m; r++) a[r] = 1
  normSquared[0] = m
  for (let j = 0; j < n; j++) {
    let sum = 0
    for (let r = 0; r < m; r++) {
      const v = history[j * m + r]!
      a[(j + 1) * m + r] = v
      sum += v * v
    }
    if (sum === 0) return false
    normSquared[j + 1] = sum
  }
  const diag = ws.diag
  for (let minor = 0; minor < columns; minor++) {
    householderStep(a, diag, minor, columns, m)
    if (diag[minor] === 0) return false
  }
  // R's entries: diagonal in `diag`, R[k][j] (k < j) at a[j * m + k]. Column k of R⁻¹ by back
  // substitution; (AᵀA)⁻¹ = R⁻¹R⁻ᵀ gathers each column's products, the diagonal in `inverseDiag`.
  const inverseDiag = ws.inverseDiag
  const inverse = ws.inverse
  const stride = ws.inverseDiag.length
  const x = ws.inverseColumn
  inverseDiag.fill(0, 0, columns)
  for (let i = 0; i < columns; i++) inverse.fill(0, i * stride, i * stride + i)
  for (let k = 0; k < columns; k++) {
    x[k] = 1 / diag[k]!
    inverseDiag[k] = inverseDiag[k]! + x[k]! * x[k]!
    for (let i = k - 1; i >= 0; i--) {
      let sum = 0
      for (let l = i + 1; l <= k; l++) sum += a[l * m + i]! * x[l]!
      x[i] = -sum / diag[i]!
      inverseDiag[i] = inverseDiag[i]! + x[i]! * x[i]!
    }
    for (let i = 1; i <= k; i++) {
      const xi = x[i]!
      const row = i * stride
      for (let j = 0; j < i; j++) inverse[row + j] = inverse[row + j]! + xi * x[j]!
    }
  }
  for (let j = 0; j < columns; j++) inverse[j * stride + j] = inverseDiag[j]!
  const limit = 1 / (minRelativeDistance * minRelativeDistance)
  for (let j = 0; j < columns; j++) {
    // Squared distance of column j from the others' span is 1 / inverseDiag[j].
    if (!(inverseDiag[j]! * normSquared[j]! <= limit)) return false
  }
  const squares = ws.squares
  for (let j = 0; j < n; j++) {
    squares[j] = sumOfSquaredDeviations(history, j * m, m)
    ws.estimate[j] = 1 - 1 / (inverseDiag[j + 1]! * squares[j]!)
  }
  ws.growth.fill(1, 0, columns)
  ws.previous.set(history.subarray(0, n * m))
  ws.reusableCandidates = n
  ws.reusableObservations = m
  return true
}

/** Largest growth of a diagonal entry of (AᵀA)⁻¹ over the downdates since its QR: beyond it, a new QR. */
export const maxDowndateGrowth = 1e3

/**
 * The candidate the last call's candidates lost, when `history` is exactly those histories but
 * one, in the same order; -1 otherwise.
 */
const removedCandidate = (history: Float64Array, n: number, m: number, ws: MostCorrelatedWorkspace): number => {
  if (ws.reusableCandidates !== n + 1 || ws.reusableObservations !== m) return -1
  const previous = ws.previous
  let removed = n
  for (let i = 0; i < n && removed === n; i++) {
    for (let r = 0; r < m; r++) {
      if (history[i * m + r] !== previous[i * m + r]) {
        removed = i
        break
      }
    }
  }
  for (let i = removed; i < n; i++) {
    for (let r = 0; r < m; r++) if (history[i * m + r] !== previous[(i + 1) * m + r]) return -1
  }
  return removed
}

/**
 * The estimates for the last call's design without one column, from its (AᵀA)⁻¹: leaving
 * column q out gives M'ᵢⱼ = Mᵢⱼ − M_iq M_qj / M_qq (the inverse of a Schur complement), with no
 * QR. False, reuse dropped, when the call needs a QR: a column came close to the others' span, or
 * some diagonal entry has shrunk so much since its QR that its rounding could matter.
 */
const downdateAll = (
  history: Float64Array,
  n: number,
  m: number,
  removed: number,
  ws: MostCorrelatedWorkspace
): boolean => {
  ws.reusableCandidates = 0
  const columns = n + 1
  const q = removed + 1
  const inverse = ws.inverse
  const next = ws.spare
  const stride = ws.inverseDiag.length
  const at = (i: number, j: number): number => (i >= j ? inverse[i * stride + j]! : inverse[j * stride + i]!)
  const pivot = inverse[q * stride + q]!
  const growth = ws.growth
  const inverseDiag = ws.inverseDiag
  const normSquared = ws.columnNormSquared
  const limit = 1 / (minRelativeDistance * minRelativeDistance)
  for (let i = 0; i < columns; i++) {
    const from = i < q ? i : i + 1
    const fromQ = at(from, q)
    for (let j = 0; j <= i; j++) {
      const to = j < q ? j : j + 1
      next[i * stride + j] = at(from, to) - (fromQ * at(to, q)) / pivot
    }
    const d = next[i * stride + i]!
    const factor = (growth[from]! * inverse[from * stride + from]!) / d
    if (!(factor <= maxDowndateGrowth)) return false
    growth[i] = factor
    inverseDiag[i] = d
    normSquared[i] = normSquared[from]!
    if (!(d * normSquared[i]! <= limit)) return false
  }
  inverse.set(next.subarray(0, columns * stride))
  // The candidates' own sums are the last call's, without the one that left.
  const squares = ws.squares
  squares.copyWithin(removed, removed + 1, n + 1)
  for (let j = 0; j < n; j++) ws.estimate[j] = 1 - 1 / (inverseDiag[j + 1]! * squares[j]!)
  ws.previous.set(history.subarray(0, n * m))
  ws.reusableCandidates = n
  ws.reusableObservations = m
  return true
}

/**
 * The candidate CloudSim's MC picks among the `n` candidates of `history` (row-major, `m` values
 * each), or the failure for which CloudSim falls back to MMT.
 */
export const mostCorrelated = (
  history: Float64Array,
  n: number,
  m: number,
  ws: MostCorrelatedWorkspace
): number | OlsFailure => {
  if (n > m) return "too-few-observations"
  if (n < 2) return mostCorrelatedExact(history, n, m, ws)
  const removed = removedCandidate(history, n, m, ws)
  if (!(removed >= 0 && downdateAll(history, n, m, removed, ws)) && !estimateAll(history, n, m, ws)) {
    ws.reusableCandidates = 0
    return mostCorrelatedExact(history, n, m, ws)
  }
  const estimate = ws.estimate
  let top = 0
  for (let i = 1; i < n; i++) if (estimate[i]! > estimate[top]!) top = i
  const best = estimate[top]!
  // An R² this close to 0 could be CloudSim's "none above MIN_VALUE": let the exact path decide.
  if (!(best > contenderMargin)) return mostCorrelatedExact(history, n, m, ws)
  let contenders = 0
  for (let i = 0; i < n; i++) if (estimate[i]! >= best - contenderMargin) contenders++
  if (contenders === 1) return top
  // Near-ties: CloudSim's own R² for each contender, compared in candidate order.
  let winner = -1
  let max = Number.MIN_VALUE
  for (let i = 0; i < n; i++) {
    if (estimate[i]! < best - contenderMargin) continue
    const r2 = exactRSquared(history, n, m, i, ws)
    if (typeof r2 === "string") return mostCorrelatedExact(history, n, m, ws)
    if (r2 > max) {
      max = r2
      winner = i
    }
  }
  return winner < 0 ? mostCorrelatedExact(history, n, m, ws) : winner
}
