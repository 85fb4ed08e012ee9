/**
 * MC's choice: the candidate whose history has the largest R² when regressed on all the others
 * (plus an intercept), the first of equals, as CloudSim picks it from one OLS fit per candidate.
 *
 * Only the winner matters, so most calls skip the per-candidate fits. For the whole design
 * A = [1, h0 .. h(n-1)], the residual sum of squares of column j on the others is 1 / (AᵀA)⁻¹_jj,
 * and (AᵀA)⁻¹ follows from one Cholesky factorisation of the centred histories' Gram matrix
 * (`estimateAll`). When every column stands clearly apart from the span of the others (distance at
 * least `minRelativeDistance` of its norm), the design is far from singular: no fit can hit the
 * exact zero pivot that makes CloudSim fall back, and both these R² values and CloudSim's differ
 * from the true ones by far less than `contenderMargin`. The candidates within that margin of the
 * best are then recomputed exactly, one fit each in CloudSim's column order (usually there is a
 * single one, and it needs no refit), so the choice is CloudSim's. Any other case, or any doubt,
 * runs the exact computation for all candidates (`leaveOneOutRSquared`).
 *
 * MC takes VMs off a host one at a time, so a call often has the last call's candidates but the
 * chosen one. Then (AᵀA)⁻¹ of the smaller design follows from the last one by a rank-one downdate,
 * without a new factorisation. Removing a column only moves the others farther from the span of
 * the rest, and the same distance test applies to the downdated values; a diagonal entry that
 * shrank by more than `maxDowndateGrowth` since its factorisation (its rounding magnified as much)
 * sends the call to a new one.
 */

import { type LeaveOneOutWorkspace, leaveOneOutRSquared, makeLeaveOneOutWorkspace } from "./leaveOneOutRSquared.js"
import { makeOlsWorkspace, type OlsFailure, type OlsWorkspace, olsRSquared } from "./olsRSquared.js"

/** A column closer than this fraction of its norm to the others' span sends the call to the exact path. */
export const minRelativeDistance = 1e-3
/** Candidates whose estimated R² is within this of the best one are refitted exactly. */
export const contenderMargin = 1e-6

