/**
 * An algorithm choice from neat.conf: a factory name and its JSON parameters. The name is either
 * Neat's dotted Python factory (`neat.locals.overload.mhod.core.mhod_factory`), a registry name
 * (`overload/mhod`), a bare name within the option's family (`mhod`), or a user's factory
 * `MODULE#EXPORT` (a .ts/.mts/.js/.mjs file, relative to the configuration file's folder, or a
 * package); resolving it to code is the algorithm registry's job.
 */
import { Either } from "effect"

/** Where an algorithm plugs in; registry names start with the family. */
export type AlgorithmRole = "underload" | "overload" | "selection" | "placement"

export interface AlgorithmSpec {
  /** Registry name ("overload/mhod") or Neat's dotted factory name, as written. */
  readonly name: string
  /** The decoded JSON object of parameters. */
  readonly params: Readonly<Record<string, unknown>>
}

const registryName = /^([a-z]+)\/([a-z0-9_]+)$/
const bareName = /^[a-z0-9_]+$/
const dottedName = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/
const userReference = /^[^#\s]+#[A-Za-z_$][\w$]*$/

/** Checks the form of a factory name for a role; `Left` says what is wrong. */
export const parseAlgorithmName = (value: string, role: AlgorithmRole): Either.Either<string, string> => {
  const name = value.trim()
  if (name === "") return Either.left("must name an algorithm")
  const registry = registryName.exec(name)
  if (registry !== null) {
    return registry[1] === role
      ? Either.right(name)
      : Either.left(`'${name}' is in the ${registry[1]} family, but this option needs ${role}/<name>`)
  }
  // A bare name is looked up within the option's family.
  if (dottedName.test(name) || bareName.test(name) || userReference.test(name)) return Either.right(name)
  if (name.includes("#")) {
    return Either.left(
      `'${name}' is not MODULE#EXPORT (give the parameters in the matching algorithm_*_parameters option)`
    )
  }
  return Either.left(
    `'${name}' is neither a registry name like '${role}/<name>', a dotted factory name like 'neat.locals.<module>.<factory>', nor a user's MODULE#EXPORT`
  )
}

/** Decodes the JSON parameters; Neat requires a JSON object. */
export const parseAlgorithmParams = (value: string): Either.Either<Readonly<Record<string, unknown>>, string> => {
  const text = value.trim() === "" ? "{}" : value
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return Either.left(`is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return Either.left('must be a JSON object of parameters, like {"threshold": 0.8}')
  }
  return Either.right(parsed as Record<string, unknown>)
}
