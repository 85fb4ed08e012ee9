/**
 * Multisize sliding-window estimation of the transition probabilities (Neat's
 * `multisize_estimation`). For every pair of states (i, j) and every window size w, the estimate of
 * p[i][j] is the share of j among the last w transitions out of i (divided by w even while fewer
 * than w have been seen). Each estimate keeps its own window of the last w estimates; the window
 * chosen for (i, j) is the largest one, scanning the configured sizes in order, before the first
 * whose estimates vary more than a binomial estimate of that size should (p(1-p)/w).
 */
import type { TransitionMatrix } from "./lFunctions.js"

/** Mean of `data` over a window of `windowSize` samples (sum / window size). */
export const mean = (data: ArrayLike<number>, windowSize: number): number => {
  let sum = 0
  for (let k = 0; k < data.length; k++) sum += data[k]!
  return sum / windowSize
}

/** Sample variance of `data` over a window of `windowSize` samples (divides by window size - 1). */
export const variance = (data: ArrayLike<number>, windowSize: number): number => {
  const m = mean(data, windowSize)
  let sum = 0
  for (let k = 0; k < data.length; k++) {
    const deviation = data[k]! - m
    sum += deviation * deviation
  }
  return sum / (windowSize - 1)
}

/** The variance a binomial estimate of `probability` from `windowSize` samples has. */
export const acceptableVariance = (probability: number, windowSize: number): number =>
  (probability * (1 - probability)) / windowSize

/** Share of `state` in `data`, over a window of `windowSize` samples. */
export const estimateProbability = (data: ReadonlyArray<number>, windowSize: number, state: number): number => {
  let count = 0
  for (const value of data) if (value === state) count++
  return count / windowSize
}

/** A per-(from, to, window size) lookup, as the estimator exposes its variances. */
export type WindowLookup = (from: number, to: number, windowSize: number) => number

/**
 * For every (i, j): scanning `windowSizes` in the given order, the last size before the first whose
 * variance exceeds its acceptable variance (the first size if that happens at once).
 */
export const selectWindow = (
  numberOfStates: number,
  windowSizes: ReadonlyArray<number>,
  varianceOf: WindowLookup,
  acceptableVarianceOf: WindowLookup
): Array<Array<number>> => {
  const selected: Array<Array<number>> = []
  for (let i = 0; i < numberOfStates; i++) {
    const row: Array<number> = []
    for (let j = 0; j < numberOfStates; j++) {
      let size = windowSizes[0]!
      for (const windowSize of windowSizes) {
        if (varianceOf(i, j, windowSize) > acceptableVarianceOf(i, j, windowSize)) break
        size = windowSize
      }
      row.push(size)
    }
    selected.push(row)
  }
  return selected
}

/** The latest estimate of each (i, j) in its selected window, 0 when that window is still empty. */
export const selectBestEstimates = (
  selectedWindows: ReadonlyArray<ReadonlyArray<number>>,
  latestEstimateOf: (from: number, to: number, windowSize: number) => number | undefined
): Array<Array<number>> =>
  selectedWindows.map((row, i) => row.map((windowSize, j) => latestEstimateOf(i, j, windowSize) ?? 0))

/** What one estimation pass yields. */
export interface TransitionEstimate {
  /** Estimated transition probabilities, `p[from][to]`. */
  readonly p: TransitionMatrix
  /** The window size chosen for each (from, to). */
  readonly selectedWindows: ReadonlyArray<ReadonlyArray<number>>
}
