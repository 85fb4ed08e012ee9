import { describe, expect, it } from "vitest"
import {
  buildStateVector,
  currentState,
  utilizationToState,
  utilizationToStates
} from "../../../../src/algorithms/overload/mhod/states.js"

// Neat's tests/locals/overload/mhod/test_core.py
describe("utilizationToState", () => {
  it("splits utilisation at the thresholds of a three-state configuration", () => {
    const config = [0.4, 0.7]
    const cases: ReadonlyArray<readonly [number, number]> = [
      [0.0, 0],
      [0.1, 0],
      [0.2, 0],
      [0.3, 0],
      [0.4, 1],
      [0.5, 1],
      [0.6, 1],
      [0.7, 2],
      [0.8, 2],
      [0.9, 2],
      [1.0, 2],
      [1.1, 2]
    ]
    for (const [utilization, state] of cases) expect(utilizationToState(config, utilization)).toBe(state)
  })

  it("splits utilisation at 100% for a two-state configuration", () => {
    for (const utilization of [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
      expect(utilizationToState([1.0], utilization)).toBe(0)
    expect(utilizationToState([1.0], 1.0)).toBe(1)
    expect(utilizationToState([1.0], 1.1)).toBe(1)
  })

  it("compares with the previous state's index, as Neat does", () => {
    // State 2 also requires utilisation ≥ 1 (the index of state 1), so 0.7 falls through to state 3.
    expect(utilizationToState([0.3, 0.6, 0.9], 0.7)).toBe(3)
    expect(utilizationToState([0.3, 0.6, 0.9], 0.5)).toBe(1)
  })
})

describe("buildStateVector", () => {
  it("is one-hot on the state of the latest value", () => {
    const config = [0.4, 0.7]
    const cases: ReadonlyArray<readonly [number, ReadonlyArray<number>]> = [
      [0.1, [1, 0, 0]],
      [0.2, [1, 0, 0]],
      [0.3, [1, 0, 0]],
      [0.4, [0, 1, 0]],
      [0.5, [0, 1, 0]],
      [0.6, [0, 1, 0]],
      [0.7, [0, 0, 1]],
      [0.8, [0, 0, 1]],
      [0.9, [0, 0, 1]],
      [1.0, [0, 0, 1]]
    ]
    for (const [last, vector] of cases) expect(buildStateVector(config, [0.0, last])).toEqual(vector)
  })

  it("refuses an empty history", () => {
    expect(() => buildStateVector([0.8], [])).toThrow(/empty/)
  })
})

describe("currentState", () => {
  it("is the index of the one", () => {
    expect(currentState([1, 0, 0])).toBe(0)
    expect(currentState([0, 1, 0])).toBe(1)
    expect(currentState([0, 0, 1])).toBe(2)
  })
})

describe("utilizationToStates", () => {
  it("maps a history", () => {
    const data = [
      0.25, 0.3, 0.62, 0.59, 0.67, 0.73, 0.85, 0.97, 0.73, 0.68, 0.69, 0.52, 0.51, 0.25, 0.38, 0.46, 0.52, 0.55, 0.58,
      0.65, 0.7
    ]
    const states = [0, 0, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 2]
    expect(utilizationToStates([0.4, 0.7], data)).toEqual(states)
    expect(utilizationToStates([1.0], [0.5, 0.5, 1.0, 1.0, 0.5])).toEqual([0, 0, 1, 1, 0])
  })
})
