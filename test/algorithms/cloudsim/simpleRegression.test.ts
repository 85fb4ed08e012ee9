import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  preparedRegression,
  prepareRegression,
  simpleRegression
} from "../../../src/algorithms/cloudsim/stats/simpleRegression.js"

describe("a regression prepared for one x", () => {
  it("gives simpleRegression's doubles for any y", () => {
    const x = Float64Array.from({ length: 10 }, (_, i) => i + 1)
    const prepared = prepareRegression(x, 10)
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 10, maxLength: 10 }), (values) => {
        const y = Float64Array.from(values)
        const expected = new Float64Array(2)
        const actual = new Float64Array(2)
        simpleRegression(x, y, 10, expected)
        preparedRegression(prepared, y, actual)
        expect(actual[0]).toBe(expected[0])
        expect(actual[1]).toBe(expected[1])
      }),
      { numRuns: 1000 }
    )
  })

  it("has no slope for a single point or a constant x", () => {
    const out = new Float64Array(2)
    preparedRegression(prepareRegression(Float64Array.of(3), 1), Float64Array.of(0.5), out)
    expect(out[1]).toBeNaN()
    preparedRegression(prepareRegression(Float64Array.of(2, 2, 2), 3), Float64Array.of(0.1, 0.2, 0.3), out)
    expect(out[1]).toBeNaN()
  })
})
