import { describe, expect, it } from "vitest"
import {
  iqr,
  loessEstimates,
  loessRobustEstimates,
  mad,
  median,
  roundHalfEven,
  tricubeBisquareWeights,
  tricubeWeights
} from "../../../src/algorithms/overload/statistics.js"

// Expected values from Neat's tests/locals/overload/test_statistics.py.
const data = [2, 4, 7, -20, 22, -1, 0, -1, 7, 15, 8, 4, -4, 11, 11, 12, 3, 12, 18, 1]

const expectClose = (actual: ArrayLike<number>, expected: ReadonlyArray<number>, digits: number) => {
  expect(actual.length).toBe(expected.length)
  expected.forEach((value, i) => {
    expect(actual[i]).toBeCloseTo(value, digits)
  })
}

describe("statistics", () => {
  it("takes numpy's median", () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })

  it("computes the median absolute deviation", () => {
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1)
  })

  it("computes the interquartile range at Neat's indices", () => {
    expect(iqr([105, 109, 107, 112, 102, 118, 115, 104, 110, 116, 108])).toBe(10)
    expect(iqr(data)).toBe(12)
    // n = 2: indices round(0.75) - 1 = 0 and round(2.25) - 1 = 1.
    expect(iqr([0.2, 0.5])).toBeCloseTo(0.3, 12)
    expect(iqr([0.4])).toBe(0)
  })

  it("rounds halves to even as Python 3 does", () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3])
  })

  it("estimates the Loess line", () => {
    const estimates = loessEstimates(data)
    expect(estimates.intercept).toBeCloseTo(2.2639, 3)
    expect(estimates.slope).toBeCloseTo(0.3724, 3)
  })

  it("estimates the robust Loess line", () => {
    const estimates = loessRobustEstimates(data)
    expect(estimates.intercept).toBeCloseTo(2.4547, 3)
    expect(estimates.slope).toBeCloseTo(0.3901, 3)
  })

  it("keeps the plain line when a flat window leaves no residual spread", () => {
    for (const level of [0, 0.3, 1]) {
      const flat = Array.from({ length: 8 }, () => level)
      const robust = loessRobustEstimates(flat)
      const plain = loessEstimates(flat)
      expect(robust.intercept).toBeCloseTo(plain.intercept, 12)
      expect(robust.slope).toBeCloseTo(plain.slope, 12)
      expect(robust.intercept).toBeCloseTo(level, 12)
      expect(robust.slope).toBeCloseTo(0, 12)
    }
  })

  it("fits a window of a longer history like the window alone", () => {
    const history = [0.1, 0.9, ...data]
    expect(loessEstimates(history, 2, data.length)).toEqual(loessEstimates(data))
    expect(loessRobustEstimates(history, 2, data.length)).toEqual(loessRobustEstimates(data))
  })

  it("generates tricube weights", () => {
    expectClose(tricubeWeights(5), [0.669, 0.669, 0.669, 0.953, 1.0], 2)
    expectClose(tricubeWeights(10), [0.148, 0.148, 0.148, 0.348, 0.568, 0.759, 0.892, 0.967, 0.995, 1.0], 2)
  })

  it("generates tricube bisquare weights", () => {
    expectClose(tricubeBisquareWeights([1, 1, 2, 2, 4, 6, 9]), [0.329, 0.329, 0.329, 0.633, 0.705, 0.554, 0.191], 2)
  })
})
