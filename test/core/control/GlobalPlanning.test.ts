import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import type { VmPlacer } from "../../../src/algorithms/types.js"
import type { CloudSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { defaultPlanningOptions, planOverload, planUnderload } from "../../../src/core/control/GlobalPlanning.js"
import { reallocateOn } from "../../../src/core/control/Reallocate.js"
import type { HostState } from "../../../src/core/Host.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const host = (name: string, vms: ReadonlyArray<string>, power: HostState["power"] = "active"): HostState => ({
  name,
  cores: 1,
  mhzPerCore: 1000,
  ramMb: 4096,
  power,
  vms
})

const snapshot = (hosts: ReadonlyArray<HostState>, cpu: Record<string, ReadonlyArray<number>>): CloudSnapshot => {
  const vms = new Map(
    hosts.flatMap((h) =>
      h.vms.filter((uuid) => uuid in cpu).map((uuid) => [uuid, { uuid, ramMb: 512, host: h.name, vcpus: 1 }] as const)
    )
  )
  return {
    hosts,
    vms,
    vmCpuMhz: new Map(Object.entries(cpu)),
    hostOwnMhz: new Map(hosts.map((h) => [h.name, 100]))
  }
}

const placer = bestFitDecreasing()
const options = defaultPlanningOptions

describe("global planning", () => {
  it("counts each target's own use and its VMs' latest CPU", () => {
    // h2 has 1000 - 100 (own) - 700 = 200 MHz left: a 250 MHz VM must go to h3.
    const view = snapshot([host("h1", ["a"]), host("h2", ["b"]), host("h3", ["c"])], {
      a: [900, 250],
      b: [100, 700],
      c: [300]
    })
    const result = planUnderload(view, { host: "h1", reason: "underload", vmUuids: [] }, placer, null, options)
    expect(result.placement).toEqual({ a: "h3" })
    expect(result.plan.suspend).toEqual(["h1"])
  })

  it("does not empty a host that lists a VM the inventory does not know", () => {
    const view = snapshot([host("h1", ["a", "ghost"]), host("h2", ["b"])], { a: [10], b: [10] })
    const result = planUnderload(view, { host: "h1", reason: "underload", vmUuids: [] }, placer, null, options)
    expect(result.status).toBe("noData")
    expect(result.plan.suspend).toEqual([])
  })

  it("offers empty and suspended hosts only to an overload, and wakes only suspended ones", () => {
    const view = snapshot([host("h1", ["a", "b"]), host("h2", []), host("h3", [], "suspended")], { a: [800], b: [100] })
    const result = planOverload(view, { host: "h1", reason: "overload", vmUuids: ["a"] }, placer, null, options)
    expect(result.inputs).toEqual({ activeHosts: 0, inactiveHosts: 2, vmsToPlace: ["a"] })
    expect(result.plan.migrations).toEqual([{ vm: "a", from: "h1", to: expect.stringMatching(/h2|h3/) }])
    expect(result.plan.wake).toEqual(result.plan.migrations[0]!.to === "h3" ? ["h3"] : [])
    const underload = planUnderload(view, { host: "h1", reason: "underload", vmUuids: [] }, placer, null, options)
    expect(underload.status).toBe("noFit")
    expect(underload.plan).toEqual({ migrations: [], wake: [], suspend: ["h2"] })
  })

  it("keeps idle hosts awake when told to", () => {
    const view = snapshot([host("h1", ["a"]), host("h2", []), host("h3", ["c"])], { a: [100], c: [100] })
    const result = planUnderload(view, { host: "h1", reason: "underload", vmUuids: [] }, placer, null, {
      ...options,
      suspendIdleHosts: false
    })
    expect(result.plan.suspend).toEqual(["h1"])
  })

  it("refuses a placement on a host that was not offered, and records a placer that throws", () => {
    const view = snapshot([host("h1", ["a"]), host("h2", ["b"]), host("h3", [], "suspended")], { a: [10], b: [10] })
    const rogue: VmPlacer = { initialState: null, place: (_input, state) => [{ a: "h3" }, state] }
    const invalid = planUnderload(view, { host: "h1", reason: "underload", vmUuids: [] }, rogue, null, options)
    expect(invalid.status).toBe("invalidPlacement")
    expect(invalid.plan.migrations).toEqual([])

    const broken: VmPlacer = {
      initialState: null,
      place: () => {
        throw new Error("division by zero")
      }
    }
    const cloud = new InMemoryCloud({ hosts: [], vms: [] })
    const { decision } = Effect.runSync(
      reallocateOn(view, { host: "h1", reason: "underload", vmUuids: [] }, broken, null, {
        ...options,
        vmHistoryLength: 5
      }).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))
    )
    expect(decision.outcome).toBe("failed")
    expect(decision.detail).toBe("the placement algorithm failed: division by zero")
  })
})
