/**
 * The algorithm registry: maps a configured name to a validated, ready-to-run algorithm.
 *
 * Names are `<family>/<name>` (`overload/mad_threshold`), a bare `<name>` within the family
 * asked for, or Neat's dotted factory name (`neat.locals.overload.statistics.mad_threshold_factory`).
 * Parameters are checked against the algorithm's schema, unknown parameters included, so a
 * typo fails at start-up with a `ConfigError` naming the parameter instead of deep in a loop.
 */
import { Either, type ParseResult, Schema } from "effect"
import { ConfigError } from "../core/errors.js"
import { describeParseError, joinPath } from "../core/schemaErrors.js"
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

/** One registered algorithm. */
export type AlgorithmEntry =
  | {
      readonly family: DetectorFamily
      readonly name: string
      readonly aliases: ReadonlyArray<string>
      readonly make: Make<Detector>
    }
  | {
      readonly family: "selection"
      readonly name: string
      readonly aliases: ReadonlyArray<string>
      readonly make: Make<VmSelector>
    }
  | {
      readonly family: "placement"
      readonly name: string
      readonly aliases: ReadonlyArray<string>
      readonly make: Make<VmPlacer>
    }

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
  aliases: ReadonlyArray<string>
): AlgorithmEntry => ({
  family,
  name,
  aliases,
  make: (params, ctx) => build(params, schema, (decoded) => eraseDetector(factory(decoded, ctx)))
})

const selector = <P, I, S>(
  name: string,
  schema: Schema.Schema<P, I>,
  factory: Factory<P, VmSelector<S>>,
  aliases: ReadonlyArray<string>
): AlgorithmEntry => ({
  family: "selection",
  name,
  aliases,
  make: (params, ctx) => build(params, schema, (decoded) => eraseSelector(factory(decoded, ctx)))
})

const placer = <P, I, S>(
  name: string,
  schema: Schema.Schema<P, I>,
  factory: Factory<P, VmPlacer<S>>,
  aliases: ReadonlyArray<string>
): AlgorithmEntry => ({
  family: "placement",
  name,
  aliases,
  make: (params, ctx) => build(params, schema, (decoded) => erasePlacer(factory(decoded, ctx)))
})

const underloadTrivial = "neat.locals.underload.trivial"
const overloadTrivial = "neat.locals.overload.trivial"
const overloadStatistics = "neat.locals.overload.statistics"
const vmSelection = "neat.locals.vm_selection.algorithms"
const binPacking = "neat.globals.vm_placement.bin_packing"

/** Every registered algorithm, one line each. */
export const algorithmTable: ReadonlyArray<AlgorithmEntry> = [
  detector("underload", "threshold", UnderloadThresholdParamsSchema, underloadThreshold, [
    `${underloadTrivial}.threshold_factory`
  ]),
  detector(
    "underload",
    "last_n_average_threshold",
    UnderloadLastNAverageThresholdParamsSchema,
    underloadLastNAverageThreshold,
    [`${underloadTrivial}.last_n_average_threshold_factory`]
  ),
  detector("underload", "always_underloaded", AlwaysUnderloadedParamsSchema, alwaysUnderloaded, [
    `${underloadTrivial}.always_underloaded_factory`
  ]),
  detector("overload", "never_overloaded", NeverOverloadedParamsSchema, neverOverloaded, [
    `${overloadTrivial}.never_overloaded_factory`
  ]),
  detector("overload", "threshold", OverloadThresholdParamsSchema, overloadThreshold, [
    `${overloadTrivial}.threshold_factory`
  ]),
  detector(
    "overload",
    "last_n_average_threshold",
    OverloadLastNAverageThresholdParamsSchema,
    overloadLastNAverageThreshold,
    [`${overloadTrivial}.last_n_average_threshold_factory`]
  ),
  detector("overload", "mad_threshold", MadThresholdParamsSchema, madThreshold, [
    `${overloadStatistics}.mad_threshold_factory`
  ]),
  detector("overload", "iqr_threshold", IqrThresholdParamsSchema, iqrThreshold, [
    `${overloadStatistics}.iqr_threshold_factory`
  ]),
  detector("overload", "loess", LoessParamsSchema, loess, [`${overloadStatistics}.loess_factory`]),
  detector("overload", "loess_robust", LoessParamsSchema, loessRobust, [`${overloadStatistics}.loess_robust_factory`]),
  // Stateful detectors check a state handed back to them (e.g. resumed from a file) against its schema.
  detector(
    "overload",
    "otf",
    OtfParamsSchema,
    (params, ctx) => withCheckedState("overload/otf", otf(params, ctx), OtfStateSchema),
    ["neat.locals.overload.otf.otf_factory"]
  ),
  detector(
    "overload",
    "mhod",
    MhodParamsSchema,
    (params, ctx) => withCheckedState("overload/mhod", mhod(params, ctx), MhodStateSchema),
    ["neat.locals.overload.mhod.core.mhod_factory"]
  ),
  selector("random", RandomSelectionParamsSchema, randomSelection, [`${vmSelection}.random_factory`]),
  selector("minimum_utilization", MinimumUtilizationParamsSchema, minimumUtilization, [
    `${vmSelection}.minimum_utilization_factory`
  ]),
  selector("minimum_migration_time", MinimumMigrationTimeParamsSchema, minimumMigrationTime, [
    `${vmSelection}.minimum_migration_time_factory`
  ]),
  selector("minimum_migration_time_max_cpu", MinimumMigrationTimeMaxCpuParamsSchema, minimumMigrationTimeMaxCpu, [
    `${vmSelection}.minimum_migration_time_max_cpu_factory`
  ]),
  placer("best_fit_decreasing", BestFitDecreasingParamsSchema, bestFitDecreasingPlacer, [
    `${binPacking}.best_fit_decreasing_factory`
  ]),
  // CloudSim 3.0.3's family (src/algorithms/cloudsim), nameable in every policy and live.
  detector("overload", "thr", CloudsimThrParamsSchema, cloudsimThr, []),
  detector("overload", "iqr", CloudsimIqrParamsSchema, cloudsimIqr, []),
  detector("overload", "mad", CloudsimMadParamsSchema, cloudsimMad, []),
  detector("overload", "lr", CloudsimLrParamsSchema, cloudsimLr, []),
  detector("overload", "lrr", CloudsimLrParamsSchema, cloudsimLrr, []),
  selector("mmt", CloudsimNoParamsSchema, cloudsimMmt, []),
  selector("mc", CloudsimNoParamsSchema, cloudsimMc, []),
  selector("mu", CloudsimNoParamsSchema, cloudsimMu, []),
  selector("rs", CloudsimRsParamsSchema, cloudsimRs, []),
  placer("power_aware_best_fit", PowerAwareBestFitParamsSchema, powerAwareBestFit, [])
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

const find = (family: AlgorithmFamily, name: string): Either.Either<AlgorithmEntry, ConfigError> => {
  const entry = byName.get(name) ?? byName.get(`${family}/${name}`)
  if (entry !== undefined && entry.family === family) return Either.right(entry)
  const known = algorithmNames.filter((known) => known.startsWith(`${family}/`)).join(", ")
  const message =
    entry === undefined
      ? `unknown ${family} algorithm "${name}" (known: ${known})`
      : `"${name}" is a ${entry.family} algorithm, not a ${family} one (known: ${known})`
  return Either.left(new ConfigError({ field: "algorithm", message }))
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
