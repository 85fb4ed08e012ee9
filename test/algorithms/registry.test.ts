import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { InvalidDetectorState } from "../../src/algorithms/checkedState.js"
import {
  algorithmNames,
  algorithmTable,
  findAlgorithm,
  makeDetector,
  makePlacer,
  makeSelector
} from "../../src/algorithms/registry.js"
import { ConfigError } from "../../src/core/errors.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

const failure = <A>(result: Either.Either<A, ConfigError>): ConfigError => {
  if (Either.isRight(result)) throw new Error("expected a ConfigError")
  expect(result.left).toBeInstanceOf(ConfigError)
  return result.left
}

describe("algorithm registry", () => {
  it("lists every algorithm as <family>/<name>, once", () => {
    for (const name of algorithmNames) expect(name).toMatch(/^(underload|overload|selection|placement)\/[a-z_]+$/)
    expect(new Set(algorithmNames).size).toBe(algorithmNames.length)
    expect(algorithmNames).toEqual(
      expect.arrayContaining([
        "underload/threshold",
        "underload/last_n_average_threshold",
        "underload/always_underloaded",
        "overload/never_overloaded",
        "overload/threshold",
        "overload/last_n_average_threshold",
        "overload/mad_threshold",
        "overload/iqr_threshold",
        "overload/loess",
        "overload/loess_robust",
        "selection/random",
        "selection/minimum_utilization",
        "selection/minimum_migration_time",
        "selection/minimum_migration_time_max_cpu",
        "placement/best_fit_decreasing"
      ])
    )
  })

  it("gives every algorithm of Neat's a Neat factory alias that leads back to it", () => {
    // CloudSim's family has no counterpart in Neat, so no dotted alias.
    const cloudsimFamily = ["thr", "iqr", "mad", "lr", "lrr", "mmt", "mc", "mu", "rs", "power_aware_best_fit"]
    for (const entry of algorithmTable) {
      if (cloudsimFamily.includes(entry.name)) continue
      expect(entry.aliases.length).toBeGreaterThan(0)
      for (const alias of entry.aliases) {
        expect(alias).toMatch(/^neat\.(locals|globals)\.[a-z_.]+_factory$/)
        expect(findAlgorithm(alias)).toBe(entry)
      }
    }
  })

  it("builds a detector by bare name, full name or Neat alias, all deciding alike", () => {
    const params = { threshold: 1.5, limit: 3 }
    const names = ["mad_threshold", "overload/mad_threshold", "neat.locals.overload.statistics.mad_threshold_factory"]
    const decisions = names.map((name) => {
      const detector = Either.getOrThrow(makeDetector("overload", name, params, ctx))
      return detector.decide([0.5, 0.6, 0.95], detector.initialState)[0]
    })
    expect(decisions).toEqual([true, true, true])
  })

  it("keeps the families apart", () => {
    const wrongFamily = failure(makeDetector("underload", "neat.locals.overload.trivial.threshold_factory", {}, ctx))
    expect(wrongFamily.field).toBe("algorithm")
    expect(wrongFamily.message).toContain("is a overload algorithm, not a underload one")
    expect(failure(makeSelector("placement/best_fit_decreasing", {}, ctx)).field).toBe("algorithm")
    expect(failure(makePlacer("minimum_utilization", {}, ctx)).field).toBe("algorithm")
  })

  it("names an unknown algorithm and lists the known ones", () => {
    const error = failure(makeDetector("overload", "mhodd", {}, ctx))
    expect(error.field).toBe("algorithm")
    expect(error.message).toContain('unknown overload algorithm "mhodd"')
    expect(error.message).toContain("overload/loess_robust")
  })

  it("names the parameter that is wrong, missing or unknown", () => {
    const wrongType = failure(makeDetector("underload", "threshold", { threshold: "x" }, ctx))
    expect(wrongType).toMatchObject({ field: "params.threshold", message: 'expected a number, got "x"' })
    const outOfRange = failure(makeDetector("underload", "threshold", { threshold: 1.5 }, ctx))
    expect(outOfRange).toMatchObject({
      field: "params.threshold",
      message: "expected a fraction between 0 and 1, got 1.5"
    })
    const missing = failure(makeSelector("minimum_migration_time_max_cpu", {}, ctx))
    expect(missing).toMatchObject({ field: "params.last_n", message: "is required" })
    const unknown = failure(makeDetector("overload", "threshold", { threshold: 0.8, treshold: 0.9 }, ctx))
    expect(unknown.field).toBe("params.treshold")
    expect(unknown.message).toContain("is not a known field")
    const notInteger = failure(
      makePlacer("best_fit_decreasing", { cpu_threshold: 0.8, ram_threshold: 0.9, last_n_vm_cpu: 1.5 }, ctx)
    )
    expect(notInteger).toMatchObject({ field: "params.last_n_vm_cpu", message: "expected an integer, got 1.5" })
    const tooShort = failure(makeDetector("overload", "loess", { threshold: 1, param: 1, length: 2 }, ctx))
    expect(tooShort).toMatchObject({ field: "params.length", message: "expected an integer >= 3, got 2" })
    expect(failure(makeDetector("overload", "threshold", 5, ctx)).field).toBe("params")
  })

  it("rejects a context without a positive time step", () => {
    const error = failure(
      makeDetector("overload", "loess", { threshold: 1, param: 1, length: 3 }, { timeStepSec: 0, migrationTimeSec: 20 })
    )
    expect(error.field).toBe("time_step")
  })

  it("fills optional parameters with their defaults", () => {
    const vms = ["a", "b", "c"].map((uuid) => ({ uuid, cpuMhz: [1], ramMb: 1 }))
    const seeded = Either.getOrThrow(makeSelector("random", { seed: 0 }, ctx))
    const unseeded = Either.getOrThrow(makeSelector("random", undefined, ctx))
    expect(unseeded.initialState).toEqual(seeded.initialState)
    expect(unseeded.select(vms, unseeded.initialState)).toEqual(seeded.select(vms, seeded.initialState))
  })
})

describe("stateful detectors from the registry", () => {
  it.each([
    [
      "mhod",
      {
        state_config: [0.8],
        otf: 0.2,
        history_size: 500,
        window_sizes: [30, 40],
        bruteforce_step: 0.5,
        learning_steps: 10
      }
    ],
    ["otf", { otf: 0.2, threshold: 0.8, limit: 5 }]
  ])("%s refuses a state that is not its own, naming the algorithm", (name, params) => {
    const made = makeDetector("overload", name, params, ctx)
    if (Either.isLeft(made)) throw new Error(made.left.message)
    const detector = made.right
    const [, state] = detector.decide([0.5, 0.9, 0.95], detector.initialState)
    // Its own state, even after a JSON round trip, is accepted.
    expect(() => detector.decide([0.5, 0.9], JSON.parse(JSON.stringify(state)))).not.toThrow()
    expect(() => detector.decide([0.5, 0.9], { foo: 1 })).toThrow(InvalidDetectorState)
    expect(() => detector.decide([0.5, 0.9], { foo: 1 })).toThrow(`overload/${name} state`)
  })
})
