import { describe, expect, it } from "vitest"
import { sortSmall } from "../../../src/algorithms/cloudsim/stats/sortSmall.js"

describe("sortSmall", () => {
  it("sorts the prefix exactly as TypedArray sort does and leaves the rest alone", () => {
    let state = 12345
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return state / 2 ** 32
    }
    for (let round = 0; round < 200; round++) {
      const length = round % 31
      const values = Float64Array.from({ length: 40 }, () => (round % 2 === 0 ? Math.round(next() * 20) / 20 : next()))
      const expected = Float64Array.from(values)
      expected.subarray(0, length).sort()
      sortSmall(values, length)
      expect(Array.from(values)).toEqual(Array.from(expected))
    }
  })
})
