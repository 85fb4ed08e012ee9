import { describe, expect, it } from "vitest"
import { l0, l1, twoStateLs } from "../../../../src/algorithms/overload/mhod/lFunctions.js"

// Neat's tests/locals/overload/mhod/test_l_2_states.py
const p = [
  [0.4, 0.6],
  [0.9, 0.1]
]
const initial = [1, 0]

describe("two-state L functions", () => {
  it("L0 matches Neat", () => {
    expect(l0(initial, p, 0.2, 0.8)).toBeCloseTo(1.69, 3)
    expect(l0(initial, p, 0.62, 0.38)).toBeCloseTo(1.404, 3)
  })

  it("L1 matches Neat", () => {
    expect(l1(initial, p, 0.2, 0.8)).toBeCloseTo(0.828, 3)
    expect(l1(initial, p, 0.62, 0.38)).toBeCloseTo(0.341, 3)
  })

  it("is undefined (NaN) where Neat divides by zero", () => {
    // p = identity, m = 0: the chain never leaves its state and never migrates.
    const identity = [
      [1, 0],
      [0, 1]
    ]
    expect(l0([0, 1], identity, 0, 0)).toBeNaN()
    expect(l1([0, 1], identity, 0, 0)).toBeNaN()
  })

  it("lists L0 then L1 (the overloaded state last)", () => {
    expect(twoStateLs).toEqual([l0, l1])
  })
})
