/**
 * An append-only log of (owner, value) records in typed arrays, read back grouped by owner in
 * append order: CloudSim sums its metrics host by host (or VM by VM), and reproducing its
 * floating-point sums needs the same order.
 */
export class RecordLog {
  private owners: Int32Array
  private values: Float64Array
  private flags: Uint8Array
  length = 0

  constructor(initialCapacity = 1024) {
    this.owners = new Int32Array(initialCapacity)
    this.values = new Float64Array(initialCapacity)
    this.flags = new Uint8Array(initialCapacity)
  }

  push(owner: number, value: number, flag = 0): void {
    if (this.length === this.owners.length) {
      const capacity = this.owners.length * 2
      const owners = new Int32Array(capacity)
      owners.set(this.owners)
      const values = new Float64Array(capacity)
      values.set(this.values)
      const flags = new Uint8Array(capacity)
      flags.set(this.flags)
      this.owners = owners
      this.values = values
      this.flags = flags
    }
    this.owners[this.length] = owner
    this.values[this.length] = value
    this.flags[this.length] = flag
    this.length++
  }

  /** Every record's value and flag, owners in increasing order, each owner's records in append order. */
  byOwner(ownerCount: number): { readonly values: Float64Array; readonly flags: Uint8Array } {
    const starts = new Int32Array(ownerCount + 1)
    for (let i = 0; i < this.length; i++) starts[this.owners[i]! + 1]!++
    for (let o = 0; o < ownerCount; o++) starts[o + 1]! += starts[o]!
    const values = new Float64Array(this.length)
    const flags = new Uint8Array(this.length)
    for (let i = 0; i < this.length; i++) {
      const at = starts[this.owners[i]!]!++
      values[at] = this.values[i]!
      flags[at] = this.flags[i]!
    }
    return { values, flags }
  }
}

/** Mean and sample standard deviation as commons-math computes them (two-pass, corrected). */
export const meanAndStdev = (values: Float64Array | ReadonlyArray<number>): { mean: number; stdev: number } => {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, stdev: Number.NaN }
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]!
  const plainMean = sum / n
  let correction = 0
  for (let i = 0; i < n; i++) correction += values[i]! - plainMean
  const mean = plainMean + correction / n
  if (n === 1) return { mean: sum / n, stdev: 0 }
  let squares = 0
  let deviations = 0
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean
    squares += d * d
    deviations += d
  }
  return { mean: sum / n, stdev: Math.sqrt((squares - (deviations * deviations) / n) / (n - 1)) }
}
