import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decideFromEstimates, initialMhodState, type MhodState } from "../../../../src/algorithms/overload/mhod/core.js"
import {
  decodeMhodParams,
  type MhodParams,
  MhodParamsSchema,
  MhodStateSchema,
  mhod,
  mhodConfig,
  mhodStep
} from "../../../../src/algorithms/overload/mhod/index.js"
import { SlidingWindowEstimator } from "../../../../src/algorithms/overload/mhod/slidingWindowEstimator.js"
import { replayDetectorWithState } from "../../../../src/algorithms/replay.js"

describe("decideFromEstimates (Neat's test_mhod, with the estimates and current state given)", () => {
  it("solves the programme only in the overloaded state with p[N][N] > 0", () => {
    const params: MhodParams = {
      state_config: [1.0],
      otf: 0.1,
      history_size: 10,
      window_sizes: [30, 40],
      bruteforce_step: 0.5,
      learning_steps: 0
    }
    const config = mhodConfig(params, { timeStepSec: 300, migrationTimeSec: 20 })
    const stateVector = [0, 1] // utilisation [1.0]
    const zeros = [
      [0, 0],
      [0, 0]
    ]
    const towardsOverload = [
      [0, 1],
      [0, 1]
    ]
    let state: MhodState = initialMhodState
    const calls: ReadonlyArray<readonly [ReadonlyArray<ReadonlyArray<number>>, number, boolean]> = [
      [zeros, 1, false],
      [zeros, 0, false],
      [towardsOverload, 0, false],
      [towardsOverload, 1, true]
    ]
    for (const [p, current, expected] of calls) {
      const decided = decideFromEstimates(config, p, stateVector, current, 1, state)
      expect(decided.overloaded).toBe(expected)
      state = decided.state
    }
    expect(state).toEqual({ previousState: 1, timeInStates: 4, timeInStateN: 2 })
  })

  it("never reports an overload before learning_steps samples", () => {
    const config = mhodConfig(
      { state_config: [1.0], otf: 0.1, history_size: 10, window_sizes: [30], bruteforce_step: 0.5, learning_steps: 5 },
      { timeStepSec: 300, migrationTimeSec: 20 }
    )
    const p = [
      [0, 1],
      [0, 1]
    ]
    expect(decideFromEstimates(config, p, [0, 1], 1, 4, initialMhodState).overloaded).toBe(false)
    expect(decideFromEstimates(config, p, [0, 1], 1, 5, initialMhodState).overloaded).toBe(true)
  })
})

