import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { floatRange } from "../../../../src/algorithms/overload/mhod/bruteforce.js"
import { decodeMhodParams, mhodLimits, mhodWindowBytes } from "../../../../src/algorithms/overload/mhod/params.js"
import { findAlgorithm } from "../../../../src/algorithms/registry.js"

const valid = {
  state_config: [0.8],
  otf: 0.1,
  history_size: 500,
  window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
  bruteforce_step: 0.2,
  learning_steps: 10
}

const refusal = (input: Record<string, unknown>): string => {
  const result = decodeMhodParams(input)
  if (Either.isRight(result)) return expect.fail(`accepted ${JSON.stringify(input)}`)
  return `${result.left.field}: ${result.left.message}`
}

describe("MHOD's parameters are bounded before anything is allocated", () => {
  it.each([
    [{ bruteforce_step: 1e-9 }, /^overload\/mhod bruteforce_step: expected a step from 0\.001 to 1 .*got 1e-9$/],
    [{ bruteforce_step: 0.0009 }, /^overload\/mhod bruteforce_step: /],
    [{ bruteforce_step: 2 }, /^overload\/mhod bruteforce_step: /],
    [
      { window_sizes: [30, 1e9] },
      /^overload\/mhod window_sizes\[1\]: a window size must be at most 10000 samples, got 1000000000$/
    ],
    [
      { window_sizes: Array.from({ length: 21 }, (_, i) => 10 + i) },
      /^overload\/mhod window_sizes: at most 20 window sizes, got 21$/
    ],
    [
      { state_config: Array.from({ length: 11 }, (_, i) => i / 11) },
      /^overload\/mhod state_config: at most 10 thresholds, got 11$/
    ],
    [{ history_size: 1e12 }, /^overload\/mhod history_size: expected an integer from 1 to 100000, got 1000000000000$/],
    [{ learning_steps: 1e12 }, /^overload\/mhod learning_steps: expected an integer from 0 to 1000000/],
    [
      {
        state_config: Array.from({ length: 10 }, (_, i) => i / 10),
        window_sizes: Array.from({ length: 20 }, (_, i) => 10_000 - i)
      },
      /^overload\/mhod: state_config and window_sizes would need \d+ MB of sliding windows .*at most 32 MB/
    ]
  ])("refuses %j with a clear error", (change, message) => {
    expect(refusal({ ...valid, ...change })).toMatch(message)
  })

  it("accepts the largest grid and the largest single window", () => {
    expect(Either.isRight(decodeMhodParams({ ...valid, bruteforce_step: mhodLimits.minBruteforceStep }))).toBe(true)
    expect(
      Either.isRight(
        decodeMhodParams({
          ...valid,
          state_config: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
          window_sizes: [10_000]
        })
      )
    ).toBe(true)
  })

  it("reckons the sliding windows' memory as the estimator allocates it", () => {
    // Two states, sizes 30 and 40: 2·40 ring slots, 2·2·2 counts, 2·2·70 estimates, 2·2·2 counters.
    expect(mhodWindowBytes(2, [30, 40, 30])).toBe(4 * 80 + 4 * 8 + 8 * 280 + 4 * 8)
  })

  it("refuses through the registry, as serve and decide build it, without allocating the grid", () => {
    const entry = findAlgorithm("overload/mhod")
    expect(entry).toBeDefined()
    const built: Either.Either<unknown, unknown> = entry!.make(
      { ...valid, bruteforce_step: 1e-9 },
      { timeStepSec: 300, migrationTimeSec: 20 }
    )
    expect(Either.isLeft(built)).toBe(true)
  })

  it("floatRange refuses a grid too large to hold instead of growing until the process dies", () => {
    expect(() => floatRange(0, 1, 1e-9)).toThrow(/too large/)
    expect(floatRange(0, 1, 0.5)).toEqual([0, 0.5, 1])
  })
})
