/**
 * `neat check REF [--params JSON] [--runs N] [--seed S] [--format text|json]`: holds an algorithm
 * to the contract the built-ins are held to (see docs/algorithms.md), printing each property with
 * PASS or FAIL and, under a failure, the shrunk counterexample; exit status 1 when one fails.
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Data, Effect, Either, Option } from "effect"
import { parseAlgorithmRef } from "../../algorithms/catalogue/catalogue.js"
import { isUserReference } from "../../algorithms/catalogue/loadedModules.js"
import { loadUserFactory } from "../../algorithms/catalogue/userModules.js"
import type { CheckSubject } from "../../algorithms/check/CheckSubject.js"
import { checkAlgorithm, defaultCheckRuns } from "../../algorithms/check/checkAlgorithm.js"
import { formatCheckJson, formatCheckText } from "../../algorithms/check/formatCheckReport.js"
import {
  type AlgorithmEntry,
  algorithmNames,
  algorithmTable,
  findAlgorithm,
  makeDetector,
  makePlacer,
  makeSelector
} from "../../algorithms/registry.js"
import type { AlgorithmContext } from "../../algorithms/types.js"
import { ConfigError } from "../../core/errors.js"

/** An algorithm failed one or more properties of its contract. */
export class CheckFailed extends Data.TaggedError("CheckFailed")<{ readonly message: string }> {}

/** What a reference names: the algorithm to check and the parameters it gives (defaults included). */
export interface CheckTarget {
  readonly subject: CheckSubject
  readonly params: unknown
}

/** Resolves a REF; the command takes it as a parameter so tests (and later the user-module loader) can provide their own. */
export type CheckResolver = (ref: string) => Effect.Effect<CheckTarget, ConfigError>

const refError = (message: string) => new ConfigError({ field: "REF", message })

const qualifiedName = (entry: AlgorithmEntry): string => `${entry.family}/${entry.name}`

/** A built-in by `<family>/<name>`, Neat's dotted name, or a bare name when only one family has it. */
const findBuiltIn = (name: string): Either.Either<AlgorithmEntry, ConfigError> => {
  const named = findAlgorithm(name)
  if (named !== undefined) return Either.right(named)
  const matches = algorithmTable.filter((entry) => entry.name === name)
  if (matches.length === 1) return Either.right(matches[0]!)
  if (matches.length > 1) {
    return Either.left(
      refError(`"${name}" is ambiguous: say which, ${matches.map((entry) => qualifiedName(entry)).join(" or ")}`)
    )
  }
  return Either.left(
    refError(
      `unknown algorithm "${name}" (built-in: ${algorithmNames.join(", ")}; ` +
        "a user's algorithm is named MODULE#EXPORT)"
    )
  )
}

/** The registry's factory for an entry, throwing its ConfigError as user factories do. */
const registryFactory =
  (entry: AlgorithmEntry) =>
  (params: unknown, ctx: AlgorithmContext): unknown => {
    const name = qualifiedName(entry)
    const built: Either.Either<unknown, ConfigError> =
      entry.family === "selection"
        ? makeSelector(name, params, ctx)
        : entry.family === "placement"
          ? makePlacer(name, params, ctx)
          : makeDetector(entry.family, name, params, ctx)
    return Either.getOrThrowWith(built, (error) => error)
  }

/**
 * The one place a REF becomes an algorithm to check, through the catalogue's one reference parser.
 * Built-ins come from the registry with their default parameters (those `neat sim --policy neat`
 * uses), a `:NUMBER` or `:JSON` suffix over them; a user's `MODULE#EXPORT` is loaded (TypeScript
 * included) and its family read from the shape of what its factory builds.
 */
