/**
 * `checkAlgorithm`: holds any algorithm, built-in or the user's, to the contract the built-ins
 * are held to, with fast-check: random inputs, and on failure the shrunk counterexample and the
 * seed that replays it.
 *
 * ```ts
 * const report = Either.getOrThrow(checkAlgorithm({ ref: "my-detector", make: myFactory }, { runs: 200 }))
 * expect(report.passed).toBe(true)
 * ```
 */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import type { AlgorithmContext } from "../types.js"
import type { AlgorithmProperty, PropertyFailure } from "./CheckProperty.js"
import { type BuiltAlgorithm, buildSubject, type CheckFamily, type CheckSubject } from "./CheckSubject.js"
import { defaultCheckRuns } from "./defaultCheckRuns.js"
import { detectorProperties } from "./detectorProperties.js"
import { placementLimitsOf, placementProperties } from "./placementProperties.js"
import { selectionProperties } from "./selectionProperties.js"

export interface CheckOptions {
  /** The algorithm's parameters, passed to its factory as they are. */
  readonly params?: unknown
  /** Random inputs tried per property (100 unless told). */
  readonly runs?: number | undefined
  /** fast-check's seed, a 32-bit integer: the same seed tries the same inputs (random unless told). */
  readonly seed?: number | undefined
  /** What the factory is told of the deployment (300 s between samples, 20 s per migration unless told). */
  readonly context?: AlgorithmContext | undefined
}

/** How an algorithm fared on one property. */
export interface PropertyVerdict {
  readonly name: string
  readonly description: string
  readonly passed: boolean
  /** Inputs tried (up to and including the first failing one). */
  readonly runs: number
  readonly failure?: PropertyFailure | undefined
}

/** The outcome of a check: every property with its verdict, and what replays it. */
export interface CheckReport {
  readonly ref: string
  readonly family: CheckFamily
  readonly params: unknown
  readonly context: AlgorithmContext
  /** Random inputs tried per property. */
  readonly runs: number
  /** The seed every property drew its inputs from: pass it back to replay the check. */
  readonly seed: number
  readonly passed: boolean
  readonly properties: ReadonlyArray<PropertyVerdict>
}

export const defaultCheckContext: AlgorithmContext = { timeStepSec: 300, migrationTimeSec: 20 }

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 }

/** A fresh random seed, as fast-check draws its own. */
export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 32) + int32.min

const checkOptions = (options: CheckOptions): Either.Either<{ runs: number; seed: number }, ConfigError> => {
  const runs = options.runs ?? defaultCheckRuns
  if (!(Number.isInteger(runs) && runs >= 1)) {
    return Either.left(new ConfigError({ field: "runs", message: `expected an integer >= 1, got ${runs}` }))
  }
  const seed = options.seed ?? randomSeed()
  if (!(Number.isInteger(seed) && seed >= int32.min && seed <= int32.max)) {
    return Either.left(
      new ConfigError({ field: "seed", message: `expected an integer from ${int32.min} to ${int32.max}, got ${seed}` })
    )
  }
  return Either.right({ runs, seed })
}

/** Runs every property of `properties` on fresh algorithms from `build`. */
const runProperties = <A>(
  properties: ReadonlyArray<AlgorithmProperty<A>>,
  build: () => A,
  parameters: { readonly runs: number; readonly seed: number }
): ReadonlyArray<PropertyVerdict> =>
  properties.map((property) => {
    const outcome = property.run(build, parameters)
    return {
      name: property.name,
      description: property.description,
      passed: outcome.failure === undefined,
      runs: outcome.runs,
      ...(outcome.failure === undefined ? {} : { failure: outcome.failure })
    }
  })

const sameFamilyAgain = (family: CheckFamily): never => {
  throw new Error(`the factory built a ${family} algorithm once, then something else`)
}

/** The algorithm a build of `family` holds. */
type AlgorithmOf<F extends CheckFamily> = Extract<BuiltAlgorithm, { readonly family: F }>["algorithm"]

/** Rebuilds, insisting on the family the first build had. */
const rebuildAs =
  <F extends CheckFamily>(family: F, rebuild: () => BuiltAlgorithm) =>
  (): AlgorithmOf<F> => {
    const built = rebuild()
    return built.family === family ? (built.algorithm as AlgorithmOf<F>) : sameFamilyAgain(family)
  }

const verdictsFor = (
  family: CheckFamily,
  rebuild: () => BuiltAlgorithm,
  params: unknown,
  parameters: { readonly runs: number; readonly seed: number }
): ReadonlyArray<PropertyVerdict> => {
  // Each run builds its own algorithm, so what one run leaves behind in a closure cannot pass for state.
  switch (family) {
    case "detector":
      return runProperties(detectorProperties, rebuildAs(family, rebuild), parameters)
    case "selection":
      return runProperties(selectionProperties, rebuildAs(family, rebuild), parameters)
    case "placement":
      return runProperties(placementProperties(placementLimitsOf(params)), rebuildAs(family, rebuild), parameters)
  }
}

/**
 * Builds the subject's algorithm with `options.params` and runs every property of its family on
 * `options.runs` random inputs each. A factory that throws or builds something that is not an
 * algorithm, or bad options, give a ConfigError naming the problem; a property that fails is a
 * verdict in the report, with its shrunk counterexample.
 */
export const checkAlgorithm = (
  subject: CheckSubject,
  options: CheckOptions = {}
): Either.Either<CheckReport, ConfigError> =>
  Either.gen(function* () {
    const parameters = yield* checkOptions(options)
    const context = options.context ?? defaultCheckContext
    const first = yield* buildSubject(subject, options.params, context)
    const rebuild = (): BuiltAlgorithm => {
      const built = buildSubject({ ...subject, family: first.family }, options.params, context)
      if (Either.isLeft(built)) throw new Error(`rebuilding the algorithm failed: ${built.left.message}`)
      return built.right
    }
    const properties = verdictsFor(first.family, rebuild, options.params, parameters)
    return {
      ref: subject.ref,
      family: first.family,
      params: options.params,
      context,
      runs: parameters.runs,
      seed: parameters.seed,
      passed: properties.every((property) => property.passed),
      properties
    }
  })
