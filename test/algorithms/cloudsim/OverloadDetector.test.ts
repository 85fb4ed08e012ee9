import { describe, expect, it } from "vitest"
import { type HostLoad, makeHostLoad, trimmedLength } from "../../../src/algorithms/cloudsim/HostLoad.js"
import {
  forecastMargin,
  interQuartileRange,
  localRegression,
  medianAbsoluteDeviation,
  staticThreshold
} from "../../../src/algorithms/cloudsim/overload/OverloadDetector.js"
import { legacyMedian } from "../../../src/algorithms/cloudsim/stats/percentile.js"
import { simpleRegression } from "../../../src/algorithms/cloudsim/stats/simpleRegression.js"

/** A host of 1000 MHz at `utilization`, with `history` newest first. */
const load = (utilization: number, history: ReadonlyArray<number> = []): HostLoad => {
  const l = makeHostLoad(30)
  l.totalMips = 1000
  l.requestedMips = utilization * 1000
  history.forEach((value, i) => {
    l.history[i] = value
  })
  l.historyLength = history.length === 0 ? 1 : history.length
  l.maxMigrationSec = 27.84
  l.intervalSec = 300
  return l
}

describe("CloudSim's overload detectors", () => {
  it("THR: demand / capacity above the threshold", () => {
    expect(staticThreshold(0.8).isOverloaded(load(0.81))).toBe(true)
    expect(staticThreshold(0.8).isOverloaded(load(0.8))).toBe(false)
  })

  it("IQR and MAD fall back to THR 0.7 below 12 history values, LR below 10", () => {
    const short = Array.from({ length: 11 }, () => 0.5)
    expect(medianAbsoluteDeviation(2.5).isOverloaded(load(0.71, short))).toBe(true)
    expect(interQuartileRange(1.5).isOverloaded(load(0.69, short))).toBe(false)
    expect(localRegression(1.2).isOverloaded(load(0.71, short.slice(0, 9)))).toBe(true)
  })

  it("MAD: threshold 1 − s · median |h − median h|", () => {
    // 0.1 … 1.2: median 0.65, deviations' median 0.3 → threshold 1 − 2.5 · 0.3 = 0.25.
    const history = Array.from({ length: 12 }, (_, i) => (i + 1) / 10)
    expect(medianAbsoluteDeviation(2.5).isOverloaded(load(0.26, history))).toBe(true)
    expect(medianAbsoluteDeviation(2.5).isOverloaded(load(0.24, history))).toBe(false)
  })

  it("IQR: threshold 1 − s · (q3 − q1) with CloudSim's quartile indices", () => {
    // 0.50 … 0.61: q1 index 2 (0.52), q3 index 9 (0.59) → threshold 1 − 1.5 · 0.07 = 0.895.
    const history = Array.from({ length: 12 }, (_, i) => 0.5 + i / 100)
    expect(interQuartileRange(1.5).isOverloaded(load(0.9, history))).toBe(true)
    expect(interQuartileRange(1.5).isOverloaded(load(0.89, history))).toBe(false)
  })

  it("LR: OLS on the 10 newest values, predicted one interval ahead, times the safety", () => {
    // Chronological 0.1, 0.2, … 1.0 → 1.1 at x = 11; newest first in the history.
    const rising = Array.from({ length: 10 }, (_, i) => (10 - i) / 10)
    expect(localRegression(1).isOverloaded(load(0, rising))).toBe(true)
    const gentle = rising.map((value) => value / 2)
    // 0.55 · 1.2 = 0.66 < 1, whatever the current demand.
    expect(localRegression(1.2).isOverloaded(load(0.99, gentle))).toBe(false)
  })

  it("LR's linear form gives its verdict wherever the forecast from sums is clear of the threshold", () => {
    let state = 77
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return state / 2 ** 32
    }
    let decided = 0
    for (let round = 0; round < 20000; round++) {
      const safety = [1, 1.2, 1.5][round % 3]!
      const detector = localRegression(safety)
      const linear = detector.linear!
      // Host histories as sums of a few VM shares, some near the threshold (scaled to it).
      const level = round % 4 === 0 ? 1 / safety : next() * 1.2
      const history = Array.from({ length: 10 }, () => level * (0.7 + 0.6 * next()))
      const l = load(0, history)
      l.maxMigrationSec = [9.808, 27.84, 450][round % 3]!
      let sum = 0
      let centered = 0
      history.forEach((h, i) => {
        sum += h
        centered += linear.centered[i]! * h
      })
      const predicted = linear.predict(sum, centered, Math.ceil(l.maxMigrationSec / l.intervalSec))
      if (Math.abs(predicted - 1) < forecastMargin) continue
      decided++
      expect(detector.isOverloaded(l)).toBe(predicted >= 1)
    }
    expect(decided).toBeGreaterThan(19000)
  })
})

