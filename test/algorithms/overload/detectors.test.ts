import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isOverloadedByIqr } from "../../../src/algorithms/overload/iqr_threshold.js"
import { isOverloadedByLastNAverage } from "../../../src/algorithms/overload/last_n_average_threshold.js"
import { isOverloadedByLoess, isOverloadedByLoessRobust, loess } from "../../../src/algorithms/overload/loess.js"
import { isOverloadedByMad } from "../../../src/algorithms/overload/mad_threshold.js"
import { neverOverloaded } from "../../../src/algorithms/overload/never_overloaded.js"
import { isOverloadedByThreshold } from "../../../src/algorithms/overload/threshold.js"

const utilizationArb = fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { maxLength: 40 })
const thresholdPairArb = fc
  .tuple(fc.double({ min: 0, max: 1.5, noNaN: true }), fc.double({ min: 0, max: 1.5, noNaN: true }))
  .map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const)))

describe("overload detectors", () => {
  it("threshold: raising the threshold never turns a non-overload into an overload", () => {
    fc.assert(
      fc.property(thresholdPairArb, utilizationArb, ([lower, higher], utilization) => {
        if (!isOverloadedByThreshold(lower, utilization))
          expect(isOverloadedByThreshold(higher, utilization)).toBe(false)
      })
    )
  })

  it("last_n_average_threshold: raising the threshold never turns a non-overload into an overload", () => {
    fc.assert(
      fc.property(
        thresholdPairArb,
        fc.integer({ min: 1, max: 10 }),
        utilizationArb,
        ([lower, higher], n, utilization) => {
          if (!isOverloadedByLastNAverage(lower, n, utilization)) {
            expect(isOverloadedByLastNAverage(higher, n, utilization)).toBe(false)
          }
        }
      )
    )
  })

  it("mad and iqr: a larger safety parameter lowers the threshold, so an overload stays one", () => {
    fc.assert(
      fc.property(thresholdPairArb, fc.integer({ min: 0, max: 10 }), utilizationArb, ([lower, higher], limit, u) => {
        if (isOverloadedByMad(lower, limit, u)) expect(isOverloadedByMad(higher, limit, u)).toBe(true)
        if (isOverloadedByIqr(lower, limit, u)) expect(isOverloadedByIqr(higher, limit, u)).toBe(true)
      })
    )
  })

  it("mad and iqr: raising the minimum history length never turns a non-overload into an overload", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        utilizationArb,
        (safety, a, b, u) => {
          const [lower, higher] = a <= b ? [a, b] : [b, a]
          if (!isOverloadedByMad(safety, lower, u)) expect(isOverloadedByMad(safety, higher, u)).toBe(false)
          if (!isOverloadedByIqr(safety, lower, u)) expect(isOverloadedByIqr(safety, higher, u)).toBe(false)
        }
      )
    )
  })

  it("loess: raising the threshold never turns a non-overload into an overload", () => {
    fc.assert(
      fc.property(
        thresholdPairArb,
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        fc.integer({ min: 3, max: 12 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        utilizationArb,
        ([lower, higher], param, length, steps, u) => {
          for (const decide of [isOverloadedByLoess, isOverloadedByLoessRobust]) {
            if (!decide({ threshold: lower, param, length }, steps, u)) {
              expect(decide({ threshold: higher, param, length }, steps, u)).toBe(false)
            }
          }
        }
      )
    )
  })

  it("loess: a history shorter than `length` is never an overload", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), utilizationArb, (length, u) => {
        const short = u.slice(0, length - 1)
        expect(isOverloadedByLoess({ threshold: 0, param: 1, length }, 1, short)).toBe(false)
        expect(isOverloadedByLoessRobust({ threshold: 0, param: 1, length }, 1, short)).toBe(false)
      })
    )
  })

  it("loess normalises the migration time by the time step", () => {
    const rising = [0.5, 0.6, 0.7, 0.8]
    const params = { threshold: 1, param: 1, length: 4 }
    // The line predicts 0.5 + 0.1 (x - 1): x = 4 + 3 steps gives 1.1, x = 4 + 1 step 0.9.
    expect(loess(params, { timeStepSec: 300, migrationTimeSec: 900 }).decide(rising, {})[0]).toBe(true)
    expect(loess(params, { timeStepSec: 300, migrationTimeSec: 300 }).decide(rising, {})[0]).toBe(false)
  })

  it("never_overloaded never reports an overload", () => {
    fc.assert(
      fc.property(utilizationArb, (u) => {
        expect(neverOverloaded({}).decide(u, {})[0]).toBe(false)
      })
    )
  })
})
