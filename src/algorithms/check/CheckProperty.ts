/**
 * One property of the contract check and the means to state it: a random input, a check that
 * throws a `PropertyViolation` saying in words what the algorithm did wrong, and fast-check to
 * search for a failing input and shrink it.
 */
import { isDeepStrictEqual } from "node:util"
import fc from "fast-check"
import { showValue } from "./CheckSubject.js"

/** What an algorithm did against its contract, in words, and at which call (1-based) when one is to blame. */
export class PropertyViolation extends Error {
  override readonly name = "PropertyViolation"
  constructor(
    message: string,
    readonly call?: number
  ) {
    super(message)
  }
}

/** Stops the current check with `message`. */
export const violation = (message: string): never => {
  throw new PropertyViolation(message)
}

/** Stops the current check with what went wrong at call `call` (1-based). */
export const violationAt = (call: number, message: string): never => {
  throw new PropertyViolation(`call ${call}: ${message}`, call)
}

/** How one property fared over its runs. */
export interface PropertyOutcome {
  /** Inputs tried (up to and including the failing one). */
  readonly runs: number
  readonly failure?: PropertyFailure | undefined
}

/** A failing property: why, on which (shrunk) input, and how to replay it. */
export interface PropertyFailure {
  /** What went wrong on the shrunk counterexample. */
  readonly message: string
  /** The smallest failing input fast-check found. */
  readonly counterexample: unknown
  /** Shrinking steps from the first failing input to the counterexample. */
  readonly shrinks: number
  /** fast-check's path from the seed to the shrunk input (its `path` parameter), before the calls after the blamed one are cut. */
  readonly path: string
}

/** A property of one family of algorithms; `A` is the algorithm, its inputs a sequence of calls. */
export interface AlgorithmProperty<A> {
  /** Short and stable, for scripts: `deterministic`, `within-thresholds`. */
  readonly name: string
  /** What the property demands, in a sentence. */
  readonly description: string
  /** Tries the property on `runs` random inputs drawn from `seed`; `build` makes a fresh algorithm. */
  readonly run: (build: () => A, parameters: { readonly runs: number; readonly seed: number }) => PropertyOutcome
}

const describeThrown = (error: unknown): string =>
  error instanceof Error ? (error.message === "" ? error.name : error.message) : showValue(error)

/** The calls up to the one to blame: the ones after it never ran, and fast-check's shrinking may leave some. */
const upToBlamedCall = (counterexample: unknown, error: unknown): unknown =>
  error instanceof PropertyViolation &&
  error.call !== undefined &&
  Array.isArray(counterexample) &&
  counterexample.length > error.call
    ? counterexample.slice(0, error.call)
    : counterexample

/**
 * A property over sequences of calls drawn from `arbitrary`; `check` throws a PropertyViolation
 * (or anything) when it fails.
 */
export const algorithmProperty = <A, T extends ReadonlyArray<unknown>>(
  name: string,
  description: string,
  arbitrary: fc.Arbitrary<T>,
  check: (build: () => A, input: T) => void
): AlgorithmProperty<A> => ({
  name,
  description,
  run: (build, { runs, seed }) => {
    const details = fc.check(
      fc.property(arbitrary, (input) => {
        check(build, input)
      }),
      { numRuns: runs, seed }
    )
    if (!details.failed) return { runs: details.numRuns }
    if (details.counterexample === null) {
      const message = details.interrupted ? "interrupted" : `gave up after ${details.numSkips} skipped inputs`
      return { runs: details.numRuns, failure: { message, counterexample: null, shrinks: 0, path: "" } }
    }
    return {
      runs: details.numRuns,
      failure: {
        message: describeThrown(details.errorInstance),
        counterexample: upToBlamedCall(details.counterexample[0], details.errorInstance),
        shrinks: details.numShrinks,
        path: details.counterexamplePath
      }
    }
  }
})

/** Makes call `call` of an algorithm's method, turning a throw into a violation that says which call threw. */
export const callAlgorithm = <R>(call: number, method: string, invoke: () => R): R => {
  try {
    return invoke()
  } catch (error) {
    if (error instanceof PropertyViolation) throw error
    return violationAt(call, `${method} threw: ${describeThrown(error)}`)
  }
}

/** Structural equality: what "the same output" means for decisions, selections, placements and states. */
export const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b)

/** A copy of generated input, so that an algorithm that changes what it is given cannot change the next run. */
export const copyInput = <T>(value: T): T => structuredClone(value)

/** A deep copy to compare a state before and after a call, or undefined when it cannot be copied (functions). */
export const snapshotOf = (value: unknown): { readonly value: unknown } | undefined => {
  try {
    return { value: structuredClone(value) }
  } catch {
    return undefined
  }
}

/**
 * `JSON.parse(JSON.stringify(state))`: the state as a local manager stores and reads it back.
 * A state JSON cannot hold (undefined, a function, a BigInt, a cycle) is a violation.
 */
export const throughJson = (state: unknown, what: string): unknown => {
  let text: string | undefined
  try {
    text = JSON.stringify(state)
  } catch (error) {
    return violation(`${what} cannot be written as JSON: ${describeThrown(error)}`)
  }
  if (text === undefined) return violation(`${what} is ${showValue(state)}, which JSON cannot hold`)
  return JSON.parse(text) as unknown
}

/** `[a, b]` for a message. */
export const showPair = (pair: readonly [unknown, unknown]): string => `[${showValue(pair[0])}, ${showValue(pair[1])}]`