export const resolveCheckReference: CheckResolver = (ref) =>
  Effect.gen(function* () {
    const trimmed = ref.trim()
    if (trimmed === "" || trimmed.startsWith(":"))
      return yield* Effect.fail(refError(`expected NAME[:NUMBER|:JSON] or MODULE#EXPORT, got "${ref}"`))
    if (isUserReference(trimmed)) {
      const factory = yield* Effect.mapError(loadUserFactory(trimmed), (error) => refError(error.message))
      // A user's reference has no family of its own: any family's parser gives its parameters.
      const choice = yield* Either.mapLeft(parseAlgorithmRef("overload", trimmed, "REF"), (error) =>
        refError(error.message)
      )
      return { subject: { ref: factory.ref, make: factory.factory }, params: choice.params }
    }
    const colon = trimmed.indexOf(":")
    const entry = yield* findBuiltIn(colon < 0 ? trimmed : trimmed.slice(0, colon).trim())
    const suffix = colon < 0 ? "" : trimmed.slice(colon)
    const choice = yield* Either.mapLeft(parseAlgorithmRef(entry.family, `${entry.name}${suffix}`, "REF"), (error) =>
      refError(error.message)
    )
    return {
      subject: { ref: qualifiedName(entry), family: entry.family, make: registryFactory(entry) },
      params: choice.params
    }
  })

/** `--params`: a JSON object merged over the parameters the reference gives. */
const mergeParams = (given: unknown, text: string): Either.Either<unknown, ConfigError> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return Either.left(new ConfigError({ field: "--params", message: `not JSON (${why}): ${text}` }))
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return Either.left(new ConfigError({ field: "--params", message: `expected a JSON object, got ${text}` }))
  }
  const base = typeof given === "object" && given !== null && !Array.isArray(given) ? given : {}
  return Either.right({ ...base, ...parsed })
}

/** Quotes a word for a shell when it needs it. */
const shellWord = (word: string): string =>
  /^[\w@%+=:,./#-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`

const ref = Args.text({ name: "REF" }).pipe(
  Args.withDescription(
    "the algorithm: a built-in NAME[:NUMBER|:JSON] (overload/mhod, mhod, mhod:0.2, Neat's dotted names) " +
      "or MODULE#EXPORT[:NUMBER|:JSON]"
  )
)
const params = Options.text("params").pipe(
  Options.withPseudoName("JSON"),
  Options.withDescription("parameters as a JSON object, merged over the reference's (built-ins: over their defaults)"),
  Options.optional
)
const runs = Options.integer("runs").pipe(
  Options.withDescription("random inputs tried per property"),
  Options.withDefault(defaultCheckRuns)
)
const seed = Options.integer("seed").pipe(
  Options.withDescription("fast-check seed (a 32-bit integer): the same seed tries the same inputs; random by default"),
  Options.optional
)
const format = Options.choice("format", ["text", "json"] as const).pipe(
  Options.withDescription("text: one line per property, PASS or FAIL; json: the whole report as one document"),
  Options.withDefault("text" as const)
)

/** `neat check`, resolving references with `resolve`. */
export const makeCheckCommand = (resolve: CheckResolver = resolveCheckReference) =>
  Command.make("check", { ref, params, runs, seed, format }, (flags) =>
    Effect.gen(function* () {
      const target = yield* resolve(flags.ref)
      const checkParams = Option.isSome(flags.params)
        ? yield* mergeParams(target.params, flags.params.value)
        : target.params
      const report = yield* Either.mapLeft(
        checkAlgorithm(target.subject, {
          params: checkParams,
          runs: flags.runs,
          seed: Option.getOrUndefined(flags.seed)
        }),
        (error) =>
          error.field === "runs" || error.field === "seed"
            ? new ConfigError({ field: `--${error.field}`, message: error.message })
            : error
      )
      const replay = [
        "neat check",
        shellWord(flags.ref),
        ...(Option.isSome(flags.params) ? ["--params", shellWord(flags.params.value)] : []),
        `--runs ${report.runs} --seed ${report.seed}`
      ].join(" ")
      yield* Console.log(flags.format === "json" ? formatCheckJson(report) : formatCheckText(report, replay))
      const failed = report.properties.filter((property) => !property.passed).map((property) => property.name)
      if (failed.length > 0) {
        const of = `${failed.length} of ${report.properties.length} properties`
        return yield* new CheckFailed({ message: `${report.ref} failed ${of}: ${failed.join(", ")}` })
      }
    })
  ).pipe(
    Command.withDescription(
      "Check an algorithm against the contract the built-ins are held to: property tests with fast-check, " +
        "the shrunk counterexample of each failure"
    )
  )

export const checkCommand = makeCheckCommand()
