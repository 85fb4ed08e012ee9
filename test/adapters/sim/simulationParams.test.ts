import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { simulationOptionsFromParams } from "../../../src/adapters/sim/simulationParams.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"

const trace: Trace = { names: ["a"], intervalSec: 300, samples: 2, cpu: Float64Array.of(0.1, 0.2) }

describe("simulation options from parameters", () => {
  it("reads policy, detector, selection, seed and hosts", () => {
    const options = Either.getOrThrow(
      simulationOptionsFromParams("cloudsim", { overload: "lr:1.2", selection: "MC", seed: "3", hosts: 10 }, trace)
    )
    expect(options).toMatchObject({
      policy: "cloudsim",
      overload: { name: "lr", param: 1.2 },
      selection: "mc",
      seed: 3,
      hosts: 10
    })
    expect(Either.getOrThrow(simulationOptionsFromParams("npa", {}, trace)).policy).toBe("npa")
  })

  it("names the parameter that is wrong", () => {
    const field = (policy: string, params: Record<string, string | number | boolean>) => {
      const result = simulationOptionsFromParams(policy, params, trace)
      return Either.isLeft(result) ? result.left.field : undefined
    }
    expect(field("magic", {})).toBe("policy")
    expect(field("cloudsim", { overload: "thr:abc" })).toBe("overload")
    expect(field("cloudsim", { selection: "best" })).toBe("selection")
    expect(field("cloudsim", { seed: 0 })).toBe("seed")
    expect(field("cloudsim", { hosts: "many" })).toBe("hosts")
    expect(field("cloudsim", { threshold: 0.8 })).toBe("threshold")
    expect(field("cloudsim", { overload: "nosuch" })).toBe("overload")
    expect(field("cloudsim", { overload: "mhod:{bad" })).toBe("overload")
    expect(field("cloudsim", { overload: 'otf:{"otf":-1}' })).toBe("overload")
    expect(field("cloudsim", { selection: "mhod" })).toBe("selection")
  })

  it("under the cloudsim policy, takes CloudSim's own names on their path and any other catalogue name", () => {
    const options = (params: Record<string, string>) =>
      Either.getOrThrow(simulationOptionsFromParams("cloudsim", params, trace))
    expect(options({ overload: "THR:0.9", selection: "rs" })).toMatchObject({
      overload: { name: "thr", param: 0.9 },
      selection: "rs",
      overloadAlgorithm: undefined,
      selectionAlgorithm: undefined
    })
    expect(options({ overload: "mhod:0.2", selection: "minimum_utilization" })).toMatchObject({
      overload: undefined,
      selection: undefined,
      overloadAlgorithm: { name: "mhod", params: { otf: 0.2 } },
      selectionAlgorithm: { name: "minimum_utilization", params: {} }
    })
    expect(options({ overload: 'thr:{"threshold":0.9}' })).toMatchObject({
      overload: undefined,
      overloadAlgorithm: { name: "thr", params: { threshold: 0.9 } }
    })
  })
})
