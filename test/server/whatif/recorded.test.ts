import { describe, expect, it } from "vitest"
import { hpProLiantMl110G4, powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { renderReport } from "../../../src/adapters/sim/report/renderReport.js"
import type { RecordedWindow } from "../../../src/server/whatif/RecordedWindow.js"
import { liveValueAt, valueAt } from "../../../src/server/whatif/RecordedWindow.js"
import { recordedTrace } from "../../../src/server/whatif/recordedTrace.js"
import { unplacedUse, windowResult } from "../../../src/server/whatif/windowResult.js"

const t0 = Date.UTC(2026, 10, 24, 0, 0, 0)
const min = 60_000

/**
 * Two hosts over 20 minutes (four 300 s steps); h2 is suspended after 10 minutes, once VM b has
 * migrated from it to h1. The hosts' rows hold their own use (hypervisor overhead), as Neat's
 * collector writes `host_resource_usage`: a host's total is that plus its VMs' use.
 */
const window: RecordedWindow = {
  startMs: t0,
  endMs: t0 + 20 * min,
  intervalSec: 300,
  migrationSec: 8,
  hosts: [
    {
      name: "h1",
      cpuMhz: 2000,
      cores: 2,
      ramMb: 4096,
      power: hpProLiantMl110G4,
      activeAtStart: true,
      ownCpu: [
        { timeMs: t0 - min, value: 100 },
        { timeMs: t0 + 9 * min, value: 200 },
        { timeMs: t0 + 14 * min, value: 200 }
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
      ownCpu: [
        { timeMs: t0, value: 200 },
        { timeMs: t0 + 5 * min, value: 200 }
      ],
      states: [{ timeMs: t0 + 10 * min, value: 0 }]
    }
  ],
  vms: [
    {
      uuid: "a",
      capacityMhz: 1000,
      ramMb: 512,
      hostAtStart: "h1",
      moves: [{ timeMs: t0 - 5 * min, host: "h1", kind: "placement" }],
      cpu: [
        { timeMs: t0 + 2 * min, value: 500 },
        { timeMs: t0 + 6 * min, value: 1900 },
        { timeMs: t0 + 11 * min, value: 1900 }
      ]
    },
    {
      uuid: "b",
      capacityMhz: 1000,
      ramMb: 512,
      hostAtStart: "h2",
      moves: [
        { timeMs: t0 - 5 * min, host: "h2", kind: "placement" },
        { timeMs: t0 + 8 * min, host: "h1", kind: "migration" }
      ],
      // It ends after its last sample: it no longer counts once that is an interval old (last step).
      cpu: [
        { timeMs: t0 + min, value: 300 },
        { timeMs: t0 + 6 * min, value: 300 },
        { timeMs: t0 + 9 * min, value: 300 }
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

  it("counts a series from its first sample until its last is an interval old", () => {
    const samples = [
      { timeMs: 100, value: 1 },
      { timeMs: 400, value: 2 }
    ]
    // Before the first: 0; a gap between two samples keeps the older; after the last, an interval (300).
    expect([50, 100, 399, 400, 699, 700].map((t) => liveValueAt(samples, t, 300))).toEqual([0, 1, 1, 2, 2, 0])
    expect(liveValueAt(samples, 700, 300, Number.NaN)).toBeNaN()
  })

  it("says how much VM use the store places on no host", () => {
    expect(unplacedUse(window)).toEqual({ vms: 0, share: 0 })
    // Without a's placement (a store from before vm_placements), a's use is on no host.
    const old = { ...window, vms: window.vms.map((vm) => (vm.uuid === "a" ? { ...vm, moves: [] } : vm)) }
    expect(unplacedUse(old)).toEqual({ vms: 1, share: (500 + 1900 + 1900) / 4900 })
  })

  it("resamples VM use onto the decision steps as fractions of capacity", () => {
    const trace = recordedTrace(window)
    expect(trace.samples).toBe(4)
    expect(trace.names).toEqual(["a", "b"])
    // Each whole MHz recorded stands for the middle of its MHz (500 → 500.5); before the first
    // sample its value stands in; values above capacity are clamped.
    expect([...trace.cpu.subarray(0, 4)]).toEqual([0.5005, 0.5005, 1, 1])
    // b ends once its last sample (9 minutes in) is an interval old: 0 ends it in the simulator.
    expect([...trace.cpu.subarray(4, 8)]).toEqual([0.3005, 0.3005, 0.3005, 0])
    expect([...(trace.ramMb ?? [])]).toEqual([512, 512])
  })

  it("measures each host's total (own use plus its VMs'), power, overloads, migrations and energy per step", () => {
    const { metrics, timeline } = windowResult(window)
    const p = (u: number) => powerAt(hpProLiantMl110G4, u)
    // Step 0: own use only (no VM sample yet). Step 1: h1 100 + a 500, h2 200 + b 300. Step 2: b has
    // migrated to h1 (its sample counts there), h1 200 + 1900 + 300 is at full CPU, h2 is suspended.
    // Step 3: b has ended (its last sample is 6 minutes old), h1 200 + 1900 is still at full CPU.
    expect([...timeline.activeHosts]).toEqual([2, 2, 1, 1])
    expect([...timeline.overloadedHosts]).toEqual([0, 0, 1, 1])
    expect([...timeline.migrations]).toEqual([0, 1, 0, 0])
    expect(timeline.powerW[0]).toBeCloseTo(p(0.05) + p(0.1), 9)
    expect(timeline.powerW[1]).toBeCloseTo(p(0.3) + p(0.25), 9)
    expect(timeline.powerW[3]).toBeCloseTo(p(1), 9)
    expect(metrics.energyKwh).toBeCloseTo(((p(0.05) + p(0.1) + p(0.3) + p(0.25) + 2 * p(1)) * 300) / 3.6e6, 12)
    expect(metrics.migrations).toBe(1)
    expect(metrics.hostShutdowns).toBe(1)
    expect(metrics.meanTimeBeforeHostShutdownSec).toBe(600)
    expect(metrics.meanTimeBeforeMigrationSec).toBe(8)
    expect(metrics.slatahPct).toBeCloseTo((100 * 2) / 6, 9)
    expect(metrics.overloadTimeFraction).toBeCloseTo(2 / 6, 12)
    // Host steps without VM use: both at step 0, the suspended h2 at steps 2 and 3.
    expect(metrics.idleTimeFraction).toBe(4 / 8)
    // b's 300 MHz degraded by 10 % for its 8 s migration, over all VM use (MHz·s).
    const pdm = (0.1 * 300 * 8) / ((500 + 300 + 1900 + 300 + 1900) * 300)
    expect(metrics.pdmPct).toBeCloseTo(100 * pdm, 12)
    expect(metrics.slavPct).toBeCloseTo(100 * (2 / 6) * pdm, 12)
  })

  it("leaves undefined what the window cannot define", () => {
    const empty = windowResult({
      ...window,
      vms: [],
      migrations: [],
      hosts: window.hosts.map((h) => ({ ...h, states: [], activeAtStart: false }))
    })
    expect(empty.metrics.slatahPct).toBeNaN()
    expect(empty.metrics.pdmPct).toBeNaN()
    expect(empty.metrics.meanTimeBeforeHostShutdownSec).toBeNaN()
    expect(empty.metrics.meanTimeBeforeMigrationSec).toBeNaN()
    expect(empty.metrics.idleTimeFraction).toBe(1)
    expect(empty.metrics.energyKwh).toBe(0)
  })

  it("renders in the simulator's report beside a replay", () => {
    const html = renderReport([{ label: "recorded", result: windowResult(window) }], { title: "What-if" })
    expect(html).toContain("recorded")
    expect(html).toContain("What-if")
  })
})
