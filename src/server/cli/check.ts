/**
 * `neat check REF [--params JSON] [--runs N] [--seed S] [--format text|json]`: holds an algorithm
 * to the contract the built-ins are held to (see docs/algorithms.md), printing each property with
 * PASS or FAIL and, under a failure, the shrunk counterexample; exit status 1 when one fails.
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Data, Effect, Either, Option } from "effect"
import type { CheckSubject } from "../../algorithms/check/CheckSubject.js"
import { defaultCheckRuns } from "../../algorithms/check/defaultCheckRuns.js"
import { ConfigError } from "../../core/errors.js"

/** The registry, the properties and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/check.js"))

/** An algorithm failed one or more properties of its contract. */
export class CheckFailed extends Data.TaggedError("CheckFailed")<{ readonly message: string }> {}

/** What a reference names: the algorithm to check and the parameters it gives (defaults included). */
export interface CheckTarget {
  readonly subject: CheckSubject
  readonly params: unknown
}

/** Resolves a REF; the command takes it as a parameter so tests (and later the user-module loader) can provide their own. */
export type CheckResolver = (ref: string) => Effect.Effect<CheckTarget, ConfigError>

/**
 * The one place a REF becomes an algorithm to check (see implementation/check.ts), loaded with the
 * registry when the command runs.
 */
export const resolveCheckReference: CheckResolver = (ref) =>
  Effect.flatMap(implementation, (loaded) => loaded.resolveCheckReference(ref))

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
      const { checkAlgorithm, formatCheckJson, formatCheckText } = yield* implementation
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