// Neat's tests/locals/overload/mhod/test_core_real_data.py: 44 decisions over a real host's
// utilisation. Its 278 KB fixture lists every window after every step; the checks below keep the
// first five steps and the last two, which cover the learning phase, the window selection and both
// outcomes of the programme.
describe("MHOD on Neat's real-data fixture", () => {
  const history = [
    0.859, 0.6988333333333333, 0.811, 0.7685833333333333, 0.88, 0.79475, 0.7965, 0.7471666666666666, 0.92675,
    0.8313333333333334, 0.9466666666666667, 0.7655833333333333, 0.803, 1.0415833333333333, 0.9058333333333334,
    0.7433333333333333, 0.9835, 0.9040833333333333, 0.9189166666666667, 0.8335, 1.10275, 0.8660833333333333, 0.93475,
    0.773, 0.91825, 0.8491666666666666, 0.7414166666666666, 0.8538333333333333, 0.8065833333333333, 0.9409166666666666,
    1.1623333333333334, 0.9215833333333333, 0.8944166666666666, 0.96475, 0.8331666666666667, 1.2955, 0.8536666666666667,
    0.9679166666666666, 1.197, 0.9381666666666667, 0.98875, 1.0150833333333333, 1.1393333333333333, 1.0570833333333334
  ]
  const params: MhodParams = {
    state_config: [0.99],
    otf: 0.2,
    history_size: 500,
    window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
    bruteforce_step: 0.5,
    learning_steps: 30
  }
  const ctx = { timeStepSec: 300, migrationTimeSec: 20 }
  const config = mhodConfig(params, ctx)
  const estimator = new SlidingWindowEstimator(2, params.window_sizes)
  const sizes = params.window_sizes
  const closeTo = (actual: ReadonlyArray<number>, expected: ReadonlyArray<number>) => {
    expect(actual.length).toBe(expected.length)
    for (const [index, value] of expected.entries()) expect(actual[index]).toBeCloseTo(value, 12)
  }

  it("learns from the first five samples", () => {
    const acceptableRow0 = [
      [
        0.001074074074074074, 6.09375e-4, 3.92e-4, 2.731481481481482e-4, 2.0116618075801757e-4, 1.54296875e-4,
        1.220850480109739e-4, 9.900000000000001e-5
      ],
      [
        0.002074074074074074, 0.0011875, 7.679999999999999e-4, 5.37037037037037e-4, 3.9650145772594754e-4, 3.046875e-4,
        2.4142661179698212e-4, 1.96e-4
      ],
      [
        0.0030000000000000005, 0.0017343750000000002, 0.0011279999999999999, 7.916666666666666e-4, 5.860058309037901e-4,
        4.51171875e-4, 3.580246913580247e-4, 2.9099999999999997e-4
      ],
      [
        0.003851851851851851, 0.0022500000000000003, 0.001472, 0.001037037037037037, 7.696793002915452e-4, 5.9375e-4,
        4.7187928669410143e-4, 3.8399999999999996e-4
      ],
      [
        0.004629629629629631, 0.002734375, 0.0018000000000000002, 0.001273148148148148, 9.475218658892129e-4,
        7.32421875e-4, 5.829903978052126e-4, 4.75e-4
      ]
    ]
    const p00 = [0.03333333333333333, 0.06666666666666667, 0.1, 0.1333333333333333, 0.1666666666666667]
    let state = initialMhodState
    for (let step = 1; step <= 5; step++) {
      const outcome = mhodStep(config, estimator, history.slice(0, step), state)!
      expect(outcome.overloaded).toBe(false)
      expect(outcome.state).toEqual({ previousState: 0, timeInStates: step, timeInStateN: 0 })
      expect(outcome.estimate.selectedWindows).toEqual([
        [30, 30],
        [100, 100]
      ])
      expect(outcome.estimate.p[0]![0]).toBeCloseTo(p00[step - 1]!, 15)
      expect([outcome.estimate.p[0]![1], ...outcome.estimate.p[1]!]).toEqual([0, 0, 0])
      closeTo(
        sizes.map((size) => estimator.acceptableVarianceAt(0, 0, size)),
        acceptableRow0[step - 1]!
      )
      expect(sizes.map((size) => estimator.acceptableVarianceAt(0, 1, size))).toEqual(sizes.map(() => 0))
      for (const from of [0, 1])
        for (const to of [0, 1])
          expect(sizes.map((size) => estimator.varianceAt(from, to, size))).toEqual(sizes.map(() => 1))
      state = outcome.state
    }
  })

  it("keeps the OTF within bounds at step 43 and migrates at step 44", () => {
    const detector = mhod(params, ctx)
    // Transitions 1 → 1 first occur at step 43, so p[1][1] = 0 and nothing is solved before.
    expect(replayDetectorWithState(mhod(params, ctx), history, 100).decisions).toEqual([
      ...new Array<boolean>(43).fill(false),
      true
    ])
    const learned = replayDetectorWithState(detector, history.slice(0, 42), 100)
    expect(learned.finalState).toEqual({ previousState: 1, timeInStates: 42, timeInStateN: 6 })

    const step43 = mhodStep(config, estimator, history.slice(0, 43), learned.finalState)!
    expect(step43.state).toEqual({ previousState: 1, timeInStates: 43, timeInStateN: 7 })
    expect(step43.estimate.selectedWindows).toEqual([
      [30, 30],
      [30, 30]
    ])
    closeTo(step43.estimate.p.flat(), [0.8, 0.2, 0.1666666666666667, 0.03333333333333333])
    expect(step43.policy).toEqual([0, 0])
    expect(step43.overloaded).toBe(false)

    const step44 = mhodStep(config, estimator, history, step43.state)!
    expect(step44.state).toEqual({ previousState: 1, timeInStates: 44, timeInStateN: 8 })
    closeTo(step44.estimate.p.flat(), [0.8, 0.2, 0.1666666666666667, 0.06666666666666667])
    closeTo(
      sizes.map((size) => estimator.varianceAt(0, 0, size)),
      [0.042504469987228614, 1, 1, 1, 1, 1, 1, 1]
    )
    closeTo(
      sizes.map((size) => estimator.varianceAt(0, 1, size)),
      [0.002911877394636016, 1, 1, 1, 1, 1, 1, 1]
    )
    closeTo(
      sizes.map((size) => estimator.acceptableVarianceAt(0, 0, size)),
      [
        0.005333333333333332, 0.0043593749999999995, 0.004712, 0.004162037037037037, 0.003524781341107872,
        0.0029667968750000002, 0.0025089163237311386, 0.002139
      ]
    )
    closeTo(
      sizes.map((size) => estimator.acceptableVarianceAt(1, 1, size)),
      [
        0.002074074074074074, 0.0011875, 7.679999999999999e-4, 5.37037037037037e-4, 3.9650145772594754e-4, 3.046875e-4,
        2.4142661179698212e-4, 1.96e-4
      ]
    )
    expect(estimator.requestWindow(1)).toEqual([0, 0, 0, 0, 0, 1, 1])
    expect(step44.policy).toEqual([])
    expect(step44.overloaded).toBe(true)
  })
})

