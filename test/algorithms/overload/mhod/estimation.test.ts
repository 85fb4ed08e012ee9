import { describe, expect, it } from "vitest"
import {
  acceptableVariance,
  estimateProbability,
  mean,
  SlidingWindowEstimator,
  selectBestEstimates,
  selectWindow,
  variance
} from "../../../../src/algorithms/overload/mhod/estimation.js"

// Neat's tests/locals/overload/mhod/test_multisize_estimation.py. Neat's window structures are
// nested lists of dicts keyed by window size; here they are lookups (from, to, size) → value.
type Nested = ReadonlyArray<ReadonlyArray<Readonly<Record<number, number>>>>
const lookup = (nested: Nested) => (i: number, j: number, size: number) => nested[i]![j]![size]!

describe("mean and variance over a window", () => {
  it("mean divides by the window size", () => {
    expect(mean([], 100)).toBe(0)
    expect(mean([0], 100)).toBe(0)
    expect(mean([0, 0], 100)).toBe(0)
    expect(mean([1, 1], 100)).toBe(0.02)
    expect(mean([0, 1], 100)).toBe(0.01)
    expect(mean([1, 2, 3, 4, 5], 100)).toBe(0.15)
  })

  it("variance divides by the window size minus one", () => {
    expect(variance([], 100)).toBe(0)
    expect(variance([0], 100)).toBe(0)
    expect(variance([0, 0], 100)).toBe(0)
    expect(variance([1, 1], 100)).toBeCloseTo(0.0194020202, 7)
    expect(variance([0, 1], 100)).toBeCloseTo(0.0099010101, 7)
    expect(variance([1, 2, 3, 4, 5], 100)).toBeCloseTo(0.511237373, 7)
    expect(variance([0, 0, 0, 1], 100)).toBeCloseTo(0.0099030303, 7)
  })

  it("variance of full estimate windows (test_update_variances)", () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<number>, number, number]> = [
      [[0, 0.5], 2, 0.125],
      [[1, 0, 0, 0], 4, 0.25],
      [[1.0, 0.5], 2, 0.125],
      [[0, 1, 1, 1], 4, 0.25],
      [[0.5, 0.25], 2, 0.03125],
      [[0.25, 0.25, 0.5, 0.5], 4, 0.020833333333333332],
      [[0, 0], 2, 0],
      [[0, 0, 1, 1], 4, 0.3333333333333333],
      [[0.25, 0.05, 0.5, 0.25], 4, 0.03395833333333333],
      [[0.4, 0.55, 0.25, 0.5], 4, 0.0175],
      [[0.25, 0.25], 2, 0],
      [[0.35, 0.4, 0.25, 0.25], 4, 0.005625000000000001],
      [[1, 0], 2, 0.5],
      [[1, 0, 1, 0], 4, 0.3333333333333333],
      [[0, 0, 0, 1], 4, 0.25]
    ]
    for (const [data, size, expected] of cases) expect(variance(data, size)).toBe(expected)
  })
})

describe("acceptableVariance", () => {
  it("is p(1-p)/w", () => {
    expect(acceptableVariance(0.2, 5)).toBeCloseTo(0.032, 3)
    expect(acceptableVariance(0.6, 15)).toBeCloseTo(0.016, 3)
  })

  it("of the latest estimates (test_update_acceptable_variances)", () => {
    const cases: ReadonlyArray<readonly [number, number, number]> = [
      [0.5, 2, 0.125],
      [0, 4, 0],
      [0.25, 2, 0.09375],
      [0.5, 4, 0.0625],
      [0.75, 2, 0.09375],
      [0.25, 4, 0.046875]
    ]
    for (const [probability, size, expected] of cases) expect(acceptableVariance(probability, size)).toBe(expected)
  })
})

describe("estimateProbability", () => {
  it("is the share of a state over the window size", () => {
    expect(estimateProbability([0, 0, 1, 1, 0, 0, 0, 0, 0, 0], 100, 0)).toBe(0.08)
    expect(estimateProbability([0, 0, 1, 1, 0, 0, 0, 0, 0, 0], 100, 1)).toBe(0.02)
    expect(estimateProbability([1, 1, 0, 0, 1, 1, 1, 1, 1, 1], 200, 0)).toBe(0.01)
    expect(estimateProbability([1, 1, 0, 0, 1, 1, 1, 1, 1, 1], 200, 1)).toBe(0.04)
  })
})

