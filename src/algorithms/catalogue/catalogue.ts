/**
 * The catalogue: every built-in algorithm with its family, name, aliases (Neat's dotted factory
 * names included), parameters, defaults, the parameter a bare number sets, a one-line description
 * and where it can run. It is read from the registry's table (registry.ts), so the two cannot
 * disagree, and it is the one door through which every command turns a reference into an
 * algorithm choice (`parseAlgorithmRef`).
 */
import type { Either } from "effect"
import type { ConfigError } from "../../core/errors.js"
import { type AlgorithmEntry, type AlgorithmFamily, algorithmTable, findAlgorithm } from "../registry.js"
import { describeParams, type ParamDescription } from "./describeParams.js"
import { type AlgorithmChoice, type ParameterDefaults, parseReferenceWith } from "./reference.js"

/** Where an algorithm can run: `neat sim --policy cloudsim`, `--policy neat`, and the live managers. */
export type RunsIn = "cloudsim" | "neat" | "live"

export interface CatalogueEntry {
  readonly family: AlgorithmFamily
  readonly name: string
  /** `<family>/<name>`. */
  readonly qualifiedName: string
  /** Other names: Neat's dotted factory names. */
  readonly aliases: ReadonlyArray<string>
  readonly description: string
  readonly params: ReadonlyArray<ParamDescription>
  /** Parameters used when a reference gives none. */
  readonly defaults: Readonly<Record<string, unknown>>
  /** The parameter a bare number sets (`NAME:NUMBER`), if any. */
  readonly numericParam: string | undefined
  readonly runsIn: ReadonlyArray<RunsIn>
}

// CloudSim's policy plans with its own placement and underload rule; it runs any overload detector and selection.
const runsInByFamily: Readonly<Record<AlgorithmFamily, ReadonlyArray<RunsIn>>> = {
  overload: ["cloudsim", "neat", "live"],
  selection: ["cloudsim", "neat", "live"],
  underload: ["neat", "live"],
  placement: ["neat", "live"]
}

const numericParamOf = (entry: AlgorithmEntry, params: ReadonlyArray<ParamDescription>): string | undefined => {
  if (entry.about.numericParam !== undefined) return entry.about.numericParam
  // With a single required parameter, a number can only mean that one.
  const [only, ...others] = params
  return only !== undefined && others.length === 0 && !only.optional && /^(number|integer)/.test(only.type)
    ? only.name
    : undefined
}

const toCatalogueEntry = (entry: AlgorithmEntry): CatalogueEntry => {
  const qualifiedName = `${entry.family}/${entry.name}`
  const params = describeParams(entry.schema)
  return {
    family: entry.family,
    name: entry.name,
    qualifiedName,
    aliases: entry.aliases,
    description: entry.about.description ?? "",
    params,
    defaults: entry.about.defaults ?? {},
    numericParam: numericParamOf(entry, params),
    runsIn: runsInByFamily[entry.family]
  }
}

let entries: ReadonlyArray<CatalogueEntry> | undefined
const byQualifiedName = new Map<string, CatalogueEntry>()

/** Every built-in algorithm, in the registry's order. */
export const catalogue = (): ReadonlyArray<CatalogueEntry> => {
  if (entries === undefined) {
    entries = algorithmTable.map(toCatalogueEntry)
    for (const entry of entries) byQualifiedName.set(entry.qualifiedName, entry)
  }
  return entries
}

/** The catalogue entry a name (bare within `family`, `<family>/<name>` or dotted) refers to. */
export const findCatalogueEntry = (family: AlgorithmFamily, name: string): CatalogueEntry | undefined => {
  catalogue()
  const entry = findAlgorithm(name) ?? findAlgorithm(`${family}/${name}`)
  return entry === undefined || entry.family !== family
    ? undefined
    : byQualifiedName.get(`${entry.family}/${entry.name}`)
}

const catalogueDefaults =
  (family: AlgorithmFamily) =>
  (name: string): ParameterDefaults => {
    const entry = findCatalogueEntry(family, name)
    return { defaults: entry?.defaults ?? {}, numericParam: entry?.numericParam }
  }

/** Drops the family prefix, so that `overload/mhod` and `mhod` give one name; dotted names and references stay. */
export const shortAlgorithmName = (family: AlgorithmFamily, name: string): string =>
  name.startsWith(`${family}/`) ? name.slice(family.length + 1) : name

/**
 * The one reference parser: `NAME[:NUMBER|:JSON]` or `MODULE#EXPORT[:NUMBER|:JSON]` for `family` →
 * the name to build (as written) and its parameters over the algorithm's defaults. `field` names
 * the option in errors. Unknown names are left to the registry, which lists the known ones when building.
 */
export const parseAlgorithmRef = (
  family: AlgorithmFamily,
  text: string,
  field: string = family
): Either.Either<AlgorithmChoice, ConfigError> => parseReferenceWith(text, field, catalogueDefaults(family))