describe("mhod detector", () => {
  const params: MhodParams = {
    state_config: [0.8],
    otf: 0.2,
    history_size: 500,
    window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
    bruteforce_step: 0.5,
    learning_steps: 10
  }

  it("leaves the state untouched for an empty history", () => {
    const detector = mhod(params, { timeStepSec: 300, migrationTimeSec: 20 })
    const state = { previousState: 1, timeInStates: 7, timeInStateN: 3 }
    expect(detector.decide([], state)).toEqual([false, state])
  })

  it("rejects a context without a positive time step", () => {
    expect(() => mhod(params, { timeStepSec: 0, migrationTimeSec: 20 })).toThrow(
      expect.objectContaining({ _tag: "ConfigError", field: "time_step" })
    )
  })

  const utilizationArb = fc.array(fc.double({ min: 0, max: 1.3, noNaN: true }), { minLength: 1, maxLength: 80 })
  const paramsArb = fc.record({
    state_config: fc.tuple(fc.double({ min: 0.5, max: 1, noNaN: true })),
    otf: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    history_size: fc.constant(500),
    window_sizes: fc.constantFrom<readonly [number, ...Array<number>]>(
      [30, 40, 50],
      [2, 5, 10],
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    ),
    bruteforce_step: fc.constantFrom(0.5, 0.25, 0.1),
    learning_steps: fc.integer({ min: 0, max: 20 })
  })
  const ctxArb = fc.record({
    timeStepSec: fc.constant(300),
    migrationTimeSec: fc.double({ min: 0, max: 600, noNaN: true })
  })

  it("is deterministic, also across detector instances", () => {
    fc.assert(
      fc.property(paramsArb, ctxArb, utilizationArb, fc.integer({ min: 1, max: 100 }), (p, ctx, sequence, window) => {
        const first = replayDetectorWithState(mhod(p, ctx), sequence, window)
        const second = replayDetectorWithState(mhod(p, ctx), sequence, window)
        expect(second).toEqual(first)
      }),
      { numRuns: 60 }
    )
  })

  it("continues identically after a JSON round trip of its state", () => {
    fc.assert(
      fc.property(paramsArb, ctxArb, utilizationArb, fc.nat(), (p, ctx, sequence, cut) => {
        const window = 30
        const straight = replayDetectorWithState(mhod(p, ctx), sequence, window)
        const split = cut % (sequence.length + 1)
        const head = replayDetectorWithState(mhod(p, ctx), sequence.slice(0, split), window)
        // A fresh detector resumes from the persisted state, as a restarted local manager would.
        const resumed = mhod(p, ctx)
        let state: MhodState = Schema.decodeUnknownSync(MhodStateSchema)(JSON.parse(JSON.stringify(head.finalState)))
        const tail: Array<boolean> = []
        for (let i = split + 1; i <= sequence.length; i++) {
          const [decision, next] = resumed.decide(sequence.slice(Math.max(0, i - window), i), state)
          tail.push(decision)
          state = next
        }
        expect([...head.decisions, ...tail]).toEqual(straight.decisions)
        expect(state).toEqual(straight.finalState)
      }),
      { numRuns: 60 }
    )
  })
})

