/**
 * A user's algorithm from its factory: the factory is called, what it returns is checked to have
 * the shape of the family asked for and a JSON initial state, and its method is wrapped so that a
 * throw or a malformed answer becomes a ConfigError naming the reference instead of a crash deep
 * in a loop. The wrapper costs one type check per call.
 */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import type { AlgorithmContext, Detector, PlacementInput, VmPlacer, VmSelector } from "../types.js"
import { nonJsonPath, showValue } from "./jsonValue.js"
import type { UserFactory } from "./loadedModules.js"

export type UserAlgorithmKind = "detector" | "selection" | "placement"

const shapes: Readonly<Record<UserAlgorithmKind, { readonly method: string; readonly describe: string }>> = {
  detector: { method: "decide", describe: "a detector { initialState, decide(utilization, state) }" },
  selection: { method: "select", describe: "a VM selection { initialState, select(vms, state) }" },
  placement: { method: "place", describe: "a VM placement { initialState, place(input, state) }" }
}

// A ConfigError thrown by the user's copy of Neat's helpers (a module loaded apart) is not an
// instance of ours, so it is recognised by its tag.
const describeThrown = (error: unknown): string => {
  if (typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "ConfigError") {
    const { field, message } = error as { readonly field?: unknown; readonly message?: unknown }
    return typeof field === "string" && field !== "" ? `${field}: ${String(message)}` : String(message)
  }
  return error instanceof Error ? error.message : String(error)
}

const fail = (ref: string, message: string): ConfigError => new ConfigError({ field: ref, message })

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null

/** What is wrong with an algorithm object for `kind`, or undefined. */
const shapeProblem = (value: unknown, kind: UserAlgorithmKind): string | undefined => {
  const wanted = shapes[kind]
  if (!isRecord(value)) return `the factory returned ${showValue(value)}, not ${wanted.describe}`
  if (typeof value[wanted.method] !== "function") {
    const other = (Object.keys(shapes) as ReadonlyArray<UserAlgorithmKind>).find(
      (candidate) => candidate !== kind && typeof value[shapes[candidate].method] === "function"
    )
    const hint =
      other === undefined ? "" : ` (it has ${shapes[other].method}: it is ${shapes[other].describe.split(" {")[0]})`
    return `the factory returned an object without a ${wanted.method} method, not ${wanted.describe}${hint}`
  }
  if (!("initialState" in value)) return `the ${kind} has no initialState (use null for a stateless one)`
  const bad = nonJsonPath(value.initialState)
  if (bad !== undefined) {
    const where = bad === "" ? "initialState" : `initialState.${bad}`
    return `${where} is not JSON-serialisable (states must survive JSON: null, booleans, finite numbers, strings, arrays, plain objects)`
  }
  return undefined
}

/** Which kind of algorithm an object is by its method (`decide`, `select`, `place`), if any. */
export const algorithmKindOf = (value: unknown): UserAlgorithmKind | undefined =>
  (Object.keys(shapes) as ReadonlyArray<UserAlgorithmKind>).find(
    (kind) => isRecord(value) && typeof value[shapes[kind].method] === "function"
  )

const call = <A>(ref: string, method: string, run: () => A): A => {
  try {
    return run()
  } catch (error) {
    if (error instanceof ConfigError && error.field === ref) throw error
    throw fail(ref, `${method} threw: ${describeThrown(error)}`)
  }
}

const pair = (ref: string, method: string, result: unknown, first: string): readonly [unknown, unknown] => {
  if (Array.isArray(result) && result.length === 2) return result as unknown as readonly [unknown, unknown]
  throw fail(ref, `${method} returned ${showValue(result)}, expected [${first}, state]`)
}

const wrapDetector = (ref: string, detector: Detector): Detector => {
  const decide = detector.decide.bind(detector)
  return {
    initialState: detector.initialState,
    decide: (utilization, state) => {
      const [verdict, next] = pair(
        ref,
        "decide",
        call(ref, "decide", () => decide(utilization, state)),
        "boolean"
      )
      if (typeof verdict !== "boolean") {
        throw fail(ref, `decide returned ${showValue(verdict)} as its verdict, expected true or false`)
      }
      return [verdict, next]
    }
  }
}

const wrapSelector = (ref: string, selector: VmSelector): VmSelector => {
  const select = selector.select.bind(selector)
  return {
    initialState: selector.initialState,
    select: (vms, state) => {
      const [chosen, next] = pair(
        ref,
        "select",
        call(ref, "select", () => select(vms, state)),
        "UUIDs"
      )
      if (!Array.isArray(chosen) || chosen.some((uuid) => typeof uuid !== "string")) {
        throw fail(ref, `select returned ${showValue(chosen)} as its selection, expected an array of VM UUIDs`)
      }
      return [chosen as ReadonlyArray<string>, next]
    }
  }
}

const wrapPlacer = (ref: string, placer: VmPlacer): VmPlacer => {
  const place = placer.place.bind(placer)
  return {
    initialState: placer.initialState,
    place: (input: PlacementInput, state) => {
      const [placement, next] = pair(
        ref,
        "place",
        call(ref, "place", () => place(input, state)),
        "placement or undefined"
      )
      if (placement === undefined || placement === null) return [undefined, next]
      if (
        !isRecord(placement) ||
        Array.isArray(placement) ||
        Object.values(placement).some((host) => typeof host !== "string")
      ) {
        throw fail(
          ref,
          `place returned ${showValue(placement)} as its placement, expected { VM UUID: host name } or undefined`
        )
      }
      return [placement as Readonly<Record<string, string>>, next]
    }
  }
}

/** Builds and checks a user's algorithm of `kind` from its loaded factory. */
export function buildUserAlgorithm(
  loaded: UserFactory,
  kind: "detector",
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<Detector, ConfigError>
export function buildUserAlgorithm(
  loaded: UserFactory,
  kind: "selection",
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<VmSelector, ConfigError>
export function buildUserAlgorithm(
  loaded: UserFactory,
  kind: "placement",
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<VmPlacer, ConfigError>
export function buildUserAlgorithm(
  loaded: UserFactory,
  kind: UserAlgorithmKind,
  params: unknown,
  ctx: AlgorithmContext
): Either.Either<Detector | VmSelector | VmPlacer, ConfigError> {
  const { ref } = loaded
  let made: unknown
  try {
    made = loaded.factory(params ?? {}, ctx)
  } catch (error) {
    return Either.left(fail(ref, `the factory threw: ${describeThrown(error)}`))
  }
  if (made instanceof Promise) {
    return Either.left(fail(ref, "the factory returned a Promise; a factory must return the algorithm itself"))
  }
  const problem = shapeProblem(made, kind)
  if (problem !== undefined) return Either.left(fail(ref, problem))
  switch (kind) {
    case "detector":
      return Either.right(wrapDetector(ref, made as Detector))
    case "selection":
      return Either.right(wrapSelector(ref, made as VmSelector))
    case "placement":
      return Either.right(wrapPlacer(ref, made as VmPlacer))
  }
}
