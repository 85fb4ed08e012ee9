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
import type { OlsFailure } from "./olsRSquared.js"
import { secondMoment } from "./secondMoment.js"

/** Reusable buffers for `leaveOneOutRSquared`, for up to `maxCandidates` candidates of `maxObservations` values. */
export interface LeaveOneOutWorkspace {
  /** Shared matrix: column 0 the intercept, column j+1 candidate j, each `m` long. */
  readonly shared: Float64Array
  readonly sharedDiag: Float64Array
  /** One candidate's design (transposed), as `olsRSquared` holds it. */
  readonly qrt: Float64Array
  readonly rDiag: Float64Array
  readonly work: Float64Array
  readonly beta: Float64Array
}

export const makeLeaveOneOutWorkspace = (maxCandidates: number, maxObservations: number): LeaveOneOutWorkspace => ({
  shared: new Float64Array((maxCandidates + 1) * maxObservations),
  sharedDiag: new Float64Array(maxCandidates + 1),
  qrt: new Float64Array(maxCandidates * maxObservations),
  rDiag: new Float64Array(maxCandidates),
  work: new Float64Array(maxObservations),
  beta: new Float64Array(maxCandidates)
})

/**
 * Householder step `minor` on the column-major matrix `a` (columns of length m): reflects column
 * `minor` and applies the reflection to columns minor+1 .. columns-1; stores the diagonal entry.
 */
const householderStep = (a: Float64Array, diag: Float64Array, minor: number, columns: number, m: number): void => {
  const base = minor * m
  let normSquared = 0
  for (let r = minor; r < m; r++) {
    const c = a[base + r]!
    normSquared += c * c
  }
  const pivot = a[base + minor]! > 0 ? -Math.sqrt(normSquared) : Math.sqrt(normSquared)
  diag[minor] = pivot
  if (pivot === 0) return
  a[base + minor] = a[base + minor]! - pivot
  const scale = pivot * a[base + minor]! // the same product for every column
  for (let col = minor + 1; col < columns; col++) {
    const colBase = col * m
    let alpha = 0
    for (let r = minor; r < m; r++) alpha -= a[colBase + r]! * a[base + r]!
    alpha /= scale
    for (let r = minor; r < m; r++) a[colBase + r] = a[colBase + r]! - alpha * a[base + r]!
  }
}

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
    for (let minor = 0; minor < columns; minor++) {
      const base = minor * m
      let dot = 0
      for (let r = minor; r < m; r++) dot += work[r]! * qrt[base + r]!
      dot /= ws.rDiag[minor]! * qrt[base + minor]!
      for (let r = minor; r < m; r++) work[r] = work[r]! + dot * qrt[base + r]!
    }
    const beta = ws.beta
    for (let row = n - 1; row >= 0; row--) {
      work[row] = work[row]! / ws.rDiag[row]!
      const yRow = work[row]!
      beta[row] = yRow
      for (let k = 0; k < row; k++) work[k] = work[k]! - yRow * qrt[row * m + k]!
    }
    let residualSquares = 0
    for (let r = 0; r < m; r++) {
      let fitted = 0
      fitted += 1 * beta[0]!
      for (let c = 1; c < n; c++) {
        const other = c - 1 < i ? c - 1 : c // design column c is candidate c-1 before i, candidate c after
        fitted += history[other * m + r]! * beta[c]!
      }
      const residual = history[own + r]! - fitted
      residualSquares += residual * residual
    }
    out[i] = 1 - residualSquares / secondMoment(history, own, m)
  }
  return undefined
}