describe("statistics as commons-math computes them", () => {
  it("legacy median averages the middle pair", () => {
    const scratch = new Float64Array(8)
    expect(legacyMedian(Float64Array.of(3, 1, 2), 3, scratch)).toBe(2)
    expect(legacyMedian(Float64Array.of(4, 1, 3, 2), 4, scratch)).toBe(2.5)
  })

  it("simple regression recovers a line", () => {
    const out = new Float64Array(2)
    simpleRegression(Float64Array.of(1, 2, 3, 4), Float64Array.of(3, 5, 7, 9), 4, out)
    expect(out[0]).toBeCloseTo(1, 12)
    expect(out[1]).toBeCloseTo(2, 12)
  })

  it("trailing zeros of a host history are cut, leaving at least one value", () => {
    expect(trimmedLength(Float64Array.of(0.5, 0, 0), 3)).toBe(1)
    expect(trimmedLength(Float64Array.of(0, 0, 0), 3)).toBe(1)
    expect(trimmedLength(Float64Array.of(0, 0.3, 0), 3)).toBe(2)
    expect(trimmedLength(Float64Array.of(0.1, 0.2), 2)).toBe(2)
  })
  it("IQR and MAD give the sorted computation's verdict at and around their range shortcut", () => {
    let state = 424242
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return state / 2 ** 32
    }
    const scratch = new Float64Array(40)
    const iqr = interQuartileRange(1.5)
    const mad = medianAbsoluteDeviation(2.5)
    for (let round = 0; round < 3000; round++) {
      const n = 12 + (round % 19)
      // Even rounds: coarse values with many ties; odd rounds: spread values; every fifth: two clusters
      // far apart (the MAD near half the range).
      const history = Array.from({ length: n }, (_, i) =>
        round % 5 === 4
          ? (i % 2 === 0 ? 0.1 : 0.7) + next() * 1e-3
          : round % 2 === 0
            ? Math.round(next() * 20) / 20
            : next() * 0.6
      )
      const sorted = Float64Array.from(history).sort()
      const q1 = Math.floor(0.25 * (n + 1) + 0.5) - 1
      const q3 = Math.floor(0.75 * (n + 1) + 0.5) - 1
      const iqrThreshold = 1 - 1.5 * (sorted[q3]! - sorted[q1]!)
      const median = legacyMedian(Float64Array.from(history), n, scratch)
      const madValue = legacyMedian(
        Float64Array.from(history, (h) => Math.abs(median - h)),
        n,
        scratch
      )
      const madThreshold = 1 - 2.5 * madValue
      const range = sorted[n - 1]! - sorted[0]!
      // Utilisations at both thresholds, at the range bounds and at random.
      for (const u of [
        iqrThreshold,
        madThreshold,
        1 - 1.5 * range,
        1 - 2.5 * range,
        1 - 2.5 * (range / 2),
        next(),
        next() * 1.2
      ]) {
        const l = load(0, history)
        l.requestedMips = u * 1000
        const utilization = l.requestedMips / l.totalMips
        expect(iqr.isOverloaded(l)).toBe(utilization > iqrThreshold)
        expect(mad.isOverloaded(l)).toBe(utilization > madThreshold)
      }
    }
  })
})
