import { describe, expect, it } from "vitest"
import {
  makeMostCorrelatedWorkspace,
  mostCorrelated,
  mostCorrelatedExact
} from "../../../src/algorithms/cloudsim/stats/mostCorrelated.js"
import { randomHistories } from "./randomHistories.js"

describe("mostCorrelated", () => {
  const ws = makeMostCorrelatedWorkspace(64, 30)

  it("picks what the exact per-candidate R² picks, on random histories", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const m = seed % 4 === 0 ? 12 : 30
      const n = 2 + (seed % (m - 1))
      const history = randomHistories(n, m, seed)
      expect(mostCorrelated(history, n, m, ws), `seed ${seed}`).toBe(mostCorrelatedExact(history, n, m, ws))
    }
  })

  it("settles ties by CloudSim's own rounding", () => {
    // Two candidates: each one's R² on the other is their squared correlation, equal but for
    // rounding, so the pick is decided by CloudSim's doubles.
    const m = 30
    for (let seed = 1; seed <= 60; seed++) {
      const history = randomHistories(2, m, seed)
      expect(mostCorrelated(history, 2, m, ws), `seed ${seed}`).toBe(mostCorrelatedExact(history, 2, m, ws))
    }
    // More candidates: the others read the same forwards and backwards and the last is the one
    // before it reversed in time, so those two have the same R² (rows swapped) but for rounding.
    for (let seed = 1; seed <= 40; seed++) {
      const n = 4 + (seed % 8)
      const history = randomHistories(n, m, seed)
      for (let j = 0; j < n - 2; j++) {
        for (let r = 0; r < m / 2; r++) history[j * m + m - 1 - r] = history[j * m + r]!
      }
      for (let r = 0; r < m; r++) history[(n - 1) * m + r] = history[(n - 2) * m + m - 1 - r]!
      expect(mostCorrelated(history, n, m, ws), `seed ${seed}`).toBe(mostCorrelatedExact(history, n, m, ws))
    }
  })

  it("leaves singular and near-singular designs to the exact computation", () => {
    const m = 10
    const duplicate = randomHistories(4, m, 7)
    duplicate.copyWithin(2 * m, 1 * m, 2 * m)
    expect(mostCorrelated(duplicate, 4, m, ws)).toBe(mostCorrelatedExact(duplicate, 4, m, ws))
    const constant = randomHistories(4, m, 8)
    constant.fill(0.5, 3 * m, 4 * m)
    expect(mostCorrelated(constant, 4, m, ws)).toBe(mostCorrelatedExact(constant, 4, m, ws))
    const zero = randomHistories(4, m, 9)
    zero.fill(0, 0, m)
    expect(mostCorrelated(zero, 4, m, ws)).toBe("singular")
    // As many candidates as observations: every fit is exact and rounding decides, as in CloudSim.
    const square = randomHistories(m, m, 11)
    expect(mostCorrelated(square, m, m, ws)).toBe(mostCorrelatedExact(square, m, m, ws))
  })

  it("picks the exact choice when each call has the last one's candidates but one (the downdated inverse)", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const m = seed % 3 === 0 ? 16 : 30
      let n = Math.min(m - 1, 6 + (seed % 20))
      let history = randomHistories(n, m, 1000 + seed)
      while (n >= 2) {
        expect(mostCorrelated(history, n, m, ws), `seed ${seed}, ${n} candidates`).toBe(
          mostCorrelatedExact(history, n, m, ws)
        )
        // The chosen candidate leaves (here: one picked by the seed), the others keep their order.
        const leaving = (seed * 7 + n) % n
        const rest = new Float64Array((n - 1) * m)
        rest.set(history.subarray(0, leaving * m), 0)
        rest.set(history.subarray((leaving + 1) * m, n * m), leaving * m)
        history = rest
        n--
      }
    }
  })

  it("does not downdate across calls whose candidates differ otherwise", () => {
    const m = 30
    const first = randomHistories(8, m, 77)
    expect(mostCorrelated(first, 8, m, ws)).toBe(mostCorrelatedExact(first, 8, m, ws))
    // Seven candidates of which one value changed: a new design, not the last one without a column.
    const changed = first.slice(m, 8 * m)
    changed[5] = changed[5]! + 0.25
    expect(mostCorrelated(changed, 7, m, ws)).toBe(mostCorrelatedExact(changed, 7, m, ws))
    // Near-collinear columns left after a removal send the call to the exact path.
    const collinear = randomHistories(6, m, 78)
    for (let r = 0; r < m; r++) collinear[4 * m + r] = collinear[3 * m + r]! * 2 + (r === 0 ? 1e-9 : 0)
    expect(mostCorrelated(collinear, 6, m, ws)).toBe(mostCorrelatedExact(collinear, 6, m, ws))
    const without = collinear.slice(m, 6 * m)
    expect(mostCorrelated(without, 5, m, ws)).toBe(mostCorrelatedExact(without, 5, m, ws))
  })

  it("refuses more candidates than observations", () => {
    expect(mostCorrelated(new Float64Array(12), 4, 3, ws)).toBe("too-few-observations")
  })
})
