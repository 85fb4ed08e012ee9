import { describe, expect, it } from "vitest"
import { hostOwnCpuMhz, hostUtilization, usableCpuMhz } from "../../../src/core/control/HostUtilization.js"

describe("hostUtilization", () => {
  it("sums aligned VM and host histories and divides by the capacity", () => {
    expect(hostUtilization([[100, 200], [300]], [50, 50], 1000)).toEqual([0.15, 0.55])
  })

  it("pads short histories at the old end and cuts the host history to the longest VM history", () => {
    expect(hostUtilization([[100, 200, 300]], [10, 20, 30, 40, 50], 1000)).toEqual([0.13, 0.24, 0.35])
    expect(hostUtilization([[100, 200, 300]], [50], 1000)).toEqual([0.1, 0.2, 0.35])
  })

  it("is empty when no VM has a sample yet", () => {
    expect(hostUtilization([[], []], [100], 1000)).toEqual([])
    expect(hostUtilization([], [100], 1000)).toEqual([])
  })

  it("gives only the newest values when asked, the same numbers as the whole series' last ones", () => {
    const vms = [
      [100, 200, 300, 400],
      [30, 70],
      [1, 2, 3]
    ]
    const own = [7, 9, 11]
    const whole = hostUtilization(vms, own, 1300)
    for (const newest of [1, 2, 3, 4]) expect(hostUtilization(vms, own, 1300, newest)).toEqual(whole.slice(-newest))
    expect(hostUtilization(vms, own, 1300, 10)).toEqual(whole)
    expect(hostUtilization([[], []], own, 1300, 2)).toEqual([])
  })
})

describe("hostOwnCpuMhz", () => {
  it("subtracts the VMs from the host total, never below zero", () => {
    expect(
      hostOwnCpuMhz(
        [500, 700, 300],
        [
          [100, 200, 300],
          [200, 100]
        ]
      )
    ).toEqual([400, 300, 0])
  })
})

describe("usableCpuMhz", () => {
  it("truncates as Neat's int() does", () => {
    expect(usableCpuMhz(8 * 2660, 0.95)).toBe(20216)
  })
})
