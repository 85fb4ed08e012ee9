import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { alwaysUnderloaded } from "../../../src/algorithms/underload/always_underloaded.js"
import { isUnderloadedByLastNAverage } from "../../../src/algorithms/underload/last_n_average_threshold.js"
import { isUnderloadedByThreshold } from "../../../src/algorithms/underload/threshold.js"

const utilizationArb = fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { maxLength: 40 })
const thresholdPairArb = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const)))

describe("underload detectors", () => {
  it("threshold: raising the threshold never turns an underload into a non-underload", () => {
    fc.assert(
      fc.property(thresholdPairArb, utilizationArb, ([lower, higher], utilization) => {
        if (isUnderloadedByThreshold(lower, utilization))
          expect(isUnderloadedByThreshold(higher, utilization)).toBe(true)
      })
    )
  })

  it("last_n_average_threshold: raising the threshold never turns an underload into a non-underload", () => {
    fc.assert(
      fc.property(thresholdPairArb, fc.integer({ min: 1, max: 10 }), utilizationArb, ([lower, higher], n, u) => {
        if (isUnderloadedByLastNAverage(lower, n, u)) expect(isUnderloadedByLastNAverage(higher, n, u)).toBe(true)
      })
    )
  })

  it("last_n_average_threshold with n = 1 decides as threshold does", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), utilizationArb, (threshold, u) => {
        expect(isUnderloadedByLastNAverage(threshold, 1, u)).toBe(isUnderloadedByThreshold(threshold, u))
      })
    )
  })

  it("an empty history is never underloaded, except by always_underloaded", () => {
    expect(isUnderloadedByThreshold(1, [])).toBe(false)
    expect(isUnderloadedByLastNAverage(1, 3, [])).toBe(false)
    expect(alwaysUnderloaded({}).decide([], {})[0]).toBe(true)
  })
})
