/**
 * The sliding windows of one MHOD estimation pass, in typed arrays reused between passes.
 *
 * - Per state i, a ring of the states reached from i, as long as the largest window, with running
 *   counts of each target state within every window size (updated as values enter and leave).
 * - Per (i, j, w), a ring of the last w estimates of p[i][j].
 *
 * Rings are indexed by the running count of values ever pushed (slot = count mod capacity), so the
 * oldest value still in a window is at (count - w) mod capacity. Variances are computed once at
 * the end from the final windows: a state's row only changes when a transition leaves it, so this
 * equals Neat's recomputation after every transition.
 */
import {
  acceptableVariance,
  selectBestEstimates,
  selectWindow,
  type TransitionEstimate,
  type WindowLookup
} from "./estimation.js"

export class SlidingWindowEstimator {
  readonly numberOfStates: number
  /** The configured window sizes, in configuration order (duplicates allowed, as in Neat). */
  readonly windowSizes: ReadonlyArray<number>
  /** Distinct window sizes, in order of first appearance. */
  private readonly sizes: Int32Array
  private readonly sizeIndex: Map<number, number>
  /** Where each distinct size's estimate ring starts within a (from, to) block. */
  private readonly sizeOffset: Int32Array
  /** Sum of the distinct sizes: the length of one (from, to) block of estimates. */
  private readonly blockLength: number
  private readonly maxSize: number
  /** requests[from * maxSize + k mod maxSize]: the k-th state reached from `from`. */
  private readonly requests: Int32Array
  /** How many states were ever reached from each state (this pass). */
  private readonly requestCount: Int32Array
  /** windowCounts[(from * sizes + s) * states + to]: occurrences of `to` among the last sizes[s] requests from `from`. */
  private readonly windowCounts: Int32Array
  private readonly estimates: Float64Array
  /** How many estimates were ever pushed for each (from, to, size). */
  private readonly estimateCount: Int32Array
  /** Whether a transition ever left each state (this pass). */
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
    this.sizeOffset = new Int32Array(distinct.length)
    let total = 0
    for (const [index, size] of distinct.entries()) {
      this.sizeOffset[index] = total
      total += size
    }
    this.blockLength = total
    this.maxSize = Math.max(...distinct)
    const n = numberOfStates
    const u = distinct.length
    this.requests = new Int32Array(n * this.maxSize)
    this.requestCount = new Int32Array(n)
    this.windowCounts = new Int32Array(n * u * n)
    this.estimates = new Float64Array(n * n * total)
    this.estimateCount = new Int32Array(n * n * u)
    this.touched = new Uint8Array(n)
    this.varianceLookup = (i, j, size) => this.varianceAt(i, j, size)
    this.acceptableLookup = (i, j, size) => this.acceptableVarianceAt(i, j, size)
    this.latestLookup = (i, j, size) => this.latestEstimate(i, j, size)
  }

  /** Empties every window (Neat starts each decision from fresh windows). */
  reset(): void {
    this.requestCount.fill(0)
    this.windowCounts.fill(0)
    this.estimateCount.fill(0)
    this.touched.fill(0)
  }

  /** Records the transition `from → to` and appends the new estimates of row `from`. */
  observe(from: number, to: number): void {
    const n = this.numberOfStates
    const max = this.maxSize
    const sizes = this.sizes
    const distinctCount = sizes.length
    const requests = this.requests
    const counts = this.windowCounts
    const base = from * max
    const pushed = this.requestCount[from]!
    const countsBase = from * distinctCount * n
    // The request leaving each window (read before its slot may be overwritten), then the new one.
    for (let s = 0; s < distinctCount; s++) {
      const size = sizes[s]!
      if (pushed >= size) counts[countsBase + s * n + requests[base + ((pushed - size) % max)]!]!--
      counts[countsBase + s * n + to]!++
    }
    requests[base + (pushed % max)] = to
    this.requestCount[from] = pushed + 1
    this.touched[from] = 1

    const estimates = this.estimates
    const estimateCount = this.estimateCount
    for (let target = 0; target < n; target++) {
      const pair = from * n + target
      const slotBase = pair * distinctCount
      const blockBase = pair * this.blockLength
      for (let s = 0; s < distinctCount; s++) {
        const size = sizes[s]!
        const slot = slotBase + s
        const written = estimateCount[slot]!
        estimates[blockBase + this.sizeOffset[s]! + (written % size)] = counts[countsBase + s * n + target]! / size
        estimateCount[slot] = written + 1
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

  /** The states reached from `from` still within the largest window, oldest first. */
  requestWindow(from: number): Array<number> {
    const result: Array<number> = []
    const pushed = this.requestCount[from]!
    for (let k = Math.max(0, pushed - this.maxSize); k < pushed; k++)
      result.push(this.requests[from * this.maxSize + (k % this.maxSize)]!)
    return result
  }

  /** The estimates of p[from][to] in window `windowSize`, oldest first. */
  estimateWindow(from: number, to: number, windowSize: number): Array<number> {
    const s = this.sizeSlot(windowSize)
    const pair = from * this.numberOfStates + to
    const written = this.estimateCount[pair * this.sizes.length + s]!
    const offset = pair * this.blockLength + this.sizeOffset[s]!
    const result: Array<number> = []
    for (let k = Math.max(0, written - windowSize); k < written; k++)
      result.push(this.estimates[offset + (k % windowSize)]!)
    return result
  }

  /** The latest estimate of p[from][to] in window `windowSize`, if any. */
  latestEstimate(from: number, to: number, windowSize: number): number | undefined {
    const s = this.sizeSlot(windowSize)
    const pair = from * this.numberOfStates + to
    const written = this.estimateCount[pair * this.sizes.length + s]!
    if (written === 0) return undefined
    return this.estimates[pair * this.blockLength + this.sizeOffset[s]! + ((written - 1) % windowSize)]
  }

  /** Neat's variance for (from, to, w): 1 until the window is full, or before row `from` was updated. */
  varianceAt(from: number, to: number, windowSize: number): number {
    if (this.touched[from] === 0) return 1
    const s = this.sizeSlot(windowSize)
    const pair = from * this.numberOfStates + to
    const written = this.estimateCount[pair * this.sizes.length + s]!
    if (written < windowSize) return 1
    const offset = pair * this.blockLength + this.sizeOffset[s]!
    const estimates = this.estimates
    // Oldest first, as Neat sums its deque.
    const first = written - windowSize
    let sum = 0
    for (let k = first; k < written; k++) sum += estimates[offset + (k % windowSize)]!
    const m = sum / windowSize
    let squares = 0
    for (let k = first; k < written; k++) {
      const deviation = estimates[offset + (k % windowSize)]! - m
      squares += deviation * deviation
    }
    return squares / (windowSize - 1)
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

  private sizeSlot(windowSize: number): number {
    const s = this.sizeIndex.get(windowSize)
    if (s === undefined) throw new RangeError(`window size ${windowSize} is not configured`)
    return s
  }
}
