/**
 * MC on a whole PlanetLab day: every choice of the fast path (`mostCorrelated`) is compared with
 * the exact one (every candidate's R² as CloudSim computes it) on the same candidates.
 */
import { expect, it, vi } from "vitest"
import { runSimulation } from "../../../src/adapters/sim/runSimulation.js"
import { readPlanetLabTrace } from "../../../src/adapters/sim/traces/planetLab.js"
import type * as MostCorrelated from "../../../src/algorithms/cloudsim/stats/mostCorrelated.js"
import { InputError } from "../../../src/core/errors.js"
import { describeWithRequirement, sharedMaterial } from "../../support/requirement.js"

const material = sharedMaterial("traces/planetlab/20110322")

const seen = vi.hoisted(() => ({ calls: 0, differing: [] as Array<string> }))

vi.mock("../../../src/algorithms/cloudsim/stats/mostCorrelated.js", async (importOriginal) => {
  const original = await importOriginal<typeof MostCorrelated>()
  return {
    ...original,
    mostCorrelated: (history: Float64Array, n: number, m: number, ws: MostCorrelated.MostCorrelatedWorkspace) => {
      const fast = original.mostCorrelated(history, n, m, ws)
      const exact = original.mostCorrelatedExact(history, n, m, ws)
      seen.calls++
      if (fast !== exact) seen.differing.push(`call ${seen.calls}: ${n} candidates, fast ${fast}, exact ${exact}`)
      return fast
    }
  }
})

describeWithRequirement("MC's choices on day 20110322", material, ([dayDir]) => {
  it("are the exact computation's, call for call", () => {
    const trace = readPlanetLabTrace(dayDir)
    if (trace instanceof InputError) throw new Error(trace.message)
    runSimulation({ trace, policy: "cloudsim", overload: { name: "lr", param: 1.2 }, selection: "mc" })
    expect(seen.calls).toBeGreaterThan(5000)
    expect(seen.differing).toEqual([])
  })
})
