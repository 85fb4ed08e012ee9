/**
 * The algorithm registry: maps a configured name to a validated, ready-to-run algorithm.
 *
 * Names are `<family>/<name>` (`overload/mad_threshold`), a bare `<name>` within the family
 * asked for, Neat's dotted factory name (`neat.locals.overload.statistics.mad_threshold_factory`),
 * or a user's `MODULE#EXPORT` once `preloadAlgorithmRefs` (catalogue/preload.ts) has loaded it.
 * Parameters are checked against the algorithm's schema, unknown parameters included, so a
 * typo fails at start-up with a `ConfigError` naming the parameter instead of deep in a loop.
 * Each entry also carries what the catalogue lists (catalogue/catalogue.ts): its defaults, the
 * parameter a bare number sets, and a one-line description.
 */
import { Either, type ParseResult, Schema } from "effect"
import { ConfigError } from "../core/errors.js"
import { describeParseError, joinPath } from "../core/schemaErrors.js"
import { findUserFactory, isUserReference, userFactoryFailure } from "./catalogue/loadedModules.js"
import { buildUserAlgorithm } from "./catalogue/userAlgorithm.js"
import { withCheckedState } from "./checkedState.js"
import {
  CloudsimIqrParamsSchema,
  CloudsimLrParamsSchema,
  CloudsimMadParamsSchema,
  CloudsimThrParamsSchema,
  cloudsimIqr,
  cloudsimLr,
  cloudsimLrr,
  cloudsimMad,
  cloudsimThr
} from "./cloudsim/overload/cloudsimDetectors.js"
import { PowerAwareBestFitParamsSchema, powerAwareBestFit } from "./cloudsim/placement/powerAwareBestFitPlacer.js"
import {
  CloudsimNoParamsSchema,
  CloudsimRsParamsSchema,
  cloudsimMc,
  cloudsimMmt,
  cloudsimMu,
  cloudsimRs
} from "./cloudsim/selection/cloudsimSelectors.js"
import { IqrThresholdParamsSchema, iqrThreshold } from "./overload/iqr_threshold.js"
import {
  OverloadLastNAverageThresholdParamsSchema,
  overloadLastNAverageThreshold
} from "./overload/last_n_average_threshold.js"
import { LoessParamsSchema, loess, loessRobust } from "./overload/loess.js"
import { MadThresholdParamsSchema, madThreshold } from "./overload/mad_threshold.js"
import { MhodParamsSchema, MhodStateSchema, mhod } from "./overload/mhod/index.js"
import { NeverOverloadedParamsSchema, neverOverloaded } from "./overload/never_overloaded.js"
import { OtfParamsSchema, OtfStateSchema, otf } from "./overload/otf.js"
import { OverloadThresholdParamsSchema, overloadThreshold } from "./overload/threshold.js"
import { BestFitDecreasingParamsSchema, bestFitDecreasingPlacer } from "./placement/best_fit_decreasing.js"
import { MinimumMigrationTimeParamsSchema, minimumMigrationTime } from "./selection/minimum_migration_time.js"
import {
  MinimumMigrationTimeMaxCpuParamsSchema,
  minimumMigrationTimeMaxCpu
} from "./selection/minimum_migration_time_max_cpu.js"
import { MinimumUtilizationParamsSchema, minimumUtilization } from "./selection/minimum_utilization.js"
import { RandomSelectionParamsSchema, randomSelection } from "./selection/random.js"
import type { AlgorithmContext, Detector, VmPlacer, VmSelector } from "./types.js"
import { AlwaysUnderloadedParamsSchema, alwaysUnderloaded } from "./underload/always_underloaded.js"
import {
  UnderloadLastNAverageThresholdParamsSchema,
  underloadLastNAverageThreshold
} from "./underload/last_n_average_threshold.js"
import { UnderloadThresholdParamsSchema, underloadThreshold } from "./underload/threshold.js"

export type DetectorFamily = "underload" | "overload"
export type AlgorithmFamily = DetectorFamily | "selection" | "placement"

type Make<A> = (params: unknown, ctx: AlgorithmContext) => Either.Either<A, ConfigError>

/** What the catalogue says about an algorithm beyond its code. */
export interface AlgorithmAbout {
  /** One line for `neat algorithms`. */
  readonly description?: string | undefined
  /** Parameters used when a reference gives none (JSON parameters are merged over them). */
  readonly defaults?: Readonly<Record<string, unknown>> | undefined
  /** The parameter a bare number sets (`threshold:0.9`); by default the only parameter, if there is one. */
  readonly numericParam?: string | undefined
}

