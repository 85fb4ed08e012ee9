import { describe, expect, it } from "vitest"
import {
  legacyMedian,
  legacyMedianAbsoluteDeviation,
  legacyMedianOfSorted
} from "../../../src/algorithms/cloudsim/stats/percentile.js"

describe("legacyMedianAbsoluteDeviation", () => {
  it("gives the same double as the median of the re-sorted absolute deviations", () => {
    let state = 987654321
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return state / 2 ** 32
    }
    const scratch = new Float64Array(40)
    for (let round = 0; round < 2000; round++) {
      const length = 1 + (round % 34)
      // Coarse values give ties and repeated medians; fine ones give distinct deviations.
      const values = Float64Array.from({ length }, () =>
        round % 3 === 0 ? Math.round(next() * 10) / 10 : round % 3 === 1 ? next() * 1.3 : 0.1 + next() * 1e-12
      )
      const median = legacyMedian(values, length, scratch)
      const deviations = values.map((v) => Math.abs(median - v))
      const expected = legacyMedian(deviations, length, scratch)
      const sorted = Float64Array.from(values).sort()
      expect(legacyMedianOfSorted(sorted, length)).toBe(median)
      expect(legacyMedianAbsoluteDeviation(sorted, length, median)).toBe(expected)
    }
  })
})
