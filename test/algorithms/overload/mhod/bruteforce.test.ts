import { describe, expect, it } from "vitest"
import { floatRange, optimize, solve2 } from "../../../../src/algorithms/overload/mhod/bruteforce.js"
import { twoStateLs } from "../../../../src/algorithms/overload/mhod/lFunctions.js"
import { type Constraint, lessOrEqual, type Objective } from "../../../../src/algorithms/overload/mhod/nlp.js"

const round1 = (values: ReadonlyArray<number>) => values.map((value) => Math.round(value * 10) / 10)
const le = (value: Objective, bound: number): Constraint => ({ value, compare: lessOrEqual, bound })

describe("floatRange", () => {
  it("accumulates the step like Neat's frange", () => {
    expect(floatRange(0, 1, 0.5)).toEqual([0, 0.5, 1])
    const tenths = floatRange(0, 1, 0.1)
    expect(tenths.length).toBe(11)
    expect(tenths[10]).toBe(0.9999999999999999)
  })

  it("refuses a step that would never end", () => {
    expect(() => floatRange(0, 1, 0)).toThrow(/step/)
  })
})

// Neat's tests/locals/overload/mhod/test_bruteforce.py
describe("solve2", () => {
  const grid = floatRange(0, 1, 0.1)
  const sum: Objective = (x, y) => x + y
  const weighted: Objective = (x, y) => 2 * x + y
  const difference: Objective = (x, y) => x - y
  // Python raises ZeroDivisionError at y = 0 and the solver skips the point.
  const ratio: Objective = (x, y) => (y === 0 ? Number.NaN : x / y)

  it("maximises the objective within the constraint", () => {
    expect(round1(solve2(sum, le(sum, 10), grid))).toEqual([1, 1])
    expect(round1(solve2(sum, le(sum, 0.5), grid))).toEqual([0, 0.5])
    expect(round1(solve2(weighted, le(sum, 0.5), grid))).toEqual([0.5, 0])
    expect(round1(solve2(difference, le(difference, 10), grid))).toEqual([1, 0])
    expect(round1(solve2(ratio, le(ratio, 10), grid))).toEqual([1, 0.1])
  })

  it("returns no solution when no point has a positive objective", () => {
    expect(solve2(() => 0, le(sum, 10), grid)).toEqual([])
  })
})

describe("optimize", () => {
  const p = [
    [0.8, 0.2],
    [0.1666666666666667, 0.03333333333333333]
  ]
  it("finds migration probabilities when the OTF can still be met", () => {
    // Neat's real-data test, step 43: policy [0, 0] (do not migrate).
    expect(optimize(0.5, 1, 0.2, 20 / 300, twoStateLs, p, [0, 1], 43, 7)).toEqual([0, 0])
  })

  it("finds none when the OTF is already exceeded", () => {
    // Neat's real-data test, step 44: policy [] (migrate).
    const p44 = [
      [0.8, 0.2],
      [0.1666666666666667, 0.06666666666666667]
    ]
    expect(optimize(0.5, 1, 0.2, 20 / 300, twoStateLs, p44, [0, 1], 44, 8)).toEqual([])
  })
})
