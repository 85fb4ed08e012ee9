import { describe, expect, it } from "vitest"
import { replayDetector, replayDetectorWithState } from "../../src/algorithms/replay.js"
import type { Detector } from "../../src/algorithms/types.js"

/** Records what it is shown; decides "overloaded" on every second call. */
const recorder = () => {
  const seen: Array<ReadonlyArray<number>> = []
  const detector: Detector<number> = {
    initialState: 0,
    decide: (utilization, calls) => {
      seen.push([...utilization])
      return [calls % 2 === 1, calls + 1]
    }
  }
  return { detector, seen }
}

describe("replayDetector", () => {
  it("shows the last `window` samples up to each step and threads the state", () => {
    const { detector, seen } = recorder()
    expect(replayDetector(detector, [0.1, 0.2, 0.3, 0.4], 2)).toEqual([false, true, false, true])
    expect(seen).toEqual([[0.1], [0.1, 0.2], [0.2, 0.3], [0.3, 0.4]])
  })

  it("starts from a given state and returns the last one", () => {
    const { detector } = recorder()
    expect(replayDetectorWithState(detector, [0.5, 0.5], 10, 1)).toEqual({ decisions: [true, false], finalState: 3 })
  })

  it("decides nothing for an empty sequence", () => {
    expect(replayDetectorWithState(recorder().detector, [], 5)).toEqual({ decisions: [], finalState: 0 })
  })

  it("refuses a window that is not a positive integer", () => {
    expect(() => replayDetector(recorder().detector, [0.5], 0)).toThrow(/window/)
    expect(() => replayDetector(recorder().detector, [0.5], 1.5)).toThrow(/window/)
  })
})
