import { describe, expect, it } from "vitest"
import { meanTimeline, sampleTimeline } from "../../../../src/adapters/sim/report/sampledTimeline.js"
import type { Timeline } from "../../../../src/adapters/sim/SimulationResult.js"
import { runSimulationJob } from "../../../../src/adapters/sim/sweep/simulationJob.js"

const timeline = (steps: number): Timeline => ({
  timeSec: Float64Array.from({ length: steps }, (_, k) => k * 300),
  activeHosts: Int32Array.from({ length: steps }, (_, k) => 10 + k),
  powerW: Float64Array.from({ length: steps }, (_, k) => 1000 * (k + 1)),
  overloadedHosts: new Int32Array(steps),
  migrations: Int32Array.from({ length: steps }, (_, k) => k % 3)
})

describe("sampleTimeline", () => {
  it("keeps a day of 288 steps whole, as plain arrays", () => {
    const sampled = sampleTimeline(timeline(288))
    expect(sampled.timeSec).toHaveLength(288)
    expect(Array.isArray(sampled.activeHosts)).toBe(true)
    expect(sampled.activeHosts[5]).toBe(15)
  })

  it("merges longer runs into buckets: hosts and power averaged, migrations summed", () => {
    const sampled = sampleTimeline(timeline(10), 4)
    // Buckets of three steps: [0,1,2], [3,4,5], [6,7,8], [9].
    expect(sampled.timeSec).toEqual([0, 900, 1800, 2700])
    expect(sampled.activeHosts).toEqual([11, 14, 17, 19])
    expect(sampled.powerW).toEqual([2000, 5000, 8000, 10000])
    expect(sampled.migrations).toEqual([3, 3, 3, 0])
  })
})

describe("meanTimeline", () => {
  it("averages step by step over the steps all have", () => {
    const a = { timeSec: [0, 300, 600], activeHosts: [10, 20, 30], powerW: [1, 2, 3], migrations: [0, 2, 4] }
    const b = { timeSec: [0, 300], activeHosts: [20, 40], powerW: [3, 4], migrations: [2, 2] }
    expect(meanTimeline([a, b])).toEqual({
      timeSec: [0, 300],
      activeHosts: [15, 30],
      powerW: [2, 3],
      migrations: [1, 2]
    })
    expect(meanTimeline([])).toBeUndefined()
  })
})

describe("the sweep's default runner", () => {
  it("returns the metrics with the run's sampled timeline", async () => {
    const output = await runSimulationJob({
      key: "k",
      index: 0,
      policy: "cloudsim",
      params: { hosts: 10 },
      trace: "synthetic:vms=12,seed=3"
    })
    expect(typeof output.energyKwh).toBe("number")
    expect(output.timeline?.timeSec.length).toBeGreaterThan(10)
    expect(output.timeline?.activeHosts.length).toBe(output.timeline?.timeSec.length)
  })
})
