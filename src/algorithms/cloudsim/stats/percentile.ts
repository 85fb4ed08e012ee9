/**
 * The median as CloudSim computes it: commons-math `Percentile(50)` with its legacy estimator,
 * which interpolates `lower + 0.5 · (upper − lower)` between the middle values of an even count.
 */
import { sortSmall } from "./sortSmall.js"

/** Median of the ascending `sorted[0..length)` by the legacy estimator. */
export const legacyMedianOfSorted = (sorted: Float64Array, length: number): number => {
  const position = 0.5 * (length + 1)
  const floor = Math.floor(position)
  if (position < 1) return sorted[0]!
  if (position >= length) return sorted[length - 1]!
  const lower = sorted[floor - 1]!
  const upper = sorted[floor]!
  return lower + (position - floor) * (upper - lower)
}

/** Median of `values[0..length)`, sorting `scratch` (at least `length` long) in place. */
export const legacyMedian = (values: Float64Array, length: number, scratch: Float64Array): number => {
  for (let i = 0; i < length; i++) scratch[i] = values[i]!
  sortSmall(scratch, length)
  return legacyMedianOfSorted(scratch, length)
}

/**
 * The legacy median of `|median − v|` over the ascending `sorted[0..length)`, without sorting
 * again: the deviations of the values up to the median fall as the index rises and those above it
 * rise, so walking outwards from the median merges them in ascending order. Each deviation is the
 * same double as `Math.abs(median − v)` (a rounded difference only changes sign with its operands).
 */
export const legacyMedianAbsoluteDeviation = (sorted: Float64Array, length: number, median: number): number => {
  const position = 0.5 * (length + 1)
  const floor = Math.floor(position)
  // Ranks (0-based) of the deviations the estimator reads.
  const lowerRank = position < 1 ? 0 : position >= length ? length - 1 : floor - 1
  const upperRank = position < 1 || position >= length ? lowerRank : floor
  let below = -1
  while (below + 1 < length && sorted[below + 1]! <= median) below++
  let above = below + 1
  let lower = 0
  let upper = 0
  for (let rank = 0; rank <= upperRank; rank++) {
    let deviation: number
    if (above >= length || (below >= 0 && median - sorted[below]! <= sorted[above]! - median)) {
      deviation = median - sorted[below--]!
    } else {
      deviation = sorted[above++]! - median
    }
    if (rank === lowerRank) lower = deviation
    upper = deviation
  }
  if (lowerRank === upperRank) return lower
  return lower + (position - floor) * (upper - lower)
}
