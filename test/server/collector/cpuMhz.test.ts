import { describe, expect, it } from "vitest"
import { calculateCpuMhz, hostCpuMhz, isOverloaded, vmCpuStep } from "../../../src/server/collector/cpuMhz.js"

describe("calculateCpuMhz", () => {
  it("is the share of one core used times the core's clock, truncated (Neat's test values)", () => {
    // Half a core for 10 s at 3000 MHz.
    expect(calculateCpuMhz(3000, 100, 110, 0, 5e9)).toBe(1500)
    expect(calculateCpuMhz(1000, 0, 300, 0, 299.999e9)).toBe(999)
    expect(calculateCpuMhz(2000, 10, 20, 1e9, 1e9)).toBe(0)
  })
})

describe("vmCpuStep", () => {
  const base = {
    coreMhz: 2000,
    previousTimeSec: 1000,
    currentTimeSec: 1300,
    previousCpuTimeNs: { a: 100e9, b: 500e9, gone: 1e9 },
    previousCpuMhz: { a: 10, b: 777, gone: 5 }
  }

  it("computes known VMs, keeps the last value when a counter goes backwards and seeds new VMs", () => {
    const step = vmCpuStep({
      ...base,
      currentVms: ["a", "b", "new", "fresh"],
      // a used 150 s of CPU in 300 s: half a core. b restarted: its counter is back near 0.
      currentCpuTimeNs: new Map([
        ["a", 250e9],
        ["b", 3e9],
        ["new", 42e9],
        ["fresh", 7e9]
      ]),
      addedVmData: { new: [300, 400], fresh: [] }
    })
    expect(step.cpuMhz).toEqual({ a: 1000, b: 777, new: 400 })
    expect(step.cpuTimeNs).toEqual({ a: 250e9, b: 3e9, new: 42e9, fresh: 7e9 })
  })

  it("treats a VM that vanished mid-interval (no reading) as a counter reset", () => {
    const step = vmCpuStep({ ...base, currentVms: ["a"], currentCpuTimeNs: new Map(), addedVmData: {} })
    expect(step.cpuMhz).toEqual({ a: 10 })
    expect(step.cpuTimeNs).toEqual({ a: 0 })
  })

  it("gives no value to a reset VM that never had one", () => {
    const step = vmCpuStep({
      ...base,
      previousCpuMhz: {},
      currentVms: ["b"],
      currentCpuTimeNs: new Map([["b", 1]]),
      addedVmData: {}
    })
    expect(step.cpuMhz).toEqual({})
  })
})

describe("hostCpuMhz", () => {
  it("is the busy share of the interval times the host's total MHz", () => {
    expect(hostCpuMhz(8000, { total: 1000, busy: 200 }, { total: 2000, busy: 450 })).toBe(2000)
    expect(hostCpuMhz(8000, { total: 0, busy: 0 }, { total: 400, busy: 400 })).toBe(8000)
  })

  it("has no value when the counters stand still or go backwards", () => {
    expect(hostCpuMhz(8000, { total: 1000, busy: 200 }, { total: 1000, busy: 200 })).toBeUndefined()
    expect(hostCpuMhz(8000, { total: 1000, busy: 200 }, { total: 50, busy: 10 })).toBeUndefined()
    expect(hostCpuMhz(8000, { total: 1000, busy: 200 }, { total: 2000, busy: 100 })).toBeUndefined()
  })
})

describe("isOverloaded", () => {
  it("compares the VMs' total with the threshold share of the host", () => {
    expect(isOverloaded(0.8, 1000, [400, 401])).toBe(true)
    expect(isOverloaded(0.8, 1000, [400, 400])).toBe(false)
  })
})
