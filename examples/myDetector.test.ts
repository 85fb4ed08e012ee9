/** A test to copy beside your own detector: its verdicts, its state through JSON, its parameters. */
import { describe, expect, it } from "vitest"
import { myDetector } from "./myDetector.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

/** Feeds a utilisation series one interval at a time, as a local manager does, carrying the state. */
const run = (series: ReadonlyArray<number>, params: unknown) => {
  const detector = myDetector(params, ctx)
  let state = detector.initialState
  return series.map((_, i) => {
    const [overloaded, next] = detector.decide(series.slice(0, i + 1), state)
    // The state contract: the live local manager saves the state as JSON and resumes it.
    state = JSON.parse(JSON.stringify(next))
    return overloaded
  })
}

describe("myDetector", () => {
  it("reports an overload only after the utilisation has stayed above the threshold", () => {
    expect(run([0.9, 0.95, 0.5, 0.9, 0.95, 0.97], { threshold: 0.8, intervals: 2 })).toEqual([
      false,
      true,
      false,
      false,
      true,
      true
    ])
  })

  it("takes its defaults for missing parameters and refuses bad ones", () => {
    expect(run([0.9, 0.9, 0.9], {})).toEqual([false, false, true])
    expect(() => myDetector({ threshold: 2 }, ctx)).toThrow(/threshold: expected a fraction between 0 and 1, got 2/)
    expect(() => myDetector({ treshold: 0.5 }, ctx)).toThrow(/treshold/)
  })
})
