/**
 * R² of every candidate regressed on all the others (CloudSim's maximum-correlation selection),
 * with the same floating-point operations as one `olsRSquared` per candidate but less work.
 *
 * Candidate i's design is [1, h0 .. h(i-1), h(i+1) .. h(n-1)]. Householder QR reduces columns left
 * to right and transforms each later column on its own, so the first i+1 reflections (intercept
 * and h0 .. h(i-1)) and their effect on every later column are the same for candidates i, i+1, ...
 * They are computed once, in a shared matrix advanced by one reflection per candidate; each
 * candidate copies it and finishes its own QR from there. Every double is produced by the same
 * operations in the same order as the per-candidate QR, so the R² values are bit-identical.
 */
import { householderStep, solveReduced } from "./householder.js"
import type { OlsFailure } from "./olsRSquared.js"
import { secondMoment } from "./secondMoment.js"

/** Reusable buffers for `leaveOneOutRSquared`, for up to `maxCandidates` candidates of `maxObservations` values. */
export class LeaveOneOutWorkspace {
  /** Shared matrix: column 0 the intercept, column j+1 candidate j, each `m` long. */
  readonly shared: Float64Array
  readonly sharedDiag: Float64Array
  /** One candidate's design (transposed), as `olsRSquared` holds it. */
  readonly qrt: Float64Array
  readonly rDiag: Float64Array
  readonly work: Float64Array
  readonly beta: Float64Array

  constructor(maxCandidates: number, maxObservations: number) {
    this.shared = new Float64Array((maxCandidates + 1) * maxObservations)
    this.sharedDiag = new Float64Array(maxCandidates + 1)
    this.qrt = new Float64Array(maxCandidates * maxObservations)
    this.rDiag = new Float64Array(maxCandidates)
    this.work = new Float64Array(maxObservations)
    this.beta = new Float64Array(maxCandidates)
  }
}

export const makeLeaveOneOutWorkspace = (maxCandidates: number, maxObservations: number): LeaveOneOutWorkspace =>
  new LeaveOneOutWorkspace(maxCandidates, maxObservations)

/**
 * Fills `out[i]` with the R² of regressing candidate i's history on the other candidates'
 * (plus an intercept), for the `count` candidates of `history` (row-major, `m` values each).
 * Returns a failure when any regression would fail (as `olsRSquared` reports it), else undefined.
 */
export const leaveOneOutRSquared = (
  history: Float64Array,
  count: number,
  m: number,
  ws: LeaveOneOutWorkspace,
  out: Float64Array
): OlsFailure | undefined => {
  if (count > m) return "too-few-observations"
  const n = count // columns of each candidate's design: intercept + count - 1 others
  const shared = ws.shared
  const qrt = ws.qrt
  for (let r = 0; r < m; r++) shared[r] = 1
  for (let j = 0; j < count; j++) for (let r = 0; r < m; r++) shared[(j + 1) * m + r] = history[j * m + r]!
  const columns = Math.min(m, n)
  for (let i = 0; i < count; i++) {
    // The shared matrix has reflections 0 .. i-1 applied; add reflection i (column i: intercept or h(i-1)).
    householderStep(shared, ws.sharedDiag, i, count + 1, m)
    // Candidate i's design: shared columns 0 .. i, then shared columns i+2 .. count.
    qrt.set(shared.subarray(0, (i + 1) * m), 0)
    if (i + 2 <= count) qrt.set(shared.subarray((i + 2) * m, (count + 1) * m), (i + 1) * m)
    for (let k = 0; k <= i; k++) ws.rDiag[k] = ws.sharedDiag[k]!
    for (let minor = i + 1; minor < columns; minor++) householderStep(qrt, ws.rDiag, minor, n, m)
    for (let k = 0; k < columns; k++) if (Math.abs(ws.rDiag[k]!) <= 0) return "singular"
    const own = i * m
    const work = ws.work
    for (let r = 0; r < m; r++) work[r] = history[own + r]!
    const beta = ws.beta
    solveReduced(qrt, ws.rDiag, work, beta, n, columns, m)
    let residualSquares = 0
    for (let r = 0; r < m; r++) {
      let fitted = 0
      fitted += 1 * beta[0]!
      // Design column c is candidate c − 1 up to candidate i − 1, then candidate c.
      for (let c = 1; c <= i; c++) fitted += history[(c - 1) * m + r]! * beta[c]!
      for (let c = i + 1; c < n; c++) fitted += history[c * m + r]! * beta[c]!
      const residual = history[own + r]! - fitted
      residualSquares += residual * residual
    }
    out[i] = 1 - residualSquares / secondMoment(history, own, m)
  }
  return undefined
}
