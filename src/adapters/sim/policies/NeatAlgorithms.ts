/**
 * The algorithms of the simulator's `neat` policy: registry names with JSON parameters, Neat's
 * shipped configuration (config/neat.conf) as the default, and `NAME[:PARAM or :JSON]` parsing for
 * the command line and sweep grids.
 */
import { Either } from "effect"
import { makeDetector, makePlacer, makeSelector } from "../../../algorithms/registry.js"
import type { AlgorithmContext } from "../../../algorithms/types.js"
import type { ControlAlgorithms } from "../../../core/control/ControlStep.js"
import { ConfigError } from "../../../core/errors.js"

/** One algorithm: a registry name ("mhod", "overload/mhod" or Neat's dotted factory name) and its parameters. */
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

/** Neat's shipped configuration (config/neat.conf). */
export const neatDefaultAlgorithms: Required<{ readonly [K in NeatAlgorithmOption]: NeatAlgorithmChoice }> = {
  underload: { name: "last_n_average_threshold", params: { threshold: 0.5, n: 2 } },
  overload: {
    name: "mhod",
    params: {
      state_config: [0.8],
      otf: 0.1,
      history_size: 500,
      window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
      bruteforce_step: 0.2,
      learning_steps: 30
    }
  },
  selection: { name: "minimum_migration_time_max_cpu", params: { last_n: 2 } },
  placement: { name: "best_fit_decreasing", params: { cpu_threshold: 0.95, ram_threshold: 0.95, last_n_vm_cpu: 2 } }
}

/**
 * Parameters used when a name comes without any: Neat's defaults for that algorithm (thresholds of
 * neat.conf: overload 0.8, underload 0.5; the statistics detectors' values from Neat's paper).
 */
const defaultParams: Readonly<Record<string, Record<string, unknown>>> = {
  "underload/threshold": { threshold: 0.5 },
  "underload/last_n_average_threshold": { threshold: 0.5, n: 2 },
  "overload/threshold": { threshold: 0.8 },
  "overload/last_n_average_threshold": { threshold: 0.8, n: 2 },
  "overload/mad_threshold": { threshold: 2.5, limit: 12 },
  "overload/iqr_threshold": { threshold: 1.5, limit: 12 },
  "overload/loess": { threshold: 1, param: 1.2, length: 10 },
  "overload/loess_robust": { threshold: 1, param: 1.2, length: 10 },
  "overload/otf": { otf: 0.1, threshold: 0.8, limit: 30 },
  "overload/mhod": neatDefaultAlgorithms.overload.params as Record<string, unknown>,
  "selection/minimum_migration_time_max_cpu": { last_n: 2 },
  "placement/best_fit_decreasing": neatDefaultAlgorithms.placement.params as Record<string, unknown>
}

/** Which parameter a bare number sets (`threshold:0.9`, `mhod:0.2`). */
const numericParam: Readonly<Record<string, string>> = {
  "underload/threshold": "threshold",
  "underload/last_n_average_threshold": "threshold",
  "overload/threshold": "threshold",
  "overload/last_n_average_threshold": "threshold",
  "overload/mad_threshold": "threshold",
  "overload/iqr_threshold": "threshold",
  "overload/loess": "param",
  "overload/loess_robust": "param",
  "overload/otf": "otf",
  "overload/mhod": "otf",
  "selection/minimum_migration_time_max_cpu": "last_n",
  "placement/best_fit_decreasing": "cpu_threshold",
  "overload/thr": "threshold",
  "overload/iqr": "safety",
  "overload/mad": "safety",
  "overload/lr": "safety",
  "overload/lrr": "safety",
  "selection/rs": "seed",
  "placement/power_aware_best_fit": "cpu_threshold"
}

const familyOf: Readonly<Record<NeatAlgorithmOption, string>> = {
  underload: "underload",
  overload: "overload",
  selection: "selection",
  placement: "placement"
}

/** The short registry name: "overload/mhod" and "mhod" both give "mhod"; dotted names stay. */
const shortName = (family: string, name: string): string =>
  name.startsWith(`${family}/`) ? name.slice(family.length + 1) : name

/**
 * `NAME`, `NAME:NUMBER` or `NAME:{JSON}` → an algorithm choice. A number sets the algorithm's main
 * parameter over its defaults; JSON is merged over the defaults. Errors name the option.
 */
export const parseNeatAlgorithm = (
  option: NeatAlgorithmOption,
  text: string
): Either.Either<NeatAlgorithmChoice, ConfigError> => {
  const family = familyOf[option]
  const trimmed = text.trim()
  const colon = trimmed.indexOf(":")
  const name = shortName(family, colon < 0 ? trimmed : trimmed.slice(0, colon).trim())
  const rest = colon < 0 ? "" : trimmed.slice(colon + 1).trim()
  if (name === "")
    return Either.left(new ConfigError({ field: option, message: `expected NAME[:PARAM or :JSON], got "${text}"` }))
  const key = `${family}/${name}`
  const defaults = defaultParams[key] ?? {}
  if (rest === "") return Either.right({ name, params: defaults })
  if (rest.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(rest)
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return Either.left(new ConfigError({ field: option, message: `parameters must be a JSON object, got ${rest}` }))
      }
      return Either.right({ name, params: { ...defaults, ...parsed } })
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      return Either.left(new ConfigError({ field: option, message: `parameters are not JSON (${why}): ${rest}` }))
    }
  }
  const value = Number(rest)
  if (rest === "" || !Number.isFinite(value)) {
    return Either.left(
      new ConfigError({ field: option, message: `expected NAME:NUMBER or NAME:{JSON}, got parameter "${rest}"` })
    )
  }
  const param = numericParam[key]
  if (param === undefined) {
    return Either.left(
      new ConfigError({ field: option, message: `"${name}" takes no single number; give its parameters as JSON` })
    )
  }
  return Either.right({ name, params: { ...defaults, [param]: value } })
}

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
