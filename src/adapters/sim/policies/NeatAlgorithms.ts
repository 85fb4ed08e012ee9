/**
 * The algorithms of the simulator's `neat` policy: registry names (or a user's `MODULE#EXPORT`)
 * with JSON parameters, and Neat's shipped configuration (config/neat.conf) as the default. The
 * reference syntax, defaults and bare numbers are the catalogue's (src/algorithms/catalogue).
 */
import { Either } from "effect"
import { parseAlgorithmRef, shortAlgorithmName } from "../../../algorithms/catalogue/catalogue.js"
import { makeDetector, makePlacer, makeSelector } from "../../../algorithms/registry.js"
import type { AlgorithmContext } from "../../../algorithms/types.js"
import type { ControlAlgorithms } from "../../../core/control/ControlStep.js"
import { ConfigError } from "../../../core/errors.js"

/** One algorithm: a registry name ("mhod", "overload/mhod", Neat's dotted factory name or `MODULE#EXPORT`) and its parameters. */
export interface NeatAlgorithmChoice {
  readonly name: string
  readonly params: unknown
}

/** The four algorithms of the `neat` policy; each missing one takes Neat's shipped default. */
export interface NeatAlgorithmChoices {
  readonly underload?: NeatAlgorithmChoice | undefined
  readonly overload?: NeatAlgorithmChoice | undefined
  readonly selection?: NeatAlgorithmChoice | undefined
  readonly placement?: NeatAlgorithmChoice | undefined
}

export type NeatAlgorithmOption = keyof NeatAlgorithmChoices

/** Neat's shipped configuration (config/neat.conf), with each algorithm's catalogue defaults. */
export const neatDefaultAlgorithms: Required<{ readonly [K in NeatAlgorithmOption]: NeatAlgorithmChoice }> = {
  underload: Either.getOrThrow(parseAlgorithmRef("underload", "last_n_average_threshold")),
  overload: Either.getOrThrow(parseAlgorithmRef("overload", "mhod")),
  selection: Either.getOrThrow(parseAlgorithmRef("selection", "minimum_migration_time_max_cpu")),
  placement: Either.getOrThrow(parseAlgorithmRef("placement", "best_fit_decreasing"))
}

/**
 * `NAME`, `NAME:NUMBER`, `NAME:{JSON}` or a user's `MODULE#EXPORT[...]` → an algorithm choice, by
 * the catalogue's one reference parser. Errors name the option.
 */
export const parseNeatAlgorithm = (
  option: NeatAlgorithmOption,
  text: string
): Either.Either<NeatAlgorithmChoice, ConfigError> =>
  Either.map(parseAlgorithmRef(option, text, option), (choice) => ({
    ...choice,
    name: shortAlgorithmName(option, choice.name)
  }))

const named = <A>(option: NeatAlgorithmOption, result: Either.Either<A, ConfigError>): Either.Either<A, ConfigError> =>
  Either.mapLeft(result, (error) => new ConfigError({ field: option, message: `${error.field}: ${error.message}` }))

/** Builds the four algorithms through the registry; a bad name or parameter is a ConfigError naming the option. */
export const buildNeatAlgorithms = (
  choices: NeatAlgorithmChoices,
  ctx: AlgorithmContext
): Either.Either<ControlAlgorithms, ConfigError> =>
  Either.gen(function* () {
    const pick = (option: NeatAlgorithmOption) => choices[option] ?? neatDefaultAlgorithms[option]
    const underload = pick("underload")
    const overload = pick("overload")
    const selection = pick("selection")
    const placement = pick("placement")
    return {
      underload: yield* named("underload", makeDetector("underload", underload.name, underload.params, ctx)),
      overload: yield* named("overload", makeDetector("overload", overload.name, overload.params, ctx)),
      selector: yield* named("selection", makeSelector(selection.name, selection.params, ctx)),
      placer: yield* named("placement", makePlacer(placement.name, placement.params, ctx))
    }
  })
