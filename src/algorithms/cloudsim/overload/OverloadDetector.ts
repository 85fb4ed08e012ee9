/**
 * CloudSim's host overload detectors (THR, IQR, MAD, LR, LRR) as `HostLoad → boolean`. Each
 * detector owns its scratch buffers, so a call allocates nothing. They are classes rather than
 * closures: V8 compiles a closure for the context it captured, so the closures of a second run
 * in one process (a sweep worker, a benchmark) would throw away the hot code of the first.
 */
import type { HostLoad } from "../HostLoad.js"
import { legacyMedianAbsoluteDeviation, legacyMedianOfSorted } from "../stats/percentile.js"
import { preparedRegression, prepareRegression } from "../stats/simpleRegression.js"
import { sortSmall } from "../stats/sortSmall.js"

export interface OverloadDetector {
  readonly name: string
  /** Whether the detector reads `history` (THR does not, so callers can skip building it). */
  readonly needsHistory: boolean
  /**
   * When set, the detector reads only the `historyWindow` newest values and compares
   * `historyLength` with `historyWindow` alone, so a caller may pass just those values and any
   * length ≥ `historyWindow` when the trimmed history is at least that long.
   */
  readonly historyWindow?: number
  /** Set when the verdict is a threshold on a linear function of the window (LR and LRR). */
  readonly linear?: LinearForecast
  isOverloaded(load: HostLoad): boolean
  /** Called at the start of every decision round (stateful detectors keep the states decided in the last one). */
  beginRound?(): void
}

/**
 * A verdict that is, in exact arithmetic, `predict(Σ h, Σ cᵢ·hᵢ, steps) ≥ 1` over the `window`
 * newest history values h (newest first) when the trimmed history holds at least `window` values:
 * linear in h, so a caller can keep the sums of a host's values and of each VM's share apart and
 * add them. Only the detector's own computation has CloudSim's doubles: a caller that decides from
 * the sums must leave values within `forecastMargin` of 1 to `isOverloaded`.
 */
export interface LinearForecast {
  readonly window: number
  /** cᵢ for the i-th newest value. */
  readonly centered: Float64Array
  /** The forecast from Σ h and Σ cᵢ·hᵢ, `steps` intervals past the newest value. */
  predict(sum: number, centeredSum: number, steps: number): number
}

/**
 * How far from 1 a forecast from sums must be for its verdict to be the detector's: the sums
 * and the detector's own updates each differ from the exact value by some 10⁻¹⁴ at most on
 * utilisation histories (values of order 1, ten of them), far inside this.
 */
export const forecastMargin = 1e-9

/** Utilisation threshold of the fallback every adaptive detector uses while history is short. */
export const fallbackThreshold = 0.7
/** History values IQR and MAD need. */
export const minHistoryQuartiles = 12
/** History values LR and LRR need (and regress on). */
export const regressionLength = 10

const utilization = (load: HostLoad): number => load.requestedMips / load.totalMips

/** THR: overloaded when demand / capacity exceeds `threshold`. */
class StaticThreshold implements OverloadDetector {
  readonly name: string
  readonly needsHistory = false
  constructor(private readonly threshold: number) {
    this.name = `thr-${threshold}`
  }
  isOverloaded(load: HostLoad): boolean {
    return utilization(load) > this.threshold
  }
}

export const staticThreshold = (threshold: number): OverloadDetector => new StaticThreshold(threshold)

/** Copies the first `n` history values into `into` and returns their range (max − min). */
const copyWithRange = (history: Float64Array, n: number, into: Float64Array): number => {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const value = history[i]!
    into[i] = value
    if (value < min) min = value
    if (value > max) max = value
  }
  return max - min
}

/**
 * A threshold 1 − s·S on a spread statistic S of the sorted history (IQR, MAD), with CloudSim's
 * fallback while the history is short. A load within the threshold of a bound on S from the
 * history's range needs no sort.
 */
abstract class SpreadThreshold implements OverloadDetector {
  readonly needsHistory = true
  private readonly sorted = new Float64Array(64)
  constructor(
    readonly name: string,
    protected readonly safety: number
  ) {}
  /** A utilisation at or below which the load is within the threshold whatever S, given the values' range. */
  protected abstract withinBelow(range: number): number
  /** S of the ascending `sorted[0..n)`. */
  protected abstract spreadOfSorted(sorted: Float64Array, n: number): number
  isOverloaded(load: HostLoad): boolean {
    const n = load.historyLength
    if (n < minHistoryQuartiles) return utilization(load) > fallbackThreshold
    const sorted = this.sorted
    const range = copyWithRange(load.history, n, sorted)
    if (this.safety >= 0 && utilization(load) <= this.withinBelow(range)) return false
    sortSmall(sorted, n)
    return utilization(load) > 1 - this.safety * this.spreadOfSorted(sorted, n)
  }
}

