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

/**
 * The sliding windows of one estimation pass, in typed arrays reused between passes: ring buffers
 * of the states reached from each state (as long as the largest window), and of the last w
 * estimates for each (from, to, w). Variances are computed once at the end from the final
 * windows: a state's row only changes when a transition leaves it, so this equals Neat's
 * recomputation after every transition.
 */
export class SlidingWindowEstimator {
  readonly numberOfStates: number
  /** The configured window sizes, in configuration order (duplicates allowed, as in Neat). */
  readonly windowSizes: ReadonlyArray<number>
  /** Distinct window sizes, in order of first appearance. */
  private readonly sizes: Int32Array
  private readonly ascending: Int32Array
  private readonly sizeIndex: Map<number, number>
  private readonly sizeOffset: Int32Array
  private readonly sizeTotal: number
  private readonly maxSize: number
  private readonly requests: Int32Array
  private readonly requestStart: Int32Array
  private readonly requestLength: Int32Array
  private readonly estimates: Float64Array
  private readonly estimateStart: Int32Array
  private readonly estimateLength: Int32Array
  private readonly counts: Int32Array
  private readonly running: Int32Array
  private readonly touched: Uint8Array
  private readonly varianceLookup: WindowLookup
  private readonly acceptableLookup: WindowLookup
  private readonly latestLookup: (from: number, to: number, windowSize: number) => number | undefined

  constructor(numberOfStates: number, windowSizes: ReadonlyArray<number>) {
    if (!Number.isInteger(numberOfStates) || numberOfStates < 1)
      throw new RangeError(`numberOfStates must be a positive integer, got ${numberOfStates}`)
    if (windowSizes.length === 0) throw new RangeError("window_sizes is empty")
    for (const size of windowSizes)
      if (!Number.isInteger(size) || size < 2) throw new RangeError(`window sizes must be integers ≥ 2, got ${size}`)
    this.numberOfStates = numberOfStates
    this.windowSizes = [...windowSizes]
    const distinct = [...new Set(windowSizes)]
    this.sizes = Int32Array.from(distinct)
    this.sizeIndex = new Map(distinct.map((size, index) => [size, index]))
    this.ascending = Int32Array.from(distinct.map((_, index) => index).sort((a, b) => distinct[a]! - distinct[b]!))
    this.sizeOffset = new Int32Array(distinct.length)
    let total = 0
    distinct.forEach((size, index) => {
      this.sizeOffset[index] = total
      total += size
    })
    this.sizeTotal = total
    this.maxSize = Math.max(...distinct)
    const n = numberOfStates
    const u = distinct.length
    this.requests = new Int32Array(n * this.maxSize)
    this.requestStart = new Int32Array(n)
    this.requestLength = new Int32Array(n)
    this.estimates = new Float64Array(n * n * total)
    this.estimateStart = new Int32Array(n * n * u)
    this.estimateLength = new Int32Array(n * n * u)
    this.counts = new Int32Array(u * n)
    this.running = new Int32Array(n)
    this.touched = new Uint8Array(n)
    this.varianceLookup = (i, j, size) => this.varianceAt(i, j, size)
    this.acceptableLookup = (i, j, size) => this.acceptableVarianceAt(i, j, size)
    this.latestLookup = (i, j, size) => this.latestEstimate(i, j, size)
  }

  /** Empties every window (Neat starts each decision from fresh windows). */
  reset(): void {
    this.requestStart.fill(0)
    this.requestLength.fill(0)
    this.estimateStart.fill(0)
    this.estimateLength.fill(0)
    this.touched.fill(0)
  }

