/**
 * Householder QR on a column-major matrix (columns of length m), in the order of operations of
 * commons-math's `QRDecomposition`, so that CloudSim's regressions are reproduced to the bit.
 */

/**
 * Householder step `minor` on `a`: reflects column `minor` and applies the reflection to columns
 * minor+1 .. columns-1; stores R's diagonal entry in `diag[minor]` (0 when the column is already
 * zero below the diagonal, and then nothing else changes).
 */
export const householderStep = (
  a: Float64Array,
  diag: Float64Array,
  minor: number,
  columns: number,
  m: number
): void => {
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
  // Two columns per pass share the reads of the reflection; each column's operations and their
  // order are those of a pass of its own.
  let col = minor + 1
  for (; col + 1 < columns; col += 2) {
    const first = col * m
    const second = first + m
    let alpha = 0
    let beta = 0
    for (let r = minor; r < m; r++) {
      const v = a[base + r]!
      alpha -= a[first + r]! * v
      beta -= a[second + r]! * v
    }
    alpha /= scale
    beta /= scale
    for (let r = minor; r < m; r++) {
      const v = a[base + r]!
      a[first + r] = a[first + r]! - alpha * v
      a[second + r] = a[second + r]! - beta * v
    }
  }
  if (col < columns) {
    const colBase = col * m
    let alpha = 0
    for (let r = minor; r < m; r++) alpha -= a[colBase + r]! * a[base + r]!
    alpha /= scale
    for (let r = minor; r < m; r++) a[colBase + r] = a[colBase + r]! - alpha * a[base + r]!
  }
}

/**
 * Least-squares coefficients from a reduced matrix: `work` holds y on entry; Qᵀy is applied with
 * the reflections of the first `columns` columns of `qr`, then R β = Qᵀy is solved for the `n`
 * coefficients, written to `beta` (R's diagonal in `diag`, R[k][j] (k < j) at qr[j * m + k]).
 */
export const solveReduced = (
  qr: Float64Array,
  diag: Float64Array,
  work: Float64Array,
  beta: Float64Array,
  n: number,
  columns: number,
  m: number
): void => {
  for (let minor = 0; minor < columns; minor++) {
    const base = minor * m
    let dot = 0
    for (let r = minor; r < m; r++) dot += work[r]! * qr[base + r]!
    dot /= diag[minor]! * qr[base + minor]!
    for (let r = minor; r < m; r++) work[r] = work[r]! + dot * qr[base + r]!
  }
  for (let row = n - 1; row >= 0; row--) {
    work[row] = work[row]! / diag[row]!
    const yRow = work[row]!
    beta[row] = yRow
    for (let k = 0; k < row; k++) work[k] = work[k]! - yRow * qr[row * m + k]!
  }
}
