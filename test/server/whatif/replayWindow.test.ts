import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { hpProLiantMl110G4 } from "../../../src/adapters/sim/PowerModel.js"
import { renderReport } from "../../../src/adapters/sim/report/renderReport.js"
import { defaultControlOptions } from "../../../src/core/control/ControlStep.js"
import type { RecordedHost, RecordedVm, RecordedWindow } from "../../../src/server/whatif/RecordedWindow.js"
import { recordedPlacement } from "../../../src/server/whatif/recordedPlacement.js"
import { replayWindow } from "../../../src/server/whatif/replayWindow.js"
import { windowResult } from "../../../src/server/whatif/windowResult.js"
import { bestFitDecreasing, busiestVm, overloadAbove, underloadBelow } from "../../support/algorithms.js"

const t0 = Date.UTC(2026, 10, 24)
const steps = 24
/** A collector's record that the VM ran on `host` from before the window. */
const placedOn = (host: string | undefined) =>
  host === undefined ? [] : [{ timeMs: t0 - 60_000, host, kind: "placement" as const }]
const host = (name: string): RecordedHost => ({
  name,
  cpuMhz: 3720,
  cores: 2,
  ramMb: 4096,
  power: hpProLiantMl110G4,
  activeAtStart: true,
  // The hypervisor's own use (host_resource_usage): the host's total is this plus its VMs'.
  ownCpu: Array.from({ length: steps }, (_, k) => ({ timeMs: t0 + k * 300_000, value: 60 })),
  states: []
})
/** Light VMs: the recorded cloud kept all four hosts up; a consolidating policy should not. */
const vm = (uuid: string, level: number, host: string): RecordedVm => ({
  uuid,
  capacityMhz: 1000,
  ramMb: 512,
  hostAtStart: host,
  moves: placedOn(host),
  cpu: Array.from({ length: steps }, (_, k) => ({ timeMs: t0 + k * 300_000, value: level * (1 + 0.2 * Math.sin(k)) }))
})

const window: RecordedWindow = {
  startMs: t0,
  endMs: t0 + steps * 300_000,
  intervalSec: 300,
  migrationSec: 8,
  hosts: ["h1", "h2", "h3", "h4"].map(host),
  vms: [
    vm("a", 150, "h1"),
    vm("b", 100, "h1"),
    vm("c", 200, "h2"),
    vm("d", 120, "h3"),
    vm("e", 90, "h4"),
    vm("f", 60, "h4")
  ],
  migrations: []
}

/** Neat-like thresholds (underload below 0.3, overload above 0.9) and best fit, over 10 samples. */
const algorithms = {
  underload: underloadBelow(0.3),
  overload: overloadAbove(0.9),
  selector: busiestVm,
  placer: bestFitDecreasing(0.9, 1)
}
const options = { ...defaultControlOptions, vmHistoryLength: 10 }

describe("what-if replay", () => {
  it("replays the recorded use through the control core and compares with what happened", () => {
    const replay = Effect.runSync(replayWindow(window, algorithms, options))
    const actual = windowResult(window)
    expect(actual.metrics.hostShutdowns).toBe(0)
    expect(actual.timeline.activeHosts.every((n) => n === 4)).toBe(true)
    expect(replay.result.metrics.vms).toBe(6)
    expect(replay.result.metrics.hosts).toBe(4)
    const lastActive = replay.result.timeline.activeHosts[replay.result.timeline.activeHosts.length - 1]!
    expect(lastActive).toBeLessThan(4)
    expect(replay.result.metrics.energyKwh).toBeLessThan(actual.metrics.energyKwh)
    const html = renderReport(
      [
        { label: "recorded", result: actual },
        { label: "what-if: threshold 0.3 / 0.9", result: replay.result }
      ],
      { title: "What-if" }
    )
    expect(html).toContain("what-if: threshold 0.3 / 0.9")
  })
})

describe("what-if replay from the recorded placement", () => {
  /** Six VMs of 600 MHz using 400 MHz each: 2400 of h1's 3720 MHz, neither under- nor overloaded. */
  const packed = (hostAtStart: string | undefined, capacityMhz = 600): RecordedWindow => ({
    ...window,
    vms: ["a", "b", "c", "d", "e", "f"].map((uuid) => ({
      uuid,
      capacityMhz,
      ramMb: 512,
      hostAtStart,
      moves: placedOn(hostAtStart),
      cpu: Array.from({ length: steps }, (_, k) => ({ timeMs: t0 + k * 300_000, value: 400 }))
    }))
  })

  it("starts every VM where the store says it ran", () => {
    expect(recordedPlacement(packed("h1"))).toEqual({
      placement: { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 },
      known: 6
    })
    expect(recordedPlacement(packed(undefined)).known).toBe(0)
    expect(recordedPlacement(packed("not-a-recorded-host")).known).toBe(0)
  })

  it("keeps a recorded consolidation that best fit would have spread", () => {
    // From the recorded placement, h1 is busy enough and nothing is underloaded: no migration.
    const recorded = Effect.runSync(replayWindow(packed("h1"), algorithms, options))
    expect(recorded.result.metrics.migrations).toBe(0)
    // Every VM stays on h1: the three other hosts carry no VM use at any step.
    expect(recorded.result.metrics.idleTimeFraction).toBe(3 / 4)
    // From best fit (no recorded host), the VMs start spread and the policy moves them.
    const spread = Effect.runSync(replayWindow(packed(undefined), algorithms, options))
    expect(spread.result.metrics.migrations).toBeGreaterThan(0)
  })

  it("names the host and the assumption when the recorded placement does not fit", () => {
    const failed = Effect.runSync(Effect.flip(replayWindow(packed("h1", 1000), algorithms, options)))
    expect(failed._tag).toBe("ConfigError")
    expect(failed.message).toMatch(/VM d does not fit on h1 as given: 1000 MHz asked, 720 MHz of 3720 left/)
    expect(failed.message).toMatch(/--vm-capacity-mhz/)
  })
})

describe("what-if replay from the recorded power states", () => {
  it("starts the hosts that were suspended suspended", () => {
    const packed = (activeAtStart: boolean): RecordedWindow => ({
      ...window,
      hosts: window.hosts.map((recorded) => ({ ...recorded, activeAtStart: recorded.name === "h1" || activeAtStart })),
      vms: ["a", "b", "c", "d"].map((uuid) => ({
        uuid,
        capacityMhz: 900,
        ramMb: 512,
        hostAtStart: "h1",
        moves: placedOn("h1"),
        cpu: Array.from({ length: steps }, (_, k) => ({ timeMs: t0 + k * 300_000, value: 500 }))
      }))
    })
    const suspended = Effect.runSync(replayWindow(packed(false), algorithms, options))
    const awake = Effect.runSync(replayWindow(packed(true), algorithms, options))
    // Awake idle hosts draw power until the first decision suspends them; suspended ones never do.
    expect(suspended.result.metrics.energyKwh).toBeLessThan(awake.result.metrics.energyKwh)
    expect(suspended.result.metrics.migrations).toBe(0)
  })
})
