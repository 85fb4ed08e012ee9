/**
 * VMs arriving during a run keep their server groups (`ArrivalGroups`): an anti-affinity member
 * never lands with another member, an affinity member lands with its group, a hard policy that no
 * host with room allows refuses the VM (counted in `vmsRefused`), a soft one gives way. Under the
 * simulated cloud's own best fit and under the neat policy's placer alike.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeSimCloud } from "../../../src/adapters/sim/SimCloud.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { makePlacer } from "../../../src/algorithms/registry.js"
import type { ServerGroup, ServerGroupPolicy } from "../../../src/core/ServerGroup.js"
import { g4 } from "./tinyDatacenter.js"

/**
 * vm0 (1000 MB) and vm1 (3500 MB) from the start, vm2 (1000 MB) arriving at sample 2, vm3
 * (1000 MB) at sample 3; every VM 1000 MHz at 30 %. On G4 hosts (4096 MB) vm0 and vm1 cannot
 * share a host, and vm2 fits beside vm0 but not beside vm1.
 */
const trace: Trace = {
  names: ["vm0", "vm1", "vm2", "vm3"],
  intervalSec: 300,
  samples: 6,
  cpu: new Float64Array(24).fill(0.3),
  vmMips: Float64Array.of(1000, 1000, 1000, 1000),
  ramMb: Float64Array.of(1000, 3500, 1000, 1000),
  lifetimes: { arrival: Int32Array.of(0, 0, 2, 3), departure: Int32Array.of(6, 6, 6, 6) }
}

const groupsOf = (policy: ServerGroupPolicy, vms: ReadonlyArray<string>): ReadonlyMap<string, ServerGroup> => {
  const group: ServerGroup = { id: "g", name: "g", policy }
  return new Map(vms.map((vm) => [vm, group]))
}

type Placing = "best fit" | "neat placer"

/** Runs the cloud to the end; each VM's host after sample 3 ("" when refused), and the VMs refused. */
const run = async (hosts: number, placing: Placing, groups?: ReadonlyMap<string, ServerGroup>) => {
  const { cloud, control } = await Effect.runPromise(
    makeSimCloud({ trace, hosts, hostTypes: [g4], ...(groups === undefined ? {} : { serverGroups: groups }) })
  )
  if (placing === "neat placer") {
    const placer = makePlacer(
      "best_fit_decreasing",
      { cpu_threshold: 0.8, ram_threshold: 0.95, last_n_vm_cpu: 2 },
      { timeStepSec: 300, migrationTimeSec: 16 }
    )
    if (placer._tag === "Left") throw placer.left
    control.placeArrivalsWith(placer.right)
  }
  for (let sample = 1; sample <= 3; sample++) await Effect.runPromise(control.advance)
  const hostOf: Record<string, string> = { vm0: "", vm1: "", vm2: "", vm3: "" }
  for (const host of await Effect.runPromise(cloud.hosts)) for (const vm of host.vms) hostOf[vm] = host.name
  const { metrics } = await Effect.runPromise(control.result)
  return { hostOf, refused: metrics.vmsRefused }
}

describe.each<Placing>(["best fit", "neat placer"])("arrivals and server groups (%s)", (placing) => {
  it("without groups, vm2 lands beside vm0: the only host with room", async () => {
    const { hostOf, refused } = await run(2, placing)
    expect(hostOf.vm2).toBe(hostOf.vm0)
    expect(hostOf.vm0).not.toBe(hostOf.vm1)
    expect(refused).toBe(0)
  })

  it("refuses and counts an anti-affinity member that only a member's host could take", async () => {
    const { hostOf, refused } = await run(2, placing, groupsOf("anti-affinity", ["vm0", "vm2"]))
    expect(hostOf.vm2).toBe("")
    // vm3, in no group, still takes the room vm2 was refused.
    expect(hostOf.vm3).toBe(hostOf.vm0)
    expect(refused).toBe(1)
  })

  it("places an anti-affinity member on a host without members when one has room", async () => {
    const { hostOf, refused } = await run(3, placing, groupsOf("anti-affinity", ["vm0", "vm2", "vm3"]))
    // vm2 takes the empty third host (vm1's has no room); vm3 then finds a member on every host with room.
    expect(new Set([hostOf.vm0, hostOf.vm1, hostOf.vm2]).size).toBe(3)
    expect(hostOf.vm3).toBe("")
    expect(refused).toBe(1)
  })

  it("gives way on a soft anti-affinity when no host apart has room", async () => {
    const { hostOf, refused } = await run(2, placing, groupsOf("soft-anti-affinity", ["vm0", "vm2"]))
    expect(hostOf.vm2).toBe(hostOf.vm0)
    expect(refused).toBe(0)
  })

  it("refuses an affinity member whose group's host has no room, and places one where its group is", async () => {
    const apart = await run(2, placing, groupsOf("affinity", ["vm1", "vm2"]))
    expect(apart.hostOf.vm2).toBe("")
    expect(apart.refused).toBe(1)
    const together = await run(3, placing, groupsOf("affinity", ["vm0", "vm3"]))
    expect(together.hostOf.vm3).toBe(together.hostOf.vm0)
  })
})
