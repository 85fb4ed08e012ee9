/**
 * What `checkAlgorithm` checks: a factory, built-in or the user's, and the algorithm it builds.
 * The family is the one asked for, or read from the built object's shape (`decide` → detector,
 * `select` → selection, `place` → placement); anything else is refused with a message naming
 * the reference and what is wrong, before any property runs.
 */
import { Either } from "effect"
import fc from "fast-check"
import { ConfigError } from "../../core/errors.js"
import type { AlgorithmFamily } from "../registry.js"
import type { AlgorithmContext, Detector, VmPlacer, VmSelector } from "../types.js"

/** The three shapes an algorithm can have; underload and overload detectors share one. */
export type CheckFamily = "detector" | "selection" | "placement"

/** An algorithm to check: its reference (for messages) and its factory. */
export interface CheckSubject {
  /** How the user named it (`overload/mhod`, `./my.ts#detector`): used in every message. */
  readonly ref: string
  /** The family asked for; when absent, read from the built object's shape. */
  readonly family?: AlgorithmFamily | CheckFamily | undefined
  /** Builds the algorithm, as the registry's and the user's factories do. */
  readonly make: (params: unknown, ctx: AlgorithmContext) => unknown
}

/** A built algorithm with its family. */
export type BuiltAlgorithm =
  | { readonly family: "detector"; readonly algorithm: Detector }
  | { readonly family: "selection"; readonly algorithm: VmSelector }
  | { readonly family: "placement"; readonly algorithm: VmPlacer }

const methodOf: Readonly<Record<CheckFamily, "decide" | "select" | "place">> = {
  detector: "decide",
  selection: "select",
  placement: "place"
}

const families: ReadonlyArray<CheckFamily> = ["detector", "selection", "placement"]

/** `underload` and `overload` are detectors. */
export const checkFamilyOf = (family: AlgorithmFamily | CheckFamily): CheckFamily =>
  family === "underload" || family === "overload" ? "detector" : family

/** A short rendering of a value for a message, faithful where JSON is not (NaN, undefined, -0). */
export const showValue = (value: unknown): string => {
  if (typeof value === "function") return "a function"
  const text = fc.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

const isThenable = (value: unknown): boolean =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"

const refused = (subject: CheckSubject, message: string) =>
  Either.left(new ConfigError({ field: "algorithm", message, source: subject.ref }))

/** Calls the factory once; a ConfigError it throws is returned as is, anything else it throws is named. */
const callFactory = (
  subject: CheckSubject,
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<unknown, ConfigError> => {
  try {
    return Either.right(subject.make(params, ctx))
  } catch (error) {
    if (error instanceof ConfigError) {
      return Either.left(new ConfigError({ field: error.field, message: error.message, source: subject.ref }))
    }
    const why = error instanceof Error ? error.message : String(error)
    return refused(subject, `the factory threw: ${why}`)
  }
}

/** The object's shape as an algorithm of `family`, or why it is not one. */
const asFamily = (
  subject: CheckSubject,
  built: Record<string, unknown>,
  family: CheckFamily
): Either.Either<BuiltAlgorithm, ConfigError> => {
  const method = methodOf[family]
  if (method in built && typeof built[method] !== "function") {
    return refused(subject, `the ${family} algorithm's ${method} is ${showValue(built[method])}, not a function`)
  }
  if (typeof built[method] !== "function") {
    const found = families.map((other) => methodOf[other]).filter((other) => other in built)
    const has = found.length === 0 ? "none of decide, select or place" : found.join(" and ")
    return refused(subject, `expected a ${family} algorithm (a ${method} function), the factory built one with ${has}`)
  }
  if (!("initialState" in built)) {
    return refused(subject, `the ${family} algorithm has no initialState (give null or {} when it keeps no state)`)
  }
  return Either.right({ family, algorithm: built } as unknown as BuiltAlgorithm)
}

/**
 * Builds the subject's algorithm with `params` and `ctx` and checks its shape: a ConfigError
 * naming the reference when the factory throws, returns a Promise or a value that is not an
 * algorithm, or an algorithm of another family than the one asked for.
 */
export const buildSubject = (
  subject: CheckSubject,
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<BuiltAlgorithm, ConfigError> =>
  Either.flatMap(callFactory(subject, params, ctx), (built) => {
    if (isThenable(built)) {
      return refused(subject, "the factory returned a Promise: it must build the algorithm synchronously")
    }
    if (typeof built !== "object" || built === null) {
      return refused(
        subject,
        `the factory returned ${showValue(built)}, not an algorithm (an object with initialState and decide, select or place)`
      )
    }
    const shape = built as Record<string, unknown>
    if (subject.family !== undefined) return asFamily(subject, shape, checkFamilyOf(subject.family))
    const found = families.filter((family) => typeof shape[methodOf[family]] === "function")
    if (found.length === 1) return asFamily(subject, shape, found[0]!)
    if (found.length === 0) {
      const keys = Object.keys(shape)
      const has = keys.length === 0 ? "no fields" : `fields ${keys.join(", ")}`
      return refused(subject, `the factory built an object with ${has}, none of decide, select or place`)
    }
    return refused(
      subject,
      `the factory built an object with ${found.map((family) => methodOf[family]).join(" and ")}: ` +
        "say which family to check"
    )
  })
