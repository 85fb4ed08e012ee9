import { describe, expect, it } from "vitest"
import {
  acceptableVariance,
  estimateProbability,
  mean,
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
