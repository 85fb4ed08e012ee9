/**
 * A catalogue detector inside CloudSim's policy: what it sees (CloudSim's host history oldest
 * first, the newest value THR's utilisation) and its states (one per host; a round's committed
 * test decides the next state, tentative tests leave it untouched).
 */
import { describe, expect, it } from "vitest"
import { makeHostLoad } from "../../../src/algorithms/cloudsim/HostLoad.js"
import { CatalogueDetector } from "../../../src/algorithms/cloudsim/overload/CatalogueDetector.js"
import { CatalogueSelection } from "../../../src/algorithms/cloudsim/selection/CatalogueSelection.js"
import { SelectionInput } from "../../../src/algorithms/cloudsim/selection/VmSelection.js"
import type { Detector, VmSelector } from "../../../src/algorithms/types.js"
import { ConfigError } from "../../../src/core/errors.js"

/** Counts its committed decisions in its state and records what it saw. */
const counting = (seen: Array<{ history: ReadonlyArray<number>; state: number }>): Detector<number> => ({
  initialState: 0,
  decide: (history, state) => {
    seen.push({ history: [...history], state })
    return [false, state + 1]
  }
})

const loadOf = (host: number, history: ReadonlyArray<number>, requested: number, commit: boolean) => {
  const load = makeHostLoad(30)
  load.history.set(history)
  load.historyLength = history.length
  load.totalMips = 1000
  load.requestedMips = requested
  load.host = host
  load.commit = commit
  return load
}

describe("a catalogue detector in CloudSim's policy", () => {
  it("sees CloudSim's history oldest first, its newest value demand / capacity", () => {
    const seen: Array<{ history: ReadonlyArray<number>; state: number }> = []
    const detector = new CatalogueDetector("counting", counting(seen) as unknown as Detector)
    detector.isOverloaded(loadOf(0, [0.51, 0.4, 0.3], 512, true))
    expect(seen[0]!.history).toEqual([0.3, 0.4, 0.512])
  })

  it("keeps one state per host; tentative tests are given the same state and their states dropped", () => {
    const seen: Array<{ history: ReadonlyArray<number>; state: number }> = []
    const detector = new CatalogueDetector("counting", counting(seen) as unknown as Detector)
    for (let round = 0; round < 3; round++) {
      detector.beginRound()
      detector.isOverloaded(loadOf(0, [0.5], 500, true))
      detector.isOverloaded(loadOf(0, [0.5], 600, false))
      detector.isOverloaded(loadOf(0, [0.5], 700, false))
      detector.isOverloaded(loadOf(1, [0.5], 700, false))
    }
    // Host 0: every test of round r sees r; host 1, only ever tested tentatively, stays at 0.
    expect(seen.map((s) => s.state)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 2, 2, 2, 0])
  })

  it("names the detector when it returns something else than [boolean, state]", () => {
    const broken = { initialState: null, decide: () => "yes" } as unknown as Detector
    const detector = new CatalogueDetector("mine.ts#broken", broken)
    expect(() => detector.isOverloaded(loadOf(0, [0.5], 500, true))).toThrow(ConfigError)
    expect(() => detector.isOverloaded(loadOf(0, [0.5], 500, true))).toThrow(/mine\.ts#broken.*"yes"/)
  })
})

describe("a catalogue selection in CloudSim's loop", () => {
  const input = () => {
    const selection = new SelectionInput(
      Int32Array.of(2, 0, 1),
      Float64Array.of(613, 870, 1740),
      Float64Array.of(1000, 2000, 2500),
      Float64Array.of(100, 200, 300),
      Float64Array.of(0.3, 0.2, 0.1, 0.3, 0.2, 0.1)
    )
    selection.count = 2
    selection.historyLength = 3
    selection.host = 4
    return selection
  }
  const names = ["vm-a", "vm-b", "vm-c"]

  it("sees the candidates as VmSamples in list order, CPU in MHz oldest first, the newest the demand", () => {
    const seen: Array<unknown> = []
    const selector: VmSelector = {
      initialState: null,
      select: (vms, state) => {
        seen.push(vms)
        return [[vms[1]!.uuid], state]
      }
    }
    expect(new CatalogueSelection("mine", selector, names).select(input())).toBe(1)
    expect(seen[0]).toEqual([
      { uuid: "vm-c", ramMb: 1740, cpuMhz: [250, 500, 300] },
      { uuid: "vm-a", ramMb: 613, cpuMhz: [100, 200, 100] }
    ])
  })

  it("refuses a VM it was not given, naming the selection", () => {
    const selector: VmSelector = { initialState: null, select: (_vms, state) => [["vm-b"], state] }
    expect(() => new CatalogueSelection("mine.ts#pick", selector, names).select(input())).toThrow(
      /mine\.ts#pick.*"vm-b".*not one of the VMs/
    )
  })
})
