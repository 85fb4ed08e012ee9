/** A test to copy beside your own VM placement: no host over its limits, all VMs or none, only given hosts. */
import type { PlacementInput } from "neat/algorithms"
import { describe, expect, it } from "vitest"
import { firstFitDecreasing } from "./myPlacement.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }
const host = (name: string, cpuUsedMhz: number) => ({ name, cpuMhz: 3000, cpuUsedMhz, ramMb: 4096, ramUsedMb: 0 })

describe("firstFitDecreasing", () => {
  it("places the largest VM first, on active hosts before suspended ones, within the CPU threshold", () => {
    const input: PlacementInput = {
      hosts: [host("h1", 2000)],
      inactiveHosts: [host("h2", 0)],
      vms: [
        { uuid: "small", cpuMhz: [500], ramMb: 512 },
        { uuid: "large", cpuMhz: [800], ramMb: 512 }
      ]
    }
    const placer = firstFitDecreasing({ cpu_threshold: 0.9 }, ctx)
    // 2000 + 800 > 2700 on h1, so the large VM wakes h2; the small one still fits on h1.
    expect(placer.place(input, placer.initialState)[0]).toEqual({ large: "h2", small: "h1" })
  })

  it("places all the VMs or none", () => {
    const input: PlacementInput = {
      hosts: [host("h1", 0)],
      inactiveHosts: [],
      vms: [
        { uuid: "a", cpuMhz: [2000], ramMb: 512 },
        { uuid: "b", cpuMhz: [2000], ramMb: 512 }
      ]
    }
    const placer = firstFitDecreasing({}, ctx)
    expect(placer.place(input, placer.initialState)[0]).toBeUndefined()
  })
})
