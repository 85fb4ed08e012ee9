import { describe, expect, it } from "vitest"
import { hpProLiantMl110G4, powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { renderReport } from "../../../src/adapters/sim/report/renderReport.js"
import type { RecordedWindow } from "../../../src/server/whatif/RecordedWindow.js"
import { valueAt } from "../../../src/server/whatif/RecordedWindow.js"
import { recordedResult } from "../../../src/server/whatif/recordedResult.js"
import { recordedTrace } from "../../../src/server/whatif/recordedTrace.js"

const t0 = Date.UTC(2026, 10, 24, 0, 0, 0)
const min = 60_000

/** Two hosts over 20 minutes (four 300 s steps); h2 is suspended after 10 minutes. */
const window: RecordedWindow = {
  startMs: t0,
  endMs: t0 + 20 * min,
  intervalSec: 300,
  hosts: [
    {
      name: "h1",
      cpuMhz: 2000,
      cores: 2,
      ramMb: 4096,
      power: hpProLiantMl110G4,
      activeAtStart: true,
      cpu: [
        { timeMs: t0 - min, value: 1000 },
        { timeMs: t0 + 9 * min, value: 2000 }
      ],
      states: []
    },
    {
      name: "h2",
      cpuMhz: 2000,
      cores: 2,
      ramMb: 4096,
      power: hpProLiantMl110G4,
      activeAtStart: true,
      cpu: [{ timeMs: t0, value: 200 }],
      states: [{ timeMs: t0 + 10 * min, value: 0 }]
    }
  ],
  vms: [
    {
      uuid: "a",
      capacityMhz: 1000,
      ramMb: 512,
      hostAtStart: "h1",
      cpu: [
        { timeMs: t0 + 2 * min, value: 500 },
        { timeMs: t0 + 6 * min, value: 1500 }
      ]
    }
  ],
  migrations: [{ vm: "b", host: "h1", timeMs: t0 + 8 * min }]
}

describe("what actually happened in a recorded window", () => {
  it("finds the value in force at a time", () => {
    const samples = [
      { timeMs: 10, value: 1 },
      { timeMs: 20, value: 2 }
    ]
    expect([
      valueAt(samples, 5, -1),
      valueAt(samples, 10, -1),
      valueAt(samples, 19, -1),
      valueAt(samples, 99, -1)
    ]).toEqual([-1, 1, 1, 2])
  })

  it("resamples VM use onto the decision steps as fractions of capacity", () => {
    const trace = recordedTrace(window)
    expect(trace.samples).toBe(4)
    expect(trace.names).toEqual(["a"])
    // Before the first sample its value stands in; values above capacity are clamped.
    expect([...trace.cpu]).toEqual([0.5, 0.5, 1, 1])
    expect([...(trace.ramMb ?? [])]).toEqual([512])
  })

  it("reports active hosts, power, overloads, migrations and energy per step", () => {
    const { metrics, timeline } = recordedResult(window)
    expect([...timeline.activeHosts]).toEqual([2, 2, 1, 1])
    expect([...timeline.overloadedHosts]).toEqual([0, 0, 1, 1])
    expect([...timeline.migrations]).toEqual([0, 1, 0, 0])
    const p = (u: number) => powerAt(hpProLiantMl110G4, u)
    expect(timeline.powerW[0]).toBeCloseTo(p(0.5) + p(0.1), 9)
    expect(timeline.powerW[3]).toBeCloseTo(p(1), 9)
    expect(metrics.energyKwh).toBeCloseTo(((2 * (p(0.5) + p(0.1)) + 2 * p(1)) * 300) / 3.6e6, 12)
    expect(metrics.migrations).toBe(1)
    expect(metrics.hostShutdowns).toBe(1)
    expect(metrics.slatahPct).toBeCloseTo((100 * 2) / 6, 9)
    expect(Number.isNaN(metrics.pdmPct)).toBe(true)
  })

  it("renders in the simulator's report beside a replay", () => {
    const html = renderReport([{ label: "recorded", result: recordedResult(window) }], { title: "What-if" })
    expect(html).toContain("recorded")
    expect(html).toContain("What-if")
  })
})
