/**
 * The median as CloudSim computes it: commons-math `Percentile(50)` with its legacy estimator,
 * which interpolates `lower + 0.5 · (upper − lower)` between the middle values of an even count.
 */
import { sortSmall } from "./sortSmall.js"

/** Median of `values[0..length)`, sorting `scratch` (at least `length` long) in place. */
export const legacyMedian = (values: Float64Array, length: number, scratch: Float64Array): number => {
  for (let i = 0; i < length; i++) scratch[i] = values[i]!
  sortSmall(scratch, length)
  const sorted = scratch
  const position = 0.5 * (length + 1)
  const floor = Math.floor(position)
  if (position < 1) return sorted[0]!
  if (position >= length) return sorted[length - 1]!
  const lower = sorted[floor - 1]!
  const upper = sorted[floor]!
  return lower + (position - floor) * (upper - lower)
}