interface EntryCommon {
  readonly name: string
  readonly aliases: ReadonlyArray<string>
  /** The parameters' schema, for listing them. */
  readonly schema: Schema.Schema.AnyNoContext
  readonly about: AlgorithmAbout
}

/** One registered algorithm. */
export type AlgorithmEntry =
  | (EntryCommon & { readonly family: DetectorFamily; readonly make: Make<Detector> })
  | (EntryCommon & { readonly family: "selection"; readonly make: Make<VmSelector> })
  | (EntryCommon & { readonly family: "placement"; readonly make: Make<VmPlacer> })

type Factory<P, A> = (params: P, ctx: AlgorithmContext) => A

const decodeParams = <P, I>(schema: Schema.Schema<P, I>, params: unknown): Either.Either<P, ConfigError> =>
  Schema.decodeUnknownEither(schema, { onExcessProperty: "error", errors: "first" })(params ?? {}).pipe(
    Either.mapLeft((error: ParseResult.ParseError) => {
      const problem = describeParseError(error)
      return new ConfigError({ field: joinPath("params", problem.field), message: problem.message })
    })
  )

// A stateful algorithm's state is opaque to its callers: they only hand back what it returned.
// The registry therefore hands out algorithms with the state type erased.
const eraseDetector = <S>(detector: Detector<S>): Detector => detector as unknown as Detector
const eraseSelector = <S>(selector: VmSelector<S>): VmSelector => selector as unknown as VmSelector
const erasePlacer = <S>(placer: VmPlacer<S>): VmPlacer => placer as unknown as VmPlacer

// Factories check what their schema cannot (e.g. a time step that must be positive) by throwing
// a ConfigError; the registry returns it instead.
const build = <P, I, A>(params: unknown, schema: Schema.Schema<P, I>, create: (decoded: P) => A) =>
  Either.flatMap(decodeParams(schema, params), (decoded) =>
    Either.try({
      try: () => create(decoded),
      catch: (error) =>
        error instanceof ConfigError ? error : new ConfigError({ field: "params", message: String(error) })
    })
  )

const detector = <P, I, S>(
  family: DetectorFamily,
  name: string,
  schema: Schema.Schema<P, I>,
  factory: Factory<P, Detector<S>>,
  aliases: ReadonlyArray<string>,
  about: AlgorithmAbout = {}
): AlgorithmEntry => ({
  family,
  name,
  aliases,
  schema: schema as Schema.Schema.AnyNoContext,
  about,
  make: (params, ctx) => build(params, schema, (decoded) => eraseDetector(factory(decoded, ctx)))
})

const selector = <P, I, S>(
  name: string,
  schema: Schema.Schema<P, I>,
  factory: Factory<P, VmSelector<S>>,
  aliases: ReadonlyArray<string>,
  about: AlgorithmAbout = {}
): AlgorithmEntry => ({
  family: "selection",
  name,
  aliases,
  schema: schema as Schema.Schema.AnyNoContext,
  about,
  make: (params, ctx) => build(params, schema, (decoded) => eraseSelector(factory(decoded, ctx)))
})

const placer = <P, I, S>(
  name: string,
  schema: Schema.Schema<P, I>,
  factory: Factory<P, VmPlacer<S>>,
  aliases: ReadonlyArray<string>,
  about: AlgorithmAbout = {}
): AlgorithmEntry => ({
  family: "placement",
  name,
  aliases,
  schema: schema as Schema.Schema.AnyNoContext,
  about,
  make: (params, ctx) => build(params, schema, (decoded) => erasePlacer(factory(decoded, ctx)))
})

const underloadTrivial = "neat.locals.underload.trivial"
const overloadTrivial = "neat.locals.overload.trivial"
const overloadStatistics = "neat.locals.overload.statistics"
const vmSelection = "neat.locals.vm_selection.algorithms"
const binPacking = "neat.globals.vm_placement.bin_packing"

/** MHOD as Neat ships it (config/neat.conf). */
const mhodDefaults = {
  state_config: [0.8],
  otf: 0.1,
  history_size: 500,
  window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
  bruteforce_step: 0.2,
  learning_steps: 30
}

/** Best fit decreasing as Neat ships it (config/neat.conf). */
const bestFitDefaults = { cpu_threshold: 0.95, ram_threshold: 0.95, last_n_vm_cpu: 2 }

