import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { estimateProbability, variance } from "../../../../src/algorithms/overload/mhod/estimation.js"
import { SlidingWindowEstimator } from "../../../../src/algorithms/overload/mhod/slidingWindowEstimator.js"

// Neat's test_update_request_windows and test_update_estimate_windows, replayed as transitions.
describe("SlidingWindowEstimator", () => {
  it("keeps the states reached from each state, up to the largest window (test_update_request_windows)", () => {
    const estimator = new SlidingWindowEstimator(3, [2, 4])
    for (const to of [0, 0, 1, 2, 2]) estimator.observe(0, to)
    estimator.observe(1, 1)
    expect(estimator.requestWindow(0)).toEqual([0, 1, 2, 2])
    expect(estimator.requestWindow(1)).toEqual([1])
    expect(estimator.requestWindow(2)).toEqual([])
  })

  it("estimates each transition in every window (test_update_estimate_windows)", () => {
    // Neat: request window [1, 0, 0, 0] out of state 0 → estimates 1.0 (w=2) and 0.75 (w=4) for
    // 0 → 0, 0.0 and 0.25 for 0 → 1.
    const two = new SlidingWindowEstimator(2, [2, 4])
    for (const to of [1, 0, 0, 0]) two.observe(0, to)
    expect(two.latestEstimate(0, 0, 2)).toBe(1)
    expect(two.latestEstimate(0, 0, 4)).toBe(0.75)
    expect(two.latestEstimate(0, 1, 2)).toBe(0)
    expect(two.latestEstimate(0, 1, 4)).toBe(0.25)
    expect(two.latestEstimate(1, 0, 2)).toBeUndefined()
    // [1, 0, 1, 0] out of state 1 → 0.5 everywhere.
    for (const to of [1, 0, 1, 0]) two.observe(1, to)
    for (const to of [0, 1]) for (const size of [2, 4]) expect(two.latestEstimate(1, to, size)).toBe(0.5)

    // Three states: [1, 0, 2, 0] out of 0, [2, 2, 1, 0] out of 2.
    const three = new SlidingWindowEstimator(3, [2, 4])
    for (const to of [1, 0, 2, 0]) three.observe(0, to)
    for (const to of [2, 2, 1, 0]) three.observe(2, to)
    expect([0, 1, 2].map((to) => [three.latestEstimate(0, to, 2), three.latestEstimate(0, to, 4)])).toEqual([
      [0.5, 0.5],
      [0, 0.25],
      [0.5, 0.25]
    ])
    expect([0, 1, 2].map((to) => [three.latestEstimate(2, to, 2), three.latestEstimate(2, to, 4)])).toEqual([
      [0.5, 0.25],
      [0.5, 0.25],
      [0, 0.5]
    ])
    // Estimates divide by the window size even before it is full.
    expect(three.estimateWindow(0, 1, 4)).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(three.estimateWindow(0, 0, 4)).toEqual([0, 0.25, 0.25, 0.5])
    expect(three.estimateWindow(0, 2, 2)).toEqual([0.5, 0.5])
  })

  it("reports variance 1 until a window is full and for rows never left", () => {
    const estimator = new SlidingWindowEstimator(2, [2, 4])
    expect(estimator.varianceAt(0, 0, 2)).toBe(1)
    expect(estimator.acceptableVarianceAt(0, 0, 2)).toBe(1)
    estimator.observe(0, 1)
    expect(estimator.varianceAt(0, 1, 2)).toBe(1)
    estimator.observe(0, 1)
    // Estimates of 0 → 1 in window 2: [0.5, 1] → variance 0.125; acceptable 1·0/2 = 0.
    expect(estimator.varianceAt(0, 1, 2)).toBe(0.125)
    expect(estimator.acceptableVarianceAt(0, 1, 2)).toBe(0)
    expect(estimator.varianceAt(0, 1, 4)).toBe(1)
    expect(estimator.varianceAt(1, 1, 2)).toBe(1)
  })

  it("starts over after reset", () => {
    const estimator = new SlidingWindowEstimator(2, [2, 4])
    estimator.observeHistory([1, 1, 0, 1])
    estimator.reset()
    expect(estimator.requestWindow(0)).toEqual([])
    expect(estimator.estimate().p).toEqual([
      [0, 0],
      [0, 0]
    ])
  })

  it("refuses window sizes Neat cannot use", () => {
    expect(() => new SlidingWindowEstimator(2, [])).toThrow(/empty/)
    expect(() => new SlidingWindowEstimator(2, [1, 4])).toThrow(/≥ 2/)
  })
})

describe("SlidingWindowEstimator against Neat's definitions", () => {
  it("matches the plain per-window formulas after every transition, also once the rings wrap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.uniqueArray(fc.integer({ min: 2, max: 12 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 120 }),
        (states, windowSizes, raw) => {
          const estimator = new SlidingWindowEstimator(states, windowSizes)
          const history = raw.map((value) => value % states)
          const reached: Array<Array<number>> = Array.from({ length: states }, () => [])
          const estimates = new Map<string, Array<number>>()
          let previous = 0
          for (const current of history) {
            estimator.observe(previous, current)
            reached[previous]!.push(current)
            for (let to = 0; to < states; to++)
              for (const size of windowSizes) {
                const expected = estimateProbability(reached[previous]!.slice(-size), size, to)
                expect(estimator.latestEstimate(previous, to, size)).toBe(expected)
                const key = `${previous} ${to} ${size}`
                estimates.set(key, [...(estimates.get(key) ?? []), expected].slice(-size))
              }
            previous = current
          }
          const longest = Math.max(...windowSizes)
          for (let from = 0; from < states; from++) {
            expect(estimator.requestWindow(from)).toEqual(reached[from]!.slice(-longest))
            for (let to = 0; to < states; to++)
              for (const size of windowSizes) {
                const window = estimates.get(`${from} ${to} ${size}`) ?? []
                expect(estimator.estimateWindow(from, to, size)).toEqual(window)
                const expectedVariance =
                  reached[from]!.length === 0 || window.length < size ? 1 : variance(window, size)
                expect(estimator.varianceAt(from, to, size)).toBe(expectedVariance)
              }
          }
        }
      ),
      { numRuns: 80 }
    )
  })
})