describe("selectWindow", () => {
  it("keeps the last size before the variance exceeds the acceptable one", () => {
    const sizes = [2, 4]
    expect(
      selectWindow(
        2,
        sizes,
        lookup([
          [
            { 2: 0.2, 4: 0.9 },
            { 2: 0.2, 4: 0.6 }
          ],
          [
            { 2: 0.2, 4: 0 },
            { 2: 0.2, 4: 0.8 }
          ]
        ]),
        lookup([
          [
            { 2: 0.1, 4: 0.5 },
            { 2: 0.4, 4: 0.5 }
          ],
          [
            { 2: 0.4, 4: 0.5 },
            { 2: 0.1, 4: 0.5 }
          ]
        ])
      )
    ).toEqual([
      [2, 2],
      [4, 2]
    ])
    expect(
      selectWindow(
        2,
        sizes,
        lookup([
          [
            { 2: 0, 4: 0.9 },
            { 2: 0, 4: 0 }
          ],
          [
            { 2: 0, 4: 0 },
            { 2: 0, 4: 0.8 }
          ]
        ]),
        lookup([
          [
            { 2: 0.5, 4: 0.5 },
            { 2: 0.6, 4: 0.5 }
          ],
          [
            { 2: 0.7, 4: 0.5 },
            { 2: 0.4, 4: 0.5 }
          ]
        ])
      )
    ).toEqual([
      [2, 4],
      [4, 2]
    ])
    expect(
      selectWindow(
        3,
        sizes,
        lookup([
          [
            { 2: 0, 4: 0.9 },
            { 2: 0, 4: 0 },
            { 2: 0, 4: 1.0 }
          ],
          [
            { 2: 0, 4: 0 },
            { 2: 0, 4: 0.8 },
            { 2: 0, 4: 0 }
          ],
          [
            { 2: 0, 4: 0 },
            { 2: 0, 4: 0.8 },
            { 2: 0.5, 4: 0 }
          ]
        ]),
        lookup([
          [
            { 2: 0.5, 4: 0.9 },
            { 2: 0.6, 4: 0.9 },
            { 2: 0.6, 4: 0.9 }
          ],
          [
            { 2: 0.7, 4: 0.9 },
            { 2: 0.4, 4: 0.9 },
            { 2: 0.4, 4: 0.9 }
          ],
          [
            { 2: 0.7, 4: 0.9 },
            { 2: 0.4, 4: 0.5 },
            { 2: 0.4, 4: 0.9 }
          ]
        ])
      )
    ).toEqual([
      [4, 4, 2],
      [4, 4, 4],
      [4, 2, 2]
    ])
  })
})

describe("selectBestEstimates", () => {
  // The latest estimate of each (i, j, size) of Neat's fixture.
  const latest: Nested = [
    [
      { 2: 0, 4: 0 },
      { 2: 1, 4: 1 },
      { 2: 0, 4: 0 }
    ],
    [
      { 2: 0.25, 4: 0.25 },
      { 2: 0.5, 4: 0.6 },
      { 2: 0.25, 4: 0.15 }
    ],
    [
      { 2: 0, 4: 0 },
      { 2: 1, 4: 0.2 },
      { 2: 0, 4: 0 }
    ]
  ]
  it("takes the latest estimate in each selected window", () => {
    expect(
      selectBestEstimates(
        [
          [2, 4, 2],
          [2, 2, 4],
          [4, 2, 2]
        ],
        lookup(latest)
      )
    ).toEqual([
      [0, 1, 0],
      [0.25, 0.5, 0.15],
      [0, 1, 0]
    ])
    expect(
      selectBestEstimates(
        [
          [4, 4, 4],
          [2, 2, 2],
          [2, 4, 2]
        ],
        lookup(latest)
      )
    ).toEqual([
      [0, 1, 0],
      [0.25, 0.5, 0.25],
      [0, 0.2, 0]
    ])
  })

  it("is 0 for empty windows", () => {
    const empty = () => undefined
    expect(
      selectBestEstimates(
        [
          [2, 4],
          [4, 2]
        ],
        empty
      )
    ).toEqual([
      [0, 0],
      [0, 0]
    ])
  })
})

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
