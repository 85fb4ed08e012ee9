import { describe, expect, it } from "vitest"
import { makePrng } from "../../../src/algorithms/cloudsim/selection/Prng.js"
import {
  maximumCorrelation,
  minimumMigrationTime,
  minimumUtilization,
  randomSelection,
  type SelectionInput
} from "../../../src/algorithms/cloudsim/selection/VmSelection.js"
import { makeOlsWorkspace, olsRSquared } from "../../../src/algorithms/cloudsim/stats/olsRSquared.js"

/** Candidates 0..n−1 with memory, capacity, demand and histories (newest first). */
const input = (
  vms: ReadonlyArray<{ ram: number; mips: number; demand: number; history?: ReadonlyArray<number> }>
): SelectionInput => {
  const m = vms[0]?.history?.length ?? 0
  return {
    vms: Int32Array.from(vms.map((_, i) => i)),
    count: vms.length,
    ramMb: Float64Array.from(vms.map((v) => v.ram)),
    mips: Float64Array.from(vms.map((v) => v.mips)),
    demandMips: Float64Array.from(vms.map((v) => v.demand)),
    history: Float64Array.from(vms.flatMap((v) => v.history ?? [])),
    historyLength: m,
    host: -1
  }
}

describe("CloudSim's VM selection", () => {
  it("MMT: the smallest memory, the first of equals", () => {
    const vms = input([
      { ram: 1740, mips: 1000, demand: 100 },
      { ram: 613, mips: 500, demand: 400 },
      { ram: 613, mips: 500, demand: 10 }
    ])
    expect(minimumMigrationTime.select(vms)).toBe(1)
  })

  it("MU: the smallest demand relative to capacity", () => {
    const vms = input([
      { ram: 1740, mips: 1000, demand: 100 },
      { ram: 613, mips: 500, demand: 40 },
      { ram: 870, mips: 2500, demand: 150 }
    ])
    expect(minimumUtilization.select(vms)).toBe(2)
  })

  it("RS: reproducible for a seed, always a candidate", () => {
    const vms = input([
      { ram: 1, mips: 1, demand: 1 },
      { ram: 1, mips: 1, demand: 1 },
      { ram: 1, mips: 1, demand: 1 }
    ])
    const picks = (seed: number) =>
      Array.from(
        { length: 20 },
        (
          (rs) => () =>
            rs.select(vms)
        )(randomSelection(makePrng(seed)))
      )
    expect(picks(5)).toEqual(picks(5))
    expect(picks(5).every((i) => i >= 0 && i < 3)).toBe(true)
  })

  it("MC: the VM best explained by the others; MMT when the regression cannot run", () => {
    const a = [0.3, 0.5, 0.2, 0.9, 0.4, 0.7, 0.1, 0.6]
    const b = [0.8, 0.1, 0.4, 0.3, 0.9, 0.2, 0.5, 0.7]
    const noise = [0.2, 0.9, 0.6, 0.1, 0.3, 0.8, 0.7, 0.4]
    const mc = maximumCorrelation()
    const picked = mc.select(
      input([
        { ram: 1740, mips: 1000, demand: 1, history: noise },
        { ram: 1740, mips: 1000, demand: 1, history: a },
        { ram: 1740, mips: 1000, demand: 1, history: a.map((x, i) => 0.5 * x + 0.25 * b[i]!) },
        { ram: 613, mips: 1000, demand: 1, history: b }
      ])
    )
    expect([1, 2, 3]).toContain(picked)
    // Two observations for three candidates: too few, so MMT (smallest memory).
    expect(
      mc.select(
        input([
          { ram: 1740, mips: 1, demand: 1, history: [0.1, 0.2] },
          { ram: 613, mips: 1, demand: 1, history: [0.3, 0.1] },
          { ram: 870, mips: 1, demand: 1, history: [0.5, 0.5] }
        ])
      )
    ).toBe(1)
  })

  it("OLS R² is 1 for an exact linear relation and flags a singular design", () => {
    const ws = makeOlsWorkspace(4, 8)
    const x = Float64Array.of(1, 2, 3, 4, 5, 6)
    expect(
      olsRSquared(
        x,
        1,
        Float64Array.from(x, (v) => 2 * v + 1),
        6,
        ws
      )
    ).toBeCloseTo(1, 12)
    expect(olsRSquared(new Float64Array(6), 1, x, 6, ws)).toBe("singular")
    expect(olsRSquared(x, 1, x, 1, ws)).toBe("too-few-observations")
  })
})
