/** A simulated cloud that starts from a given placement instead of its best fit. */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { makeSimCloud, type SimCloudOptions } from "../../../src/adapters/sim/SimCloud.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { g4, small } from "./tinyDatacenter.js"

const trace: Trace = {
  names: ["vm-a", "vm-b", "vm-c"],
  intervalSec: 300,
  samples: 4,
  cpu: new Float64Array(12).fill(0.3)
}

const placementOf = async (initialPlacement: SimCloudOptions["initialPlacement"]) => {
  const built = await Effect.runPromise(
    Effect.either(makeSimCloud({ trace, hosts: 4, hostTypes: [g4], vmTypes: [small], initialPlacement }))
  )
  if (Either.isLeft(built)) return built.left
  const hosts = await Effect.runPromise(built.right.cloud.hosts)
  return Object.fromEntries(hosts.map((host) => [host.name, host.vms]))
}

describe("SimCloud's initial placement", () => {
  it("puts the VMs where it is told, and runs from there", async () => {
    expect(await placementOf({ "vm-a": 3, "vm-b": 3, "vm-c": 1 })).toEqual({
      "host-0": [],
      "host-1": ["vm-c"],
      "host-2": [],
      "host-3": ["vm-a", "vm-b"]
    })
    const built = await Effect.runPromise(
      makeSimCloud({ trace, hosts: 4, hostTypes: [g4], vmTypes: [small], initialPlacement: { "vm-a": 2 } })
    )
    expect(await Effect.runPromise(built.control.advance)).toBe(true)
    expect(await Effect.runPromise(built.cloud.vmCpuHistory("vm-a", 1))).toHaveLength(1)
  })

  it("places the VMs it does not name by best fit, beside the named ones", async () => {
    // Best fit alone puts vm-a, vm-b and vm-c on hosts 0, 1 and 2 (the power curve favours one per
    // host); with vm-b on host 2 first, host 1 is the best fit left for vm-c.
    expect(await placementOf("best-fit")).toEqual({
      "host-0": ["vm-a"],
      "host-1": ["vm-b"],
      "host-2": ["vm-c"],
      "host-3": []
    })
    expect(await placementOf({ "vm-b": 2 })).toEqual({
      "host-0": ["vm-a"],
      "host-1": ["vm-c"],
      "host-2": ["vm-b"],
      "host-3": []
    })
  })

  it("names the VM and what it lacks when the given placement does not fit", async () => {
    // Two 2-core 1860 MHz hosts hold three 1000 MHz VMs at most each by CPU (3720 MHz) and four by
    // memory (4096 MB): a fourth VM on one host does not fit. Three VMs on host 0 do fit by CPU.
    const wide: Trace = { ...trace, names: ["a", "b", "c", "d"], cpu: new Float64Array(16) }
    const crowded = await Effect.runPromise(
      Effect.either(
        makeSimCloud({
          trace: wide,
          hosts: 2,
          hostTypes: [g4],
          vmTypes: [small],
          initialPlacement: { a: 0, b: 0, c: 0, d: 0 }
        })
      )
    )
    expect(Either.isLeft(crowded) && crowded.left.message).toMatch(
      /VM d does not fit on host index 0 as given: 1000 MHz asked, 720 MHz of 3720 left/
    )
    expect(Either.isLeft(crowded) && crowded.left._tag).toBe("ConfigError")
  })

  it("refuses VMs the trace lacks and host indexes out of range", async () => {
    expect(await placementOf({ "vm-x": 0 })).toMatchObject({
      _tag: "ConfigError",
      field: "initialPlacement",
      message: "VM vm-x is not in the trace"
    })
    expect(await placementOf({ "vm-a": 4 })).toMatchObject({
      message: "VM vm-a: host index 4 is not one of the 4 hosts (0-3)"
    })
    expect(await placementOf({ "vm-a": 1.5 })).toMatchObject({ field: "initialPlacement" })
  })
})
