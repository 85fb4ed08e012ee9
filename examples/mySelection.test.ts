/** A test to copy beside your own VM selection: it picks among the VMs it is given, or none. */
import { describe, expect, it } from "vitest"
import { busiestVm } from "./mySelection.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

describe("busiestVm", () => {
  it("selects the VM with the highest recent CPU, and nothing from no VMs", () => {
    const selector = busiestVm({ last_n: 2 }, ctx)
    const vms = [
      { uuid: "a", cpuMhz: [100, 900, 100], ramMb: 512 },
      { uuid: "b", cpuMhz: [100, 400, 400], ramMb: 512 },
      { uuid: "c", cpuMhz: [50], ramMb: 256 }
    ]
    expect(selector.select(vms, selector.initialState)[0]).toEqual(["a"])
    expect(busiestVm({ last_n: 1 }, ctx).select(vms, null)[0]).toEqual(["b"])
    expect(selector.select([], selector.initialState)[0]).toEqual([])
  })
})
