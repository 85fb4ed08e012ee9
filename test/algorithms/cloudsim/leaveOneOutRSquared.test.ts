import { describe, expect, it } from "vitest"
import {
  leaveOneOutRSquared,
  makeLeaveOneOutWorkspace
} from "../../../src/algorithms/cloudsim/stats/leaveOneOutRSquared.js"
import { makeOlsWorkspace, olsRSquared } from "../../../src/algorithms/cloudsim/stats/olsRSquared.js"
import { randomHistories } from "./randomHistories.js"

/** One `olsRSquared` per candidate on the others, as CloudSim computes MC's metrics. */
const perCandidate = (history: Float64Array, n: number, m: number): Array<number | string> => {
  const ws = makeOlsWorkspace(64, m)
  const others = new Float64Array(64 * m)
  const own = new Float64Array(m)
  const out: Array<number | string> = []
  for (let i = 0; i < n; i++) {
    let k = 0
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      for (let c = 0; c < m; c++) others[k * m + c] = history[j * m + c]!
      k++
    }
    for (let c = 0; c < m; c++) own[c] = history[i * m + c]!
    out.push(olsRSquared(others, n - 1, own, m, ws))
  }
  return out
}

describe("leaveOneOutRSquared", () => {
  it("gives bit for bit the R² of one QR per candidate", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const m = seed % 3 === 0 ? 12 : 30
      const n = 2 + (seed % (m - 1))
      const history = randomHistories(n, m, seed)
      const out = new Float64Array(64)
      const failure = leaveOneOutRSquared(history, n, m, makeLeaveOneOutWorkspace(64, m), out)
      const expected = perCandidate(history, n, m)
      if (failure !== undefined) {
        expect(expected).toContain(failure)
        continue
      }
      for (let i = 0; i < n; i++) expect(Object.is(out[i], expected[i]), `seed ${seed}, candidate ${i}`).toBe(true)
    }
  })

  it("reports a singular design as the per-candidate QR does", () => {
    const m = 10
    const history = randomHistories(4, m, 7)
    history.copyWithin(2 * m, 1 * m, 2 * m) // candidates 1 and 2 identical
    history.fill(0.5, 3 * m, 4 * m) // candidate 3 constant: collinear with the intercept
    const failure = leaveOneOutRSquared(history, 4, m, makeLeaveOneOutWorkspace(8, m), new Float64Array(8))
    expect(failure).toBe("singular")
    expect(perCandidate(history, 4, m)).toContain("singular")
  })

  it("refuses more candidates than observations", () => {
    expect(leaveOneOutRSquared(new Float64Array(12), 4, 3, makeLeaveOneOutWorkspace(8, 3), new Float64Array(8))).toBe(
      "too-few-observations"
    )
  })
})