describe("mhod monotonicity", () => {
  // A larger otf only widens the feasible set of the programme and leaves the counters alone, so
  // every overload reported with the larger otf is also reported with the smaller one.
  it("never reports more overloads when the acceptable OTF is raised", () => {
    const base: MhodParams = {
      state_config: [0.8],
      otf: 0.2,
      history_size: 500,
      window_sizes: [10, 20, 30],
      bruteforce_step: 0.25,
      learning_steps: 5
    }
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.6, noNaN: true }),
        fc.double({ min: 0.01, max: 0.6, noNaN: true }),
        fc.array(fc.double({ min: 0.5, max: 1.1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (a, b, sequence) => {
          const ctx = { timeStepSec: 300, migrationTimeSec: 60 }
          const strict = replayDetectorWithState(mhod({ ...base, otf: Math.min(a, b) }, ctx), sequence, 30).decisions
          const lenient = replayDetectorWithState(mhod({ ...base, otf: Math.max(a, b) }, ctx), sequence, 30).decisions
          for (const [i, overloaded] of lenient.entries()) if (overloaded) expect(strict[i]).toBe(true)
        }
      ),
      { numRuns: 60 }
    )
  })
})

describe("MhodParamsSchema", () => {
  const valid = {
    state_config: [0.8],
    otf: 0.1,
    history_size: 500,
    window_sizes: [30, 40],
    bruteforce_step: 0.5,
    learning_steps: 10
  }

  it("accepts Neat's default parameters", () => {
    expect(Schema.decodeUnknownSync(MhodParamsSchema)(valid)).toEqual(valid)
  })

  it("names the bad field", () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown>, RegExp]> = [
      [{ ...valid, window_sizes: [1, 40] }, /^overload\/mhod window_sizes\[0\]: .*at least 2 samples$/],
      [{ ...valid, state_config: [] }, /^overload\/mhod state_config\[0\]: is required$/],
      [{ ...valid, bruteforce_step: 0 }, /^overload\/mhod bruteforce_step: /],
      [{ ...valid, learning_steps: -1 }, /^overload\/mhod learning_steps: /],
      [{ ...valid, otf: "high" }, /^overload\/mhod otf: expected number, actual "high"$/]
    ]
    for (const [input, message] of cases) {
      const result = decodeMhodParams(input)
      if (Either.isRight(result)) expect.fail(`accepted ${JSON.stringify(input)}`)
      else expect(`${result.left.field}: ${result.left.message}`).toMatch(message)
    }
  })
})

describe("MhodStateSchema", () => {
  it("decodes a stored state and names a bad field", () => {
    expect(Schema.decodeUnknownSync(MhodStateSchema)({ previousState: 1, timeInStates: 44, timeInStateN: 8 })).toEqual({
      previousState: 1,
      timeInStates: 44,
      timeInStateN: 8
    })
    expect(() =>
      Schema.decodeUnknownSync(MhodStateSchema)({ previousState: 1, timeInStates: -2, timeInStateN: 0 })
    ).toThrow(/timeInStates/)
  })
})

describe("mhod factory validation", () => {
  it("rejects typed parameters that break the schema's constraints, naming the field", () => {
    const params: MhodParams = {
      state_config: [0.8],
      otf: 0.2,
      history_size: 500,
      window_sizes: [1, 30],
      bruteforce_step: 0.5,
      learning_steps: 10
    }
    expect(() => mhod(params, { timeStepSec: 300, migrationTimeSec: 20 })).toThrow(
      expect.objectContaining({ _tag: "ConfigError", field: "overload/mhod window_sizes[0]" })
    )
  })
})