/** IQR: threshold 1 − s·IQR of the host history (quartile indices round(0.25(n+1))−1, round(0.75(n+1))−1). */
class InterQuartileRange extends SpreadThreshold {
  constructor(safety: number) {
    super(`iqr-${safety}`, safety)
  }
  // The IQR is a difference of two history values, so rounding (monotone) keeps it at most the range.
  protected withinBelow(range: number): number {
    return 1 - this.safety * range
  }
  protected spreadOfSorted(sorted: Float64Array, n: number): number {
    const q1 = Math.floor(0.25 * (n + 1) + 0.5) - 1
    const q3 = Math.floor(0.75 * (n + 1) + 0.5) - 1
    return sorted[q3]! - sorted[q1]!
  }
}

export const interQuartileRange = (safety: number): OverloadDetector => new InterQuartileRange(safety)

/** Slack for the MAD's range bound: the median's interpolation may round a few ulps past the range. */
const madBoundMargin = 1e-9

/** MAD: threshold 1 − s·MAD, MAD = median |h − median(h)|. */
class MedianAbsoluteDeviation extends SpreadThreshold {
  constructor(safety: number) {
    super(`mad-${safety}`, safety)
  }
  // The MAD is at most half the range (plus rounding, far below the margin): with a and b the
  // median's distances to the smallest and largest value, more than half the values lie on each
  // side of the median within a or b of it, so more than half the deviations are at most
  // min(a, b) ≤ range / 2.
  protected withinBelow(range: number): number {
    return 1 - this.safety * (range / 2) - madBoundMargin
  }
  protected spreadOfSorted(sorted: Float64Array, n: number): number {
    return legacyMedianAbsoluteDeviation(sorted, n, legacyMedianOfSorted(sorted, n))
  }
}

export const medianAbsoluteDeviation = (safety: number): OverloadDetector => new MedianAbsoluteDeviation(safety)

/** Mean of LR's abscissae 1..10, and Σ (x − x̄)². */
const meanX = (regressionLength + 1) / 2
let centeredSquares = 0
for (let x = 1; x <= regressionLength; x++) centeredSquares += (x - meanX) ** 2

/** x = 1..10, the abscissae LR regresses on, with its x-only sums worked out once (shared by every LR detector). */
const regressionAbscissae = prepareRegression(
  Float64Array.from({ length: regressionLength }, (_, i) => i + 1),
  regressionLength
)

/**
 * LR (and LRR, identical in CloudSim 3.0.3, whose loess weights are never applied): plain OLS on
 * the 10 newest values at x = 1..10, predicted `ceil(max migration / interval)` steps past the
 * last, times the safety parameter; overloaded when that reaches 1. It ignores current demand.
 */
class LocalRegression implements OverloadDetector {
  readonly name: string
  readonly needsHistory = true
  readonly historyWindow = regressionLength
  readonly linear: LinearForecast
  private readonly y = new Float64Array(regressionLength)
  private readonly estimates = new Float64Array(2)
  constructor(
    private readonly safety: number,
    robust: boolean
  ) {
    this.name = `${robust ? "lrr" : "lr"}-${safety}`
    this.linear = new RegressionForecast(safety)
  }
  isOverloaded(load: HostLoad): boolean {
    if (load.historyLength < regressionLength) return utilization(load) > fallbackThreshold
    const y = this.y
    const estimates = this.estimates
    for (let i = 0; i < regressionLength; i++) y[i] = load.history[regressionLength - i - 1]!
    preparedRegression(regressionAbscissae, y, estimates)
    const migrationIntervals = Math.ceil(load.maxMigrationSec / load.intervalSec)
    const predicted = (estimates[0]! + estimates[1]! * (regressionLength + migrationIntervals)) * this.safety
    return predicted >= 1
  }
}

/** LR's prediction as a linear function of the window: intercept + slope·X = ȳ + slope·(X − x̄). */
class RegressionForecast implements LinearForecast {
  readonly window = regressionLength
  /** The i-th newest value sits at x = 10 − i: its weight in the slope's numerator is x − x̄. */
  readonly centered = Float64Array.from({ length: regressionLength }, (_, i) => regressionLength - i - meanX)
  constructor(private readonly safety: number) {}
  predict(sum: number, centeredSum: number, steps: number): number {
    const slope = centeredSum / centeredSquares
    return (sum / regressionLength + slope * (regressionLength + steps - meanX)) * this.safety
  }
}

export const localRegression = (safety: number, robust = false): OverloadDetector => new LocalRegression(safety, robust)

/** The detector named `name` ("thr", "iqr", "mad", "lr", "lrr") with its parameter. */
export const cloudsimOverloadDetector = (
  name: "thr" | "iqr" | "mad" | "lr" | "lrr",
  param: number
): OverloadDetector => {
  switch (name) {
    case "thr":
      return staticThreshold(param)
    case "iqr":
      return interQuartileRange(param)
    case "mad":
      return medianAbsoluteDeviation(param)
    case "lr":
      return localRegression(param)
    case "lrr":
      return localRegression(param, true)
  }
}