/**
 * Every registered algorithm, one line each. Defaults are Neat's (thresholds of neat.conf: overload
 * 0.8, underload 0.5; the statistics detectors' values from Neat's paper).
 */
export const algorithmTable: ReadonlyArray<AlgorithmEntry> = [
  detector(
    "underload",
    "threshold",
    UnderloadThresholdParamsSchema,
    underloadThreshold,
    [`${underloadTrivial}.threshold_factory`],
    { description: "underloaded when the newest utilisation is at most the threshold", defaults: { threshold: 0.5 } }
  ),
  detector(
    "underload",
    "last_n_average_threshold",
    UnderloadLastNAverageThresholdParamsSchema,
    underloadLastNAverageThreshold,
    [`${underloadTrivial}.last_n_average_threshold_factory`],
    {
      description: "underloaded when the mean of the last n utilisations is at most the threshold",
      defaults: { threshold: 0.5, n: 2 },
      numericParam: "threshold"
    }
  ),
  detector(
    "underload",
    "always_underloaded",
    AlwaysUnderloadedParamsSchema,
    alwaysUnderloaded,
    [`${underloadTrivial}.always_underloaded_factory`],
    { description: "every host is underloaded (consolidates whenever it can)" }
  ),
  detector(
    "overload",
    "never_overloaded",
    NeverOverloadedParamsSchema,
    neverOverloaded,
    [`${overloadTrivial}.never_overloaded_factory`],
    { description: "no host is ever overloaded" }
  ),
  detector(
    "overload",
    "threshold",
    OverloadThresholdParamsSchema,
    overloadThreshold,
    [`${overloadTrivial}.threshold_factory`],
    { description: "overloaded when the newest utilisation exceeds the threshold", defaults: { threshold: 0.8 } }
  ),
  detector(
    "overload",
    "last_n_average_threshold",
    OverloadLastNAverageThresholdParamsSchema,
    overloadLastNAverageThreshold,
    [`${overloadTrivial}.last_n_average_threshold_factory`],
    {
      description: "overloaded when the mean of the last n utilisations exceeds the threshold",
      defaults: { threshold: 0.8, n: 2 },
      numericParam: "threshold"
    }
  ),
  detector(
    "overload",
    "mad_threshold",
    MadThresholdParamsSchema,
    madThreshold,
    [`${overloadStatistics}.mad_threshold_factory`],
    {
      description:
        "overloaded when the newest utilisation is at or above 1 - threshold × the history's median absolute deviation",
      defaults: { threshold: 2.5, limit: 12 },
      numericParam: "threshold"
    }
  ),
  detector(
    "overload",
    "iqr_threshold",
    IqrThresholdParamsSchema,
    iqrThreshold,
    [`${overloadStatistics}.iqr_threshold_factory`],
    {
      description:
        "overloaded when the newest utilisation is at or above 1 - threshold × the history's interquartile range",
      defaults: { threshold: 1.5, limit: 12 },
      numericParam: "threshold"
    }
  ),
  detector("overload", "loess", LoessParamsSchema, loess, [`${overloadStatistics}.loess_factory`], {
    description: "local regression of the last values: overloaded when param × the predicted utilisation >= threshold",
    defaults: { threshold: 1, param: 1.2, length: 10 },
    numericParam: "param"
  }),
  detector("overload", "loess_robust", LoessParamsSchema, loessRobust, [`${overloadStatistics}.loess_robust_factory`], {
    description: "robust local regression (bisquare reweighting), otherwise as loess",
    defaults: { threshold: 1, param: 1.2, length: 10 },
    numericParam: "param"
  }),
  // Stateful detectors check a state handed back to them (e.g. resumed from a file) against its schema.
  detector(
    "overload",
    "otf",
    OtfParamsSchema,
    (params, ctx) => withCheckedState("overload/otf", otf(params, ctx), OtfStateSchema),
    ["neat.locals.overload.otf.otf_factory"],
    {
      description: "keeps the fraction of time overloaded (OTF) below otf (stateful)",
      defaults: { otf: 0.1, threshold: 0.8, limit: 30 },
      numericParam: "otf"
    }
  ),
  detector(
    "overload",
    "mhod",
    MhodParamsSchema,
    (params, ctx) => withCheckedState("overload/mhod", mhod(params, ctx), MhodStateSchema),
    ["neat.locals.overload.mhod.core.mhod_factory"],
    {
      description: "Markov host overload detection: an optimal control keeping OTF below otf (stateful)",
      defaults: mhodDefaults,
      numericParam: "otf"
    }
  ),
  selector("random", RandomSelectionParamsSchema, randomSelection, [`${vmSelection}.random_factory`], {
    description: "one VM drawn by a seeded generator"
  }),
  selector(
    "minimum_utilization",
    MinimumUtilizationParamsSchema,
    minimumUtilization,
    [`${vmSelection}.minimum_utilization_factory`],
    { description: "the VM with the lowest last CPU sample" }
  ),
  selector(
    "minimum_migration_time",
    MinimumMigrationTimeParamsSchema,
    minimumMigrationTime,
    [`${vmSelection}.minimum_migration_time_factory`],
    { description: "the VM with the least RAM (shortest migration)" }
  ),
  selector(
    "minimum_migration_time_max_cpu",
    MinimumMigrationTimeMaxCpuParamsSchema,
    minimumMigrationTimeMaxCpu,
    [`${vmSelection}.minimum_migration_time_max_cpu_factory`],
    {
      description: "among the VMs with the least RAM, the one with the highest mean CPU over the last n samples",
      defaults: { last_n: 2 },
      numericParam: "last_n"
    }
  ),
  placer(
    "best_fit_decreasing",
    BestFitDecreasingParamsSchema,
    bestFitDecreasingPlacer,
    [`${binPacking}.best_fit_decreasing_factory`],
    {
      description: "VMs by decreasing CPU onto the fullest host that fits under the CPU and RAM thresholds",
      defaults: bestFitDefaults,
      numericParam: "cpu_threshold"
    }
  ),
  // CloudSim 3.0.3's family (src/algorithms/cloudsim), nameable in every policy and live.
  detector("overload", "thr", CloudsimThrParamsSchema, cloudsimThr, [], {
    description: "CloudSim's static threshold: overloaded when the utilisation exceeds the threshold",
    numericParam: "threshold"
  }),
  detector("overload", "iqr", CloudsimIqrParamsSchema, cloudsimIqr, [], {
    description: "CloudSim's IQR: adaptive threshold 1 - safety × the interquartile range of the history",
    numericParam: "safety"
  }),
  detector("overload", "mad", CloudsimMadParamsSchema, cloudsimMad, [], {
    description: "CloudSim's MAD: adaptive threshold 1 - safety × the median absolute deviation of the history",
    numericParam: "safety"
  }),
  detector("overload", "lr", CloudsimLrParamsSchema, cloudsimLr, [], {
    description: "CloudSim's local regression: overloaded when safety × the predicted utilisation >= 1",
    numericParam: "safety"
  }),
  detector("overload", "lrr", CloudsimLrParamsSchema, cloudsimLrr, [], {
    description: "CloudSim's robust local regression, otherwise as lr",
    numericParam: "safety"
  }),
  selector("mmt", CloudsimNoParamsSchema, cloudsimMmt, [], {
    description: "CloudSim's minimum migration time: the VM with the least RAM"
  }),
  selector("mc", CloudsimNoParamsSchema, cloudsimMc, [], {
    description: "CloudSim's maximum correlation: the VM whose utilisation correlates most with the others'"
  }),
  selector("mu", CloudsimNoParamsSchema, cloudsimMu, [], {
    description: "CloudSim's minimum utilisation: the VM with the lowest CPU utilisation"
  }),
  selector("rs", CloudsimRsParamsSchema, cloudsimRs, [], {
    description: "CloudSim's random selection (seeded)",
    numericParam: "seed"
  }),
  placer("power_aware_best_fit", PowerAwareBestFitParamsSchema, powerAwareBestFit, [], {
    description: "CloudSim's power-aware best fit decreasing: each VM to the host whose power grows least",
    numericParam: "cpu_threshold"
  })
]

