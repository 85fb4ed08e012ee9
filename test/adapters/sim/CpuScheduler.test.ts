import { describe, expect, it } from "vitest"
import { buildState } from "../../../src/adapters/sim/buildState.js"
import { allocateCpu, allocateCpuForLast, allocateOversubscribed } from "../../../src/adapters/sim/CpuScheduler.js"
import { planetLabHostTypes, planetLabVmTypes } from "../../../src/adapters/sim/Datacenter.js"
import { addToHost, removeFromHost, type SimState } from "../../../src/adapters/sim/SimState.js"

/** The MHz allocated to host 0's entries, in list order. */
const allocations = (state: SimState): Array<number> => Array.from(state.hostVmAlloc.subarray(0, state.hostVmCount[0]!))

/** One G4 host (2 × 1860 MHz) with the given VMs and demands (MHz). */
const hostWith = (demands: ReadonlyArray<number>, flags: { migratingOut?: number; migratingIn?: number } = {}) => {
  const { state } = buildState(1, demands.length, [planetLabHostTypes[0]!], [planetLabVmTypes[1]!])
  demands.forEach((demand, v) => {
    state.vmDemandMips[v] = demand
    addToHost(state, 0, v, v === flags.migratingIn ? 1 : 0)
    state.vmHost[v] = 0
  })
  if (flags.migratingOut !== undefined) state.vmInMigration[flags.migratingOut] = 1
  if (flags.migratingIn !== undefined) state.vmInMigration[flags.migratingIn] = 1
  return state
}

describe("CPU sharing on a host", () => {
  it("gives every VM its demand while the demands fit", () => {
    const state = hostWith([1000, 1500])
    allocateCpu(state, 0)
    expect(allocations(state)).toEqual([1000, 1500])
    expect(state.hostAvailableMips[0]).toBe(3720 - 2500)
    expect(state.hostAllocatedMips[0]).toBe(2500)
  })

  it("caps a VM at one core", () => {
    const state = hostWith([1950, 100])
    allocateCpu(state, 0)
    expect(allocations(state)).toEqual([1860, 100])
  })

  it("gives a VM migrating out 90 % and one migrating in 10 %, counting the latter at full share as allocated", () => {
    const state = hostWith([1000, 800], { migratingOut: 0, migratingIn: 1 })
    allocateCpu(state, 0)
    expect(allocations(state)).toEqual([900, 80])
    // Free capacity drops by the full request of the VM migrating out, by 10 % of the other.
    expect(state.hostAvailableMips[0]).toBe(3720 - 1000 - 80)
    expect(state.hostAllocatedMips[0]).toBeCloseTo(900 + 800, 9)
  })

  it("scales every share by capacity / demand and floors it when oversubscribed", () => {
    const state = hostWith([1800, 1800, 900])
    allocateCpu(state, 0)
    const scaling = 3720 / 4500
    expect(allocations(state)).toEqual([
      Math.floor(1800 * scaling),
      Math.floor(1800 * scaling),
      Math.floor(900 * scaling)
    ])
    expect(state.hostAvailableMips[0]).toBe(0)
  })

  it("allocates an oversubscribed host directly as a list-order re-allocation would", () => {
    const viaList = hostWith([1800.3, 1700.1, 900.7, 333.3], { migratingOut: 1, migratingIn: 3 })
    const direct = hostWith([1800.3, 1700.1, 900.7, 333.3], { migratingOut: 1, migratingIn: 3 })
    allocateCpu(viaList, 0)
    allocateOversubscribed(direct, 0)
    expect(allocations(direct)).toEqual(allocations(viaList))
    expect(direct.hostAvailableMips[0]).toBe(0)
    expect(direct.hostAllocatedMips[0]).toBe(viaList.hostAllocatedMips[0])
    expect(direct.hostHashOrdered[0]).toBe(0)
  })

  it("reaches the same shares in hash-table order; only the order of subtraction differs", () => {
    const listOrder = hostWith([700.3, 1100.7, 333.1, 12.9])
    const hashOrder = hostWith([700.3, 1100.7, 333.1, 12.9])
    allocateCpu(listOrder, 0)
    allocateCpu(hashOrder, 0, true)
    expect(allocations(hashOrder)).toEqual(allocations(listOrder))
    expect(hashOrder.hostAvailableMips[0]).toBeCloseTo(listOrder.hostAvailableMips[0]!, 9)
  })

  it("allocates a VM created on top of the others from the remaining capacity", () => {
    const state = hostWith([1000, 500])
    removeFromHost(state, 0, 1)
    allocateCpu(state, 0)
    addToHost(state, 0, 1, 0)
    allocateCpuForLast(state, 0)
    expect(allocations(state)).toEqual([1000, 500])
    expect(state.hostAvailableMips[0]).toBe(3720 - 1500)
  })
})

describe("host lists", () => {
  it("refuses to remove an entry a host does not have, leaving every list as it was", () => {
    const { state } = buildState(2, 3, [planetLabHostTypes[0]!], [planetLabVmTypes[1]!])
    addToHost(state, 0, 0, 0)
    addToHost(state, 0, 1, 0)
    addToHost(state, 1, 2, 0)
    expect(() => removeFromHost(state, 1, -1)).toThrow(RangeError)
    expect(() => removeFromHost(state, 1, 1)).toThrow("host 1 has no list entry 1")
    expect(Array.from(state.hostVmIds.subarray(0, state.hostVmCount[0]!))).toEqual([0, 1])
    const second = state.hostSlots
    expect(Array.from(state.hostVmIds.subarray(second, second + state.hostVmCount[1]!))).toEqual([2])
  })
})
