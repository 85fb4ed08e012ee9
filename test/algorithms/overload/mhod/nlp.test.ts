import { describe, expect, it } from "vitest"
import type { LFunction } from "../../../../src/algorithms/overload/mhod/lFunctions.js"
import { buildConstraint, buildObjective, lessOrEqual } from "../../../../src/algorithms/overload/mhod/nlp.js"

// Neat's tests/locals/overload/mhod/test_nlp.py, with recording stubs in place of mocks.
const stateVector = [1, 0]
const p = [
  [-0.1, 0.1],
  [0.3, -0.3]
]

const recorder = (value: number) => {
  const calls: Array<ReadonlyArray<unknown>> = []
  const l: LFunction = (initial, matrix, m0, m1) => {
    calls.push([initial, matrix, m0, m1])
    return value
  }
  return { l, calls }
}

describe("buildObjective", () => {
  it("sums the L functions at (m0, m1)", () => {
    const a = recorder(2)
    const b = recorder(3)
    const objective = buildObjective([a.l, b.l], stateVector, p)
    expect(objective(0.25, 0.75)).toBe(5)
    expect(a.calls).toEqual([[stateVector, p, 0.25, 0.75]])
    expect(b.calls).toEqual([[stateVector, p, 0.25, 0.75]])
  })
})

describe("buildConstraint", () => {
  it("is (migration + L_N) / (migration + ΣL) ≤ otf with no time spent yet", () => {
    const a = recorder(2)
    const b = recorder(3)
    const migrationTime = 20
    const constraint = buildConstraint(0.05, migrationTime, [a.l, b.l], stateVector, p, 0, 0)
    expect(constraint.compare).toBe(lessOrEqual)
    expect(constraint.bound).toBe(0.05)
    expect(constraint.value(0.5, 0.5)).toBe((migrationTime + 3) / (migrationTime + 5))
    expect(a.calls.length).toBe(1)
    expect(b.calls.length).toBe(2)
  })

  it("adds the time already spent, in state N and in all states", () => {
    const constraint = buildConstraint(0.3, 1.5, [recorder(2).l, recorder(3).l], stateVector, p, 10, 4)
    expect(constraint.value(0, 0)).toBe((1.5 + 4 + 3) / (1.5 + 10 + 5))
  })

  it("is undefined (NaN) when the denominator is zero", () => {
    const constraint = buildConstraint(0.3, 0, [recorder(0).l, recorder(0).l], stateVector, p, 0, 0)
    expect(constraint.value(0, 0)).toBeNaN()
  })
})
