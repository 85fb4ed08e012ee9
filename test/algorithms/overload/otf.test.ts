import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  decodeOtfParams,
  initialOtfState,
  type OtfState,
  OtfStateSchema,
  otf,
  otfDecision
} from "../../../src/algorithms/overload/otf.js"
import { replayDetectorWithState } from "../../../src/algorithms/replay.js"
import { describeError } from "../../../src/core/errors.js"

const history = [0.9, 1.3, 1.1, 1.2, 0.3, 0.2, 0.1, 0.1]
const params = { otf: 0.5, threshold: 1.0, limit: 4 }

describe("otfDecision (Neat's test_otf)", () => {
  it("counts overloaded steps and decides with the migration time of each call", () => {
    // [utilisation history, migration time in steps, expected state, expected decision]
    const steps: ReadonlyArray<readonly [ReadonlyArray<number>, number, OtfState, boolean]> = [
      [[0.9], 1, { overload: 0, total: 1 }, false],
      [[0.9, 1.3], 1, { overload: 1, total: 2 }, false],
      [[0.9, 1.3, 1.1], 1, { overload: 2, total: 3 }, false],
      [[0.9, 1.3, 1.1, 1.2], 1, { overload: 3, total: 4 }, true],
      [[0.9, 1.3, 1.1, 1.2, 0.3], 100, { overload: 3, total: 5 }, false],
      [[0.9, 1.3, 1.1, 1.2, 1.3], 1, { overload: 4, total: 6 }, true],
      [[0.9, 1.3, 1.1, 1.2, 0.3, 0.2], 1, { overload: 4, total: 7 }, false],
      [[0.9, 1.3, 1.1, 1.2, 0.3, 0.2, 0.1], 0, { overload: 4, total: 8 }, false],
      [[0.9, 1.3, 1.1, 1.2, 0.3, 0.2, 0.1, 0.1], 0, { overload: 4, total: 9 }, false]
    ]
    let state = initialOtfState
    for (const [utilization, migrationSteps, expectedState, expectedDecision] of steps) {
      const [decision, next] = otfDecision(params, migrationSteps, utilization, state)
      expect(next).toEqual(expectedState)
      expect(decision).toBe(expectedDecision)
      state = next
    }
  })
})

describe("otf detector (Neat's test_otf_factory)", () => {
  it("derives the migration time from the context and keeps its state between calls", () => {
    const detector = otf(params, { timeStepSec: 30, migrationTimeSec: 0 })
    const expected: ReadonlyArray<readonly [OtfState, boolean]> = [
      [{ overload: 0, total: 1 }, false],
      [{ overload: 1, total: 2 }, false],
      [{ overload: 2, total: 3 }, false],
      [{ overload: 3, total: 4 }, true],
      [{ overload: 3, total: 5 }, false]
    ]
    let state = detector.initialState
    expected.forEach(([expectedState, expectedDecision], index) => {
      const [decision, next] = detector.decide(history.slice(0, index + 1), state)
      expect(next).toEqual(expectedState)
      expect(decision).toBe(expectedDecision)
      state = next
    })
  })

  it("leaves the state untouched for an empty history", () => {
    const detector = otf(params, { timeStepSec: 300, migrationTimeSec: 20 })
    expect(detector.decide([], { overload: 2, total: 3 })).toEqual([false, { overload: 2, total: 3 }])
  })

  it("rejects a context without a positive time step", () => {
    expect(() => otf(params, { timeStepSec: 0, migrationTimeSec: 20 })).toThrow(
      expect.objectContaining({ _tag: "ConfigError", field: "time_step" })
    )
    expect(() => otf(params, { timeStepSec: 300, migrationTimeSec: -1 })).toThrow(
      expect.objectContaining({ _tag: "ConfigError", field: "migration_time" })
    )
  })
})

describe("decodeOtfParams", () => {
  it("accepts Neat's parameters", () => {
    expect(Either.getOrThrow(decodeOtfParams({ otf: 0.1, threshold: 0.9, limit: 3 }))).toEqual({
      otf: 0.1,
      threshold: 0.9,
      limit: 3
    })
  })

  it("names the bad field", () => {
    const result = decodeOtfParams({ otf: 0.1, threshold: 0.9, limit: 2.5 })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result))
      expect(describeError(result.left)).toBe("configuration: overload/otf limit: expected an integer, got 2.5")
    const missing = decodeOtfParams({ otf: 0.1, limit: 2 })
    if (Either.isLeft(missing))
      expect(describeError(missing.left)).toBe("configuration: overload/otf threshold: is required")
    else expect.fail("a missing threshold must be rejected")
  })
})

const utilizationArb = fc.array(fc.double({ min: 0, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 60 })
const paramsArb = fc.record({
  otf: fc.double({ min: 0, max: 1, noNaN: true }),
  threshold: fc.double({ min: 0.5, max: 1.2, noNaN: true }),
  limit: fc.integer({ min: 0, max: 20 })
})
const ctxArb = fc.record({
  timeStepSec: fc.integer({ min: 1, max: 600 }),
  migrationTimeSec: fc.double({ min: 0, max: 900, noNaN: true })
})

describe("otf properties", () => {
  it("is deterministic", () => {
    fc.assert(
      fc.property(paramsArb, ctxArb, utilizationArb, fc.integer({ min: 1, max: 30 }), (p, ctx, sequence, window) => {
        const first = replayDetectorWithState(otf(p, ctx), sequence, window)
        const second = replayDetectorWithState(otf(p, ctx), sequence, window)
        expect(second).toEqual(first)
      })
    )
  })

  it("continues identically after a JSON round trip of its state", () => {
    fc.assert(
      fc.property(paramsArb, ctxArb, utilizationArb, fc.nat(), (p, ctx, sequence, cut) => {
        const detector = otf(p, ctx)
        const split = cut % (sequence.length + 1)
        const straight = replayDetectorWithState(detector, sequence, 10)
        const head = replayDetectorWithState(detector, sequence.slice(0, split), 10)
        const restored: OtfState = Schema.decodeUnknownSync(OtfStateSchema)(JSON.parse(JSON.stringify(head.finalState)))
        // Resume with the same windows the straight run saw after the cut.
        let state = restored
        const tail: Array<boolean> = []
        for (let i = split + 1; i <= sequence.length; i++) {
          const [decision, next] = detector.decide(sequence.slice(Math.max(0, i - 10), i), state)
          tail.push(decision)
          state = next
        }
        expect([...head.decisions, ...tail]).toEqual(straight.decisions)
        expect(state).toEqual(straight.finalState)
      })
    )
  })

  it("never reports more overloads when the acceptable OTF is raised", () => {
    fc.assert(
      fc.property(
        paramsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        ctxArb,
        utilizationArb,
        (p, other, ctx, seq) => {
          const lower = Math.min(p.otf, other)
          const higher = Math.max(p.otf, other)
          const strict = replayDetectorWithState(otf({ ...p, otf: lower }, ctx), seq, 30).decisions
          const lenient = replayDetectorWithState(otf({ ...p, otf: higher }, ctx), seq, 30).decisions
          lenient.forEach((overloaded, i) => {
            if (overloaded) expect(strict[i]).toBe(true)
          })
        }
      )
    )
  })
})

describe("otf factory validation", () => {
  it("rejects typed parameters that break the schema's constraints, naming the field", () => {
    expect(() => otf({ otf: 0.2, threshold: 0.9, limit: -1 }, { timeStepSec: 300, migrationTimeSec: 20 })).toThrow(
      expect.objectContaining({ _tag: "ConfigError", field: "overload/otf limit" })
    )
  })
})