const qualifiedName = (entry: AlgorithmEntry): string => `${entry.family}/${entry.name}`

/** Every registered algorithm's `<family>/<name>`. */
export const algorithmNames: ReadonlyArray<string> = algorithmTable.map(qualifiedName)

const byName = new Map<string, AlgorithmEntry>()
for (const entry of algorithmTable) {
  byName.set(qualifiedName(entry), entry)
  for (const alias of entry.aliases) byName.set(alias, entry)
}

/** The entry a `<family>/<name>` or a Neat dotted factory name refers to. */
export const findAlgorithm = (name: string): AlgorithmEntry | undefined => byName.get(name)

/** The entry `name` (bare, `<family>/<name>`, dotted, or a loaded user's `MODULE#EXPORT`) refers to in `family`. */
export const resolveAlgorithm = (family: AlgorithmFamily, name: string): Either.Either<AlgorithmEntry, ConfigError> =>
  find(family, name)

const find = (family: AlgorithmFamily, name: string): Either.Either<AlgorithmEntry, ConfigError> => {
  if (isUserReference(name)) return findUser(family, name)
  const entry = byName.get(name) ?? byName.get(`${family}/${name}`)
  if (entry !== undefined && entry.family === family) return Either.right(entry)
  const known = algorithmNames.filter((known) => known.startsWith(`${family}/`)).join(", ")
  const message =
    entry === undefined
      ? `unknown ${family} algorithm "${name}" (known: ${known})`
      : `"${name}" is a ${entry.family} algorithm, not a ${family} one (known: ${known})`
  return Either.left(new ConfigError({ field: "algorithm", message }))
}