  /** Records the transition `from → to` and appends the new estimates of row `from`. */
  observe(from: number, to: number): void {
    const n = this.numberOfStates
    const max = this.maxSize
    const base = from * max
    let start = this.requestStart[from]!
    let length = this.requestLength[from]!
    if (length < max) {
      this.requests[base + ((start + length) % max)] = to
      length++
      this.requestLength[from] = length
    } else {
      this.requests[base + start] = to
      start = (start + 1) % max
      this.requestStart[from] = start
    }
    this.touched[from] = 1

    // Counts of each target state among the last w requests, for every w, in one backward walk.
    const running = this.running
    const counts = this.counts
    const sizes = this.sizes
    const ascending = this.ascending
    const distinctCount = sizes.length
    running.fill(0)
    let next = 0
    for (let k = 0; k < length && next < distinctCount; k++) {
      running[this.requests[base + ((start + length - 1 - k) % max)]!]!++
      while (next < distinctCount && sizes[ascending[next]!] === k + 1) {
        counts.set(running, ascending[next]! * n)
        next++
      }
    }
    for (; next < distinctCount; next++) counts.set(running, ascending[next]! * n)

    for (let to2 = 0; to2 < n; to2++) {
      const pair = from * n + to2
      for (let s = 0; s < distinctCount; s++) {
        const size = sizes[s]!
        const slot = pair * distinctCount + s
        const offset = pair * this.sizeTotal + this.sizeOffset[s]!
        const estimate = counts[s * n + to2]! / size
        const filled = this.estimateLength[slot]!
        if (filled < size) {
          this.estimates[offset + ((this.estimateStart[slot]! + filled) % size)] = estimate
          this.estimateLength[slot] = filled + 1
        } else {
          const first = this.estimateStart[slot]!
          this.estimates[offset + first] = estimate
          this.estimateStart[slot] = (first + 1) % size
        }
      }
    }
  }

  /** Feeds a whole state history, starting from state 0 as Neat does (first transition 0 → s0). */
  observeHistory(states: ArrayLike<number>): void {
    let previous = 0
    for (let k = 0; k < states.length; k++) {
      const current = states[k]!
      this.observe(previous, current)
      previous = current
    }
  }

  /** The states reached from `from`, oldest first. */
  requestWindow(from: number): Array<number> {
    const result: Array<number> = []
    const length = this.requestLength[from]!
    const start = this.requestStart[from]!
    for (let k = 0; k < length; k++) result.push(this.requests[from * this.maxSize + ((start + k) % this.maxSize)]!)
    return result
  }

  /** The estimates of p[from][to] in window `windowSize`, oldest first. */
  estimateWindow(from: number, to: number, windowSize: number): Array<number> {
    const { slot, offset, size } = this.locate(from, to, windowSize)
    const result: Array<number> = []
    const length = this.estimateLength[slot]!
    const start = this.estimateStart[slot]!
    for (let k = 0; k < length; k++) result.push(this.estimates[offset + ((start + k) % size)]!)
    return result
  }

  /** The latest estimate of p[from][to] in window `windowSize`, if any. */
  latestEstimate(from: number, to: number, windowSize: number): number | undefined {
    const { slot, offset, size } = this.locate(from, to, windowSize)
    const length = this.estimateLength[slot]!
    if (length === 0) return undefined
    return this.estimates[offset + ((this.estimateStart[slot]! + length - 1) % size)]
  }

  /** Neat's variance for (from, to, w): 1 until the window is full, or before row `from` was updated. */
  varianceAt(from: number, to: number, windowSize: number): number {
    if (this.touched[from] === 0) return 1
    const { slot, offset, size } = this.locate(from, to, windowSize)
    if (this.estimateLength[slot]! < size) return 1
    const start = this.estimateStart[slot]!
    const estimates = this.estimates
    let sum = 0
    for (let k = 0; k < size; k++) sum += estimates[offset + ((start + k) % size)]!
    const m = sum / size
    let squares = 0
    for (let k = 0; k < size; k++) {
      const deviation = estimates[offset + ((start + k) % size)]! - m
      squares += deviation * deviation
    }
    return squares / (size - 1)
  }

  /** Neat's acceptable variance for (from, to, w): 1 before row `from` was updated. */
  acceptableVarianceAt(from: number, to: number, windowSize: number): number {
    if (this.touched[from] === 0) return 1
    return acceptableVariance(this.latestEstimate(from, to, windowSize)!, windowSize)
  }

  /** Selects a window per (from, to) and returns the transition matrix estimated in it. */
  estimate(): TransitionEstimate {
    const selectedWindows = selectWindow(
      this.numberOfStates,
      this.windowSizes,
      this.varianceLookup,
      this.acceptableLookup
    )
    return { p: selectBestEstimates(selectedWindows, this.latestLookup), selectedWindows }
  }

  private locate(from: number, to: number, windowSize: number): { slot: number; offset: number; size: number } {
    const s = this.sizeIndex.get(windowSize)
    if (s === undefined) throw new RangeError(`window size ${windowSize} is not configured`)
    const pair = from * this.numberOfStates + to
    return {
      slot: pair * this.sizes.length + s,
      offset: pair * this.sizeTotal + this.sizeOffset[s]!,
      size: windowSize
    }
  }
}