/** Reusable buffers for `mostCorrelated`, for up to `maxCandidates` candidates of `maxObservations` values. */
export class MostCorrelatedWorkspace {
  readonly exact: LeaveOneOutWorkspace
  readonly exactR2: Float64Array
  readonly ols: OlsWorkspace
  /** The candidates' histories less their means, row i candidate i. */
  readonly centred: Float64Array
  /** Each candidate's mean. */
  readonly means: Float64Array
  /** Squared norm of each column of A (column 0 the intercept, column j+1 candidate j). */
  readonly columnNormSquared: Float64Array
  /** (AᵀA)⁻¹'s diagonal. */
  readonly inverseDiag: Float64Array
  readonly estimate: Float64Array
  readonly others: Float64Array
  readonly own: Float64Array
  /**
   * (AᵀA)⁻¹ of the last design whose estimates stood, lower triangle row-major (row stride
   * `maxCandidates + 1`), with that call's histories, the growth factor of each diagonal entry
   * since its factorisation, and `reusableCandidates` (0: nothing to reuse).
   */
  readonly inverse: Float64Array
  /** Scratch of the same shape: the Gram matrix and its factors, or a downdated inverse. */
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
    this.centred = new Float64Array(maxCandidates * maxObservations)
    this.means = new Float64Array(maxCandidates)
    this.columnNormSquared = new Float64Array(maxCandidates + 1)
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
 * Estimates every candidate's R² into `ws.estimate`; false when some column is too close to the
 * span of the others for the estimate to decide.
 *
 * The candidates' histories, centred, give the Gram matrix G = CᵀC; with its Cholesky factor L,
 * G⁻¹ = L⁻ᵀL⁻¹, whose diagonal is each candidate's 1 / RSS (the intercept is the centring). G⁻¹ is
 * the block of (AᵀA)⁻¹ for A = [1, h0 .. h(n-1)] without the intercept, whose own row follows
 * from the column means μ: (AᵀA)⁻¹ = [[1/m + μᵀG⁻¹μ, −(G⁻¹μ)ᵀ], [−G⁻¹μ, G⁻¹]]. That is all the
 * distance test and the downdates read. Cholesky's error grows with the square of the columns'
 * condition, against Householder's first power, but the distance test bounds that condition
 * (each column at least 10⁻³ of its norm from the others' span): an estimate is then within some
 * 10⁻⁸ of the true R² at worst, and within 10⁻¹¹ in practice, against a contender margin of 10⁻⁶.
 */
const estimateAll = (history: Float64Array, n: number, m: number, ws: MostCorrelatedWorkspace): boolean => {
  const columns = n + 1
  if (columns > m) return false
  const centred = ws.centred
  const normSquared = ws.columnNormSquared
  const squares = ws.squares
  const means = ws.means
  normSquared[0] = m
  for (let j = 0; j < n; j++) {
    const row = j * m
    let sum = 0
    let raw = 0
    for (let r = 0; r < m; r++) {
      const v = history[row + r]!
      sum += v
      raw += v * v
    }
    if (raw === 0) return false
    normSquared[j + 1] = raw
    const mean = sum / m
    means[j] = mean
    let deviations = 0
    for (let r = 0; r < m; r++) {
      const d = history[row + r]! - mean
      centred[row + r] = d
      deviations += d * d
    }
    if (deviations === 0) return false
    squares[j] = deviations
  }
  // G's lower triangle, then L in its place (row-major, stride `stride`).
  const stride = ws.inverseDiag.length
  const g = ws.spare
  for (let i = 0; i < n; i++) {
    const rowI = i * m
    // Four columns per pass: four independent sums keep the floating-point adder busy. The last
    // pass may run past the diagonal into the unused upper triangle.
    let j = 0
    for (; j <= i && j + 3 < n; j += 4) {
      const row0 = j * m
      let dot0 = 0
      let dot1 = 0
      let dot2 = 0
      let dot3 = 0
      for (let r = 0; r < m; r++) {
        const c = centred[rowI + r]!
        dot0 += c * centred[row0 + r]!
        dot1 += c * centred[row0 + m + r]!
        dot2 += c * centred[row0 + 2 * m + r]!
        dot3 += c * centred[row0 + 3 * m + r]!
      }
      g[i * stride + j] = dot0
      g[i * stride + j + 1] = dot1
      g[i * stride + j + 2] = dot2
      g[i * stride + j + 3] = dot3
    }
    for (; j <= i; j++) {
      const rowJ = j * m
      let dot = 0
      for (let r = 0; r < m; r++) dot += centred[rowI + r]! * centred[rowJ + r]!
      g[i * stride + j] = dot
    }
  }
  for (let j = 0; j < n; j++) {
    let pivot = g[j * stride + j]!
    for (let k = 0; k < j; k++) pivot -= g[j * stride + k]! * g[j * stride + k]!
    // A pivot this small against the column's own squares means a column (nearly) in the others' span.
    if (!(pivot > squares[j]! * 1e-12)) return false
    const diagonal = Math.sqrt(pivot)
    g[j * stride + j] = diagonal
    for (let i = j + 1; i < n; i++) {
      let value = g[i * stride + j]!
      for (let k = 0; k < j; k++) value -= g[i * stride + k]! * g[j * stride + k]!
      g[i * stride + j] = value / diagonal
    }
  }
  // L⁻¹ in place (lower), by columns.
  for (let j = 0; j < n; j++) {
    g[j * stride + j] = 1 / g[j * stride + j]!
    for (let i = j + 1; i < n; i++) {
      let sum = 0
      for (let k = j; k < i; k++) sum += g[i * stride + k]! * g[k * stride + j]!
      g[i * stride + j] = -sum / g[i * stride + i]!
    }
  }
  // (AᵀA)⁻¹'s lower triangle: G⁻¹ = L⁻ᵀL⁻¹ at [i+1][j+1], then the intercept's row from the means.
  const inverse = ws.inverse
  for (let i = 0; i < n; i++) {
    let j = 0
    for (; j + 1 <= i; j += 2) {
      let sum0 = 0
      let sum1 = 0
      for (let k = i; k < n; k++) {
        const x = g[k * stride + i]!
        sum0 += x * g[k * stride + j]!
        sum1 += x * g[k * stride + j + 1]!
      }
      inverse[(i + 1) * stride + j + 1] = sum0
      inverse[(i + 1) * stride + j + 2] = sum1
    }
    for (; j <= i; j++) {
      let sum = 0
      for (let k = i; k < n; k++) sum += g[k * stride + i]! * g[k * stride + j]!
      inverse[(i + 1) * stride + j + 1] = sum
    }
  }
  let interceptCorner = 1 / m
  for (let i = 0; i < n; i++) {
    let product = 0
    for (let j = 0; j < n; j++) {
      const entry = j <= i ? inverse[(i + 1) * stride + j + 1]! : inverse[(j + 1) * stride + i + 1]!
      product += entry * means[j]!
    }
    inverse[(i + 1) * stride] = -product
    interceptCorner += means[i]! * product
  }
  inverse[0] = interceptCorner
  const inverseDiag = ws.inverseDiag
  for (let k = 0; k < columns; k++) inverseDiag[k] = inverse[k * stride + k]!
  const limit = 1 / (minRelativeDistance * minRelativeDistance)
  for (let k = 0; k < columns; k++) {
    // Squared distance of column k from the others' span is 1 / inverseDiag[k].
    if (!(inverseDiag[k]! * normSquared[k]! <= limit)) return false
  }
  for (let j = 0; j < n; j++) ws.estimate[j] = 1 - 1 / (inverseDiag[j + 1]! * squares[j]!)
  ws.growth.fill(1, 0, columns)
  ws.previous.set(history.subarray(0, n * m))
  ws.reusableCandidates = n
  ws.reusableObservations = m
  return true
}

/** Largest growth of a diagonal entry of (AᵀA)⁻¹ over the downdates since its factorisation: beyond it, a new one. */
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
 * factorisation. False, reuse dropped, when the call needs one: a column came close to the others'
 * span, or some diagonal entry has shrunk so much since its factorisation that its rounding could matter.
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
