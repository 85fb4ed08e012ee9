/**
 * What `neat check` runs on, loaded by its handler: the registry, the property tests and the one
 * place a REF becomes an algorithm to check.
 */
import { Effect, Either } from "effect"
import { parseAlgorithmRef } from "../../../algorithms/catalogue/catalogue.js"
import { isUserReference } from "../../../algorithms/catalogue/loadedModules.js"
import { loadUserFactory } from "../../../algorithms/catalogue/userModules.js"
import {
  type AlgorithmEntry,
  algorithmNames,
  algorithmTable,
  findAlgorithm,
  makeDetector,
  makePlacer,
  makeSelector
} from "../../../algorithms/registry.js"
import type { AlgorithmContext } from "../../../algorithms/types.js"
import { ConfigError } from "../../../core/errors.js"
import type { CheckResolver } from "../check.js"

export { checkAlgorithm } from "../../../algorithms/check/checkAlgorithm.js"
export { formatCheckJson, formatCheckText } from "../../../algorithms/check/formatCheckReport.js"

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
