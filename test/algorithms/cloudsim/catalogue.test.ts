/**
 * CloudSim's family in the catalogue: THR, IQR, MAD, LR, LRR as detectors, MMT, MC, MU, RS as
 * selections, power-aware best fit as a placement; each decides as CloudSim's and runs in the
 * `neat` policy.
 */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { runSimulation } from "../../../src/adapters/sim/runSimulation.js"
import { simulationOptionsFromParams } from "../../../src/adapters/sim/simulationParams.js"
import { syntheticTrace } from "../../../src/adapters/sim/traces/synthetic.js"
import { makeDetector, makePlacer, makeSelector } from "../../../src/algorithms/registry.js"
import type { PlacementHost } from "../../../src/algorithms/types.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }
const trace = Effect.runSync(syntheticTrace({ vms: 40, seed: 7, samples: 96 }))

const detector = (name: string, params: unknown = {}) => Either.getOrThrow(makeDetector("overload", name, params, ctx))
const decide = (name: string, params: unknown, history: ReadonlyArray<number>): boolean => {
  const d = detector(name, params)
  return d.decide(history, d.initialState)[0]
}

const vm = (uuid: string, ramMb: number, cpuMhz: ReadonlyArray<number>) => ({ uuid, ramMb, cpuMhz })
const host = (name: string, cpuMhz: number, cpuUsedMhz: number, ramUsedMb = 0): PlacementHost => ({
  name,
  cpuMhz,
  cpuUsedMhz,
  ramMb: 4096,
  ramUsedMb
})

describe("CloudSim's detectors in the catalogue", () => {
  it("THR compares the newest utilisation with its threshold (0.8 by default)", () => {
    expect(decide("thr", {}, [0.1, 0.81])).toBe(true)
    expect(decide("thr", {}, [0.9, 0.8])).toBe(false)
    expect(decide("thr", { threshold: 0.95 }, [0.9])).toBe(false)
  })

  it("IQR, MAD, LR fall back to THR 0.7 while the history is short", () => {
    for (const name of ["iqr", "mad", "lr", "lrr"]) {
      expect(decide(name, {}, [0.5, 0.71])).toBe(true)
      expect(decide(name, {}, [0.5, 0.69])).toBe(false)
    }
  })

  it("MAD lowers its threshold as the history spreads; LR forecasts a rising trend", () => {
    const steady = Array.from({ length: 20 }, () => 0.75)
    const spread = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 0.4 : 0.75))
    expect(decide("mad", {}, steady)).toBe(false)
    expect(decide("mad", {}, [...spread.slice(0, 19), 0.75])).toBe(true)
    const rising = Array.from({ length: 10 }, (_, i) => 0.5 + 0.04 * i)
    expect(decide("lr", {}, rising)).toBe(true)
    expect(
      decide(
        "lr",
        {},
        rising.map((u) => u / 2)
      )
    ).toBe(false)
  })

  it("refuses unknown parameters, naming them", () => {
    const built = makeDetector("overload", "iqr", { threshold: 1 }, ctx)
    expect(Either.isLeft(built) && `${built.left.field}: ${built.left.message}`).toMatch(/threshold.*not a known field/)
  })
})

describe("CloudSim's selections in the catalogue", () => {
  const vms = [vm("a", 1740, [100, 900]), vm("b", 613, [500, 400]), vm("c", 613, [50, 300])]
  const select = (name: string, params: unknown = {}) => {
    const s = Either.getOrThrow(makeSelector(name, params, ctx))
    return s.select(vms, s.initialState)[0]
  }
  it("MMT: the least memory, the first of equals; MU: the smallest current demand", () => {
    expect(select("mmt")).toEqual(["b"])
    expect(select("mu")).toEqual(["c"])
  })
  it("MC falls back to MMT when the regression cannot run; RS is seeded", () => {
    expect(select("mc")).toEqual(["b"])
    expect(select("rs", { seed: 3 })).toEqual(select("rs", { seed: 3 }))
    expect(vms.map((v) => v.uuid)).toContain(select("rs")[0])
  })
})

describe("power-aware best fit in the catalogue", () => {
  const placer = (params: unknown = {}) => Either.getOrThrow(makePlacer("power_aware_best_fit", params, ctx))
  it("takes the host whose power grows least, within the CPU threshold, all VMs or none", () => {
    const p = placer()
    const hosts = [host("g4-busy", 3720, 2900), host("g5-half", 5320, 2000), host("g4-light", 3720, 500)]
    const [placement] = p.place({ hosts, inactiveHosts: [], vms: [vm("x", 613, [300])] }, p.initialState)
    // g4-busy would pass 80 %; of the others the G4 grows by less.
    expect(placement).toEqual({ x: "g4-light" })
    const [none] = p.place(
      { hosts: [host("full", 3720, 2900)], inactiveHosts: [], vms: [vm("x", 613, [300])] },
      p.initialState
    )
    expect(none).toBeUndefined()
  })
  it("wakes a suspended host when it costs least, and takes its power model from the parameters", () => {
    const p = placer({ power_models: [{ watts: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100] }] })
    const [placement] = p.place(
      {
        hosts: [host("busy", 1000, 750), host("half", 1000, 500)],
        inactiveHosts: [host("asleep", 1000, 0)],
        vms: [vm("x", 613, [100]), vm("y", 613, [200])]
      },
      p.initialState
    )
    // y (largest first) fits only on half, +20 W there, +20 W on the suspended host: equals go to
    // the first, an active one. x then costs half P(0.8) − P(0.5) = 30 W (measured from the power
    // the input reports, as CloudSim's stale power), the suspended host 10 W: it is woken.
    expect(placement).toEqual({ y: "half", x: "asleep" })
  })
  it("refuses a power model without 11 values, naming the field", () => {
    const built = makePlacer("power_aware_best_fit", { power_models: [{ watts: [1, 2] }] }, ctx)
    expect(Either.isLeft(built) && `${built.left.field}: ${built.left.message}`).toMatch(/power_models.*11 values/)
  })
})

describe("CloudSim's family in the neat policy", () => {
  const cases: ReadonlyArray<Readonly<Record<string, string>>> = [
    { overload: "thr" },
    { overload: "iqr:1.5" },
    { overload: "mad" },
    { overload: "lr:1.2" },
    { overload: "lrr" },
    { selection: "mmt" },
    { selection: "mc" },
    { selection: "mu" },
    { selection: "rs:2" },
    { placement: "power_aware_best_fit" }
  ]
  for (const params of cases) {
    it(`runs ${JSON.stringify(params)}`, () => {
      const options = simulationOptionsFromParams("neat", params, trace)
      if (Either.isLeft(options)) throw new Error(options.left.message)
      const { metrics } = runSimulation({ ...options.right, hosts: 30 })
      expect(metrics.energyKwh).toBeGreaterThan(0)
      expect(metrics.hostShutdowns).toBeGreaterThan(0)
    })
  }
})
