import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { utilizationAt, utilizationsAt } from "../../../src/adapters/sim/TraceUtilization.js"

const trace: Trace = {
  names: ["a", "b", "c", "d"],
  intervalSec: 300,
  samples: 5,
  cpu: Float64Array.of(0.1, 0.37, 0, 0, 0.93, 0.5, 0.5, 0.02, 1, 0.33, 0, 0, 0, 0, 0, 0.71, 0.13, 0.99, 0.4, 0.6)
}

describe("utilizations of all VMs at one instant", () => {
  it("are utilizationAt's doubles for the live VMs, at and between samples and past the end", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 2000, noNaN: true }),
          fc.integer({ min: 0, max: 6 }).map((k) => k * 300),
          fc.integer({ min: 0, max: 6 }).map((k) => k * 300 + 0.1)
        ),
        (time) => {
          const live = Int32Array.of(0, -1, 3, 2)
          const out = new Float64Array(4).fill(-1)
          const capacity = Float64Array.of(1000, 2000, 2500, 500)
          const demand = new Float64Array(4).fill(-1)
          const zeros = utilizationsAt(trace, time, 300, live, out, capacity, demand)
          let expectedZeros = 0
          for (let v = 0; v < 4; v++) {
            if (live[v]! < 0) {
              expect(out[v]).toBe(-1)
              expect(demand[v]).toBe(-1)
              continue
            }
            const u = utilizationAt(trace, v, time, 300)
            expect(out[v]).toBe(u)
            expect(demand[v]).toBe(capacity[v]! * u)
            if (u === 0) expectedZeros++
          }
          expect(zeros).toBe(expectedZeros)
        }
      ),
      { numRuns: 500 }
    )
  })
})