/** A user's `MODULE#EXPORT`, loaded beforehand by `preloadAlgorithmRefs`, as an entry of the asked family. */
const findUser = (family: AlgorithmFamily, reference: string): Either.Either<AlgorithmEntry, ConfigError> => {
  const loaded = findUserFactory(reference)
  const failure = loaded === undefined ? userFactoryFailure(reference) : undefined
  if (failure !== undefined) return Either.left(new ConfigError({ field: reference.trim(), message: failure }))
  if (loaded === undefined) {
    return Either.left(
      new ConfigError({
        field: "algorithm",
        message: `${reference}: the module is not loaded (preloadAlgorithmRefs must load it before the algorithm is built)`
      })
    )
  }
  const common = { name: reference, aliases: [], schema: Schema.Unknown, about: {} }
  switch (family) {
    case "underload":
    case "overload":
      return Either.right({
        ...common,
        family,
        make: (params, ctx) => buildUserAlgorithm(loaded, "detector", params, ctx)
      })
    case "selection":
      return Either.right({
        ...common,
        family,
        make: (params, ctx) => buildUserAlgorithm(loaded, "selection", params, ctx)
      })
    case "placement":
      return Either.right({
        ...common,
        family,
        make: (params, ctx) => buildUserAlgorithm(loaded, "placement", params, ctx)
      })
  }
}

const checkContext = (ctx: AlgorithmContext): Either.Either<AlgorithmContext, ConfigError> => {
  if (!(Number.isFinite(ctx.timeStepSec) && ctx.timeStepSec > 0)) {
    return Either.left(new ConfigError({ field: "time_step", message: `expected seconds > 0, got ${ctx.timeStepSec}` }))
  }
  if (!(Number.isFinite(ctx.migrationTimeSec) && ctx.migrationTimeSec >= 0)) {
    return Either.left(
      new ConfigError({ field: "migration_time", message: `expected seconds >= 0, got ${ctx.migrationTimeSec}` })
    )
  }
  return Either.right(ctx)
}

/** Builds an underload or overload detector from its name and parameters. */
export const makeDetector = (
  family: DetectorFamily,
  name: string,
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<Detector, ConfigError> =>
  Either.flatMap(Either.all([find(family, name), checkContext(ctx)]), ([entry]) =>
    entry.family === "underload" || entry.family === "overload"
      ? entry.make(params, ctx)
      : Either.left(new ConfigError({ field: "algorithm", message: `"${name}" is not a detector` }))
  )

/** Builds a VM selection algorithm from its name and parameters. */
export const makeSelector = (
  name: string,
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<VmSelector, ConfigError> =>
  Either.flatMap(Either.all([find("selection", name), checkContext(ctx)]), ([entry]) =>
    entry.family === "selection"
      ? entry.make(params, ctx)
      : Either.left(new ConfigError({ field: "algorithm", message: `"${name}" is not a VM selection algorithm` }))
  )

/** Builds a VM placement algorithm from its name and parameters. */
export const makePlacer = (
  name: string,
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<VmPlacer, ConfigError> =>
  Either.flatMap(Either.all([find("placement", name), checkContext(ctx)]), ([entry]) =>
    entry.family === "placement"
      ? entry.make(params, ctx)
      : Either.left(new ConfigError({ field: "algorithm", message: `"${name}" is not a VM placement algorithm` }))
  )
