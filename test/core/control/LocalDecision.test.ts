import { describe, expect, it } from "vitest"
import { decideLocally, initialLocalStates, type LocalAlgorithms } from "../../../src/core/control/LocalDecision.js"
import { busiestVm, overloadAbove, underloadBelow } from "../../support/algorithms.js"

const algorithms: LocalAlgorithms = {
  underload: underloadBelow(0.3),
  overload: overloadAbove(0.8),
  selector: busiestVm
}
const vm = (uuid: string, cpuMhz: ReadonlyArray<number>) => ({ uuid, cpuMhz, ramMb: 512 })

describe("decideLocally", () => {
  const states = initialLocalStates(algorithms)

  it("asks to empty an underloaded host, without running overload detection", () => {
    const decision = decideLocally(
      { host: "h1", capacityMhz: 1000, vms: [vm("a", [100]), vm("b", [50])], hostOwnMhz: [10] },
      algorithms,
      states
    )
    expect(decision.verdict).toBe("underload")
    expect(decision.request).toEqual({ host: "h1", reason: "underload", vmUuids: ["a", "b"] })
    expect(decision.states.overload).toEqual({ calls: 0 })
  })

  it("selects VMs on an overloaded host and threads the detector state", () => {
    const decision = decideLocally(
      { host: "h1", capacityMhz: 1000, vms: [vm("a", [400]), vm("b", [500])], hostOwnMhz: [0] },
      algorithms,
      states
    )
    expect(decision.verdict).toBe("overload")
    expect(decision.request).toEqual({ host: "h1", reason: "overload", vmUuids: ["b"] })
    expect(decision.states.overload).toEqual({ calls: 1 })
  })

  it("sends nothing for a normal host, an idle host or a host without data", () => {
    const input = { host: "h1", capacityMhz: 1000, hostOwnMhz: [] }
    expect(decideLocally({ ...input, vms: [vm("a", [500])] }, algorithms, states).verdict).toBe("normal")
    expect(decideLocally({ ...input, vms: [] }, algorithms, states).verdict).toBe("idle")
    const noData = decideLocally({ ...input, vms: [vm("a", [])] }, algorithms, states)
    expect(noData.verdict).toBe("noData")
    expect(noData.request).toBeUndefined()
  })

  it("gives an underload detector that reads the newest samples only those, and the whole series to the overload one", () => {
    const seen: Array<ReadonlyArray<number>> = []
    const lastTwoBelow = (threshold: number) => ({
      initialState: null as unknown,
      newestSamples: 2,
      decide: (utilization: ReadonlyArray<number>, state: unknown) => {
        seen.push(utilization)
        return [utilization.reduce((a, b) => a + b, 0) / utilization.length <= threshold, state] as const
      }
    })
    const overload = {
      initialState: null as unknown,
      decide: (utilization: ReadonlyArray<number>, state: unknown) => {
        seen.push(utilization)
        return [false, state] as const
      }
    }
    const input = { host: "h1", capacityMhz: 1000, hostOwnMhz: [0, 0, 0] }
    const mixed = { underload: lastTwoBelow(0.3), overload, selector: busiestVm }
    const underloaded = decideLocally({ ...input, vms: [vm("a", [900, 100, 200])] }, mixed, initialLocalStates(mixed))
    expect(underloaded.verdict).toBe("underload")
    expect(seen).toEqual([[0.1, 0.2]])
    expect(underloaded.utilization).toEqual([0.9, 0.1, 0.2])
    seen.length = 0
    const normal = decideLocally({ ...input, vms: [vm("a", [100, 500, 500])] }, mixed, initialLocalStates(mixed))
    expect(normal.verdict).toBe("normal")
    expect(seen).toEqual([
      [0.5, 0.5],
      [0.1, 0.5, 0.5]
    ])
    expect(normal.utilization).toEqual([0.1, 0.5, 0.5])
  })

  it("counts the host's own use in the utilisation", () => {
    const decision = decideLocally(
      { host: "h1", capacityMhz: 1000, vms: [vm("a", [700])], hostOwnMhz: [200] },
      algorithms,
      states
    )
    expect(decision.utilization).toEqual([0.9])
    expect(decision.verdict).toBe("overload")
  })
})
