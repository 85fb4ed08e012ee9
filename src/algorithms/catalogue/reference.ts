/**
 * The one syntax that names an algorithm everywhere (command line, sweep grids, `decide`, neat.conf):
 *
 *   NAME[:NUMBER|:JSON]            a catalogue algorithm ("mhod", "overload/mhod", Neat's dotted name)
 *   MODULE#EXPORT[:NUMBER|:JSON]   a user's factory: MODULE is a .ts/.mts/.js/.mjs path or a package
 *
 * A number sets the algorithm's main parameter over its defaults; a JSON object is merged over them.
 */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import { findUserFactory } from "./loadedModules.js"

/** A reference split into its parts; parameters still as text. */
export type ParsedReference =
  | { readonly kind: "catalogue"; readonly name: string; readonly paramsText: string }
  | {
      readonly kind: "user"
      /** `MODULE#EXPORT`, the key under which the module is loaded. */
      readonly ref: string
      readonly module: string
      readonly exportName: string
      readonly paramsText: string
    }

const exportPattern = /^[A-Za-z_$][\w$]*$/

/** Splits a reference; `field` names the option in errors. */
export const splitReference = (text: string, field: string): Either.Either<ParsedReference, ConfigError> => {
  const trimmed = text.trim()
  const hash = trimmed.indexOf("#")
  if (hash < 0) {
    const colon = trimmed.indexOf(":")
    const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim()
    if (name === "") {
      return Either.left(
        new ConfigError({
          field,
          message: `expected NAME[:NUMBER|:JSON] or MODULE#EXPORT[:NUMBER|:JSON], got "${text}"`
        })
      )
    }
    if (
      /\.(?:[cm]?[jt]s|tsx|jsx)$/.test(name) ||
      name.startsWith("./") ||
      name.startsWith("../") ||
      name.startsWith("/")
    ) {
      return Either.left(
        new ConfigError({
          field,
          message: `${name}: name the factory to use as MODULE#EXPORT, e.g. ${name}#myDetector`
        })
      )
    }
    return Either.right({ kind: "catalogue", name, paramsText: colon < 0 ? "" : trimmed.slice(colon + 1).trim() })
  }
  const module = trimmed.slice(0, hash).trim()
  const rest = trimmed.slice(hash + 1)
  const colon = rest.indexOf(":")
  const exportName = (colon < 0 ? rest : rest.slice(0, colon)).trim()
  if (module === "") {
    return Either.left(new ConfigError({ field, message: `"${text}": expected MODULE#EXPORT, the module is missing` }))
  }
  if (!exportPattern.test(exportName)) {
    return Either.left(
      new ConfigError({
        field,
        message: `"${text}": expected MODULE#EXPORT with EXPORT a JavaScript name, got "${exportName}"`
      })
    )
  }
  return Either.right({
    kind: "user",
    ref: `${module}#${exportName}`,
    module,
    exportName,
    paramsText: colon < 0 ? "" : rest.slice(colon + 1).trim()
  })
}

/** How a bare number and missing parameters are filled in: from the catalogue, or from a user's factory. */
export interface ParameterDefaults {
  readonly defaults: Readonly<Record<string, unknown>>
  /** The parameter a bare number sets; undefined when the algorithm takes none. */
  readonly numericParam: string | undefined
}

const userDefaults = (ref: string): ParameterDefaults => {
  const factory = findUserFactory(ref)?.factory as
    | { readonly defaults?: unknown; readonly numericParam?: unknown }
    | undefined
  const defaults = factory?.defaults
  return {
    defaults:
      typeof defaults === "object" && defaults !== null && !Array.isArray(defaults)
        ? (defaults as Record<string, unknown>)
        : {},
    numericParam: typeof factory?.numericParam === "string" ? factory.numericParam : undefined
  }
}

/** Parameter text (`""`, a number or a JSON object) over the defaults. */
export const resolveParams = (
  field: string,
  label: string,
  paramsText: string,
  { defaults, numericParam }: ParameterDefaults
): Either.Either<Readonly<Record<string, unknown>>, ConfigError> => {
  if (paramsText === "") return Either.right(defaults)
  if (paramsText.startsWith("{")) {
    let parsed: unknown
    try {
      parsed = JSON.parse(paramsText)
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      return Either.left(new ConfigError({ field, message: `parameters are not JSON (${why}): ${paramsText}` }))
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return Either.left(new ConfigError({ field, message: `parameters must be a JSON object, got ${paramsText}` }))
    }
    return Either.right({ ...defaults, ...(parsed as Record<string, unknown>) })
  }
  const value = Number(paramsText)
  if (!Number.isFinite(value)) {
    return Either.left(
      new ConfigError({ field, message: `expected NAME:NUMBER or NAME:{JSON}, got parameter "${paramsText}"` })
    )
  }
  if (numericParam === undefined) {
    return Either.left(
      new ConfigError({ field, message: `"${label}" takes no single number; give its parameters as JSON` })
    )
  }
  return Either.right({ ...defaults, [numericParam]: value })
}

/** An algorithm named by a reference: the name the registry builds it from, and its parameters. */
export interface AlgorithmChoice {
  /** A catalogue name as written, or a user's `MODULE#EXPORT`. */
  readonly name: string
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * Parses a reference into a name and its parameters. `catalogueDefaults` gives a catalogue
 * algorithm's defaults (see catalogue.ts); a user's factory gives its own through optional
 * `defaults` and `numericParam` properties (known once its module is preloaded).
 */
export const parseReferenceWith = (
  text: string,
  field: string,
  catalogueDefaults: (name: string) => ParameterDefaults
): Either.Either<AlgorithmChoice, ConfigError> =>
  Either.flatMap(splitReference(text, field), (parsed) => {
    const name = parsed.kind === "catalogue" ? parsed.name : parsed.ref
    const defaults = parsed.kind === "catalogue" ? catalogueDefaults(parsed.name) : userDefaults(parsed.ref)
    return Either.map(resolveParams(field, name, parsed.paramsText, defaults), (params) => ({ name, params }))
  })
