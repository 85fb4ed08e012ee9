/**
 * A replayed utilisation series as a step function of time: value k (fraction 0-1) lasts from
 * `anchor + k × sample` to `anchor + (k + 1) × sample`, and the series loops. Its integral (the CPU
 * time one vCPU busy at this series would have used since the anchor) is in closed form: whole
 * loops, whole samples, then the partial sample. A replayed CPU counter is therefore a function of
 * time alone, and every process computes the same value for the same instant.
 *
 * The integral is an exact integer of ns (each sample contributes its value × its length, rounded
 * to the ns), so differences of two readings are exact as well.
 */

/** A series ready to replay. */
export interface ReplaySeries {
  /** Milliseconds each value lasts. */
  readonly sampleMs: number
  /** Fractions 0-1, one per sample. */
  readonly values: Float64Array
  /** prefixNs[k]: the ns used by samples 0 … k - 1 (whole integers); prefixNs[length] is one loop's. */
  readonly prefixNs: Float64Array
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0)

/**
 * `values` (fractions 0-1; out of range values are clamped, non-finite ones count as 0), each
 * lasting `sampleMs`. Refuses an empty series and a sample that is not a positive whole number of ms.
 */
export const makeReplaySeries = (values: ReadonlyArray<number>, sampleMs: number): ReplaySeries => {
  if (values.length === 0) throw new RangeError("a replayed series needs at least one value")
  if (!Number.isInteger(sampleMs) || sampleMs <= 0) {
    throw new RangeError(`a replayed sample must last a positive whole number of ms (got ${sampleMs})`)
  }
  const clamped = Float64Array.from(values, clamp01)
  const prefixNs = new Float64Array(clamped.length + 1)
  for (let k = 0; k < clamped.length; k++) prefixNs[k + 1] = prefixNs[k]! + Math.round(clamped[k]! * sampleMs * 1e6)
  return { sampleMs, values: clamped, prefixNs }
}

/** Where `elapsedMs` (since the anchor; negative counts as 0) falls: whole loops, sample index, ms into the sample. */
const position = (series: ReplaySeries, elapsedMs: number) => {
  const { sampleMs } = series
  const loopMs = series.values.length * sampleMs
  const elapsed = Math.max(0, elapsedMs)
  const loops = Math.floor(elapsed / loopMs)
  const inLoop = elapsed - loops * loopMs
  const k = Math.floor(inLoop / sampleMs)
  return { loops, k, partialMs: inLoop - k * sampleMs }
}

/** The series' value `elapsedMs` after its anchor, fraction 0-1. */
export const utilisationAt = (series: ReplaySeries, elapsedMs: number): number =>
  series.values[position(series, elapsedMs).k]!

/**
 * The series' integral from its anchor to `elapsedMs` after it: the ns of CPU time one vCPU busy
 * at this series would have used. A whole number, non-decreasing in `elapsedMs`.
 */
export const usedNsAt = (series: ReplaySeries, elapsedMs: number): bigint => {
  const { loops, k, partialMs } = position(series, elapsedMs)
  const loopNs = series.prefixNs[series.values.length]!
  const partialNs = Math.round(series.values[k]! * partialMs * 1e6)
  return BigInt(loops) * BigInt(loopNs) + BigInt(series.prefixNs[k]!) + BigInt(partialNs)
}
