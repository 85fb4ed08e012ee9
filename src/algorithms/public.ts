/**
 * Neat's public algorithm API (`import … from "neat/algorithms"`): what a user's detector, VM
 * selection or VM placement is, and small helpers to write one. See docs/plugins.md.
 *
 * An algorithm is made by a factory `(params, ctx) => algorithm`, exported from a module and named
 * `MODULE#EXPORT` wherever Neat names an algorithm (`neat sim --overload ./my.ts#myDetector`, sweep
 * grids, `neat decide`, neat.conf's `algorithm_*_factory`).
 *
 * The state contract: an algorithm is pure. It receives its previous state and returns its next one
 * beside its answer; states must be JSON values (null, booleans, finite numbers, strings, arrays,
 * plain objects), since the live local manager saves them to a file between iterations and resumes
 * them after a restart. Use `null` as the initial state of a stateless algorithm.
 *
 * @module
 */
import { Either, type ParseResult, Schema } from "effect"
import { ConfigError } from "../core/errors.js"
import { describeParseError, joinPath } from "../core/schemaErrors.js"
import type { AlgorithmContext, Detector, VmPlacer, VmSelector } from "./types.js"

export type { Placement } from "../core/Placement.js"
export type { VmSample } from "../core/Vm.js"
export {
  Bool,
  FiniteNumber,
  Fraction,
  Integer,
  NonNegativeInteger,
  NonNegativeNumber,
  PositiveInteger,
  PositiveNumber,
  Text
} from "./schemaFields.js"
export { nextIndex, nextUniform, prngState } from "./selection/prng.js"
export { lastOf, meanOfLast } from "./series.js"
export type { AlgorithmContext, Detector, PlacementHost, PlacementInput, VmPlacer, VmSelector } from "./types.js"
export { Schema }

// An algorithm's state and parameter types are its own: Neat only hands back what it returned.
// biome-ignore lint/suspicious/noExplicitAny: Detector<S> for any S, which `unknown` cannot express (S is used both ways)
type Any = any

/** Any algorithm a factory can return. */
export type Algorithm = Detector<Any> | VmSelector<Any> | VmPlacer<Any>

/**
 * What Neat reads from a factory: it is called with the parameters (a JSON object, `{}` when none
 * are given) and the deployment's context. Optional properties: `defaults`, merged under the given
 * parameters, and `numericParam`, the parameter a bare number sets (`./my.ts#thr:0.9`).
 */
export interface AlgorithmFactory<A extends Algorithm = Algorithm, P = Any> {
  (params: P, ctx: AlgorithmContext): A
  readonly defaults?: Readonly<Record<string, unknown>>
  readonly numericParam?: string
}

/** A factory of overload or underload detectors. */
export type DetectorFactory<P = Any, S = Any> = AlgorithmFactory<Detector<S>, P>
/** A factory of VM selections. */
export type VmSelectorFactory<P = Any, S = Any> = AlgorithmFactory<VmSelector<S>, P>
/** A factory of VM placements. */
export type VmPlacerFactory<P = Any, S = Any> = AlgorithmFactory<VmPlacer<S>, P>

/**
 * Checks parameters against a schema, unknown ones included, with a message naming the parameter
 * (`params.threshold: expected a fraction between 0 and 1, got 2`). Throws a ConfigError, which Neat
 * reports with the algorithm's reference.
 */
export const decodeParams = <P, I>(schema: Schema.Schema<P, I>, params: unknown): P =>
  Either.getOrThrowWith(
    Schema.decodeUnknownEither(schema, { onExcessProperty: "error", errors: "first" })(params ?? {}),
    (error: ParseResult.ParseError) => {
      const problem = describeParseError(error)
      // The whole message in `message`, so that a test (or any catch) sees which parameter is wrong.
      return new ConfigError({ field: "", message: `${joinPath("params", problem.field)}: ${problem.message}` })
    }
  )

/**
 * A factory whose parameters, over `defaults`, are checked against `schema` before `make` sees them.
 *
 * @example
 * export const thr = withParams(
 *   Schema.Struct({ threshold: Fraction }),
 *   ({ threshold }): Detector<null> => ({
 *     initialState: null,
 *     decide: (utilization, state) => [(utilization.at(-1) ?? 0) > threshold, state]
 *   }),
 *   { defaults: { threshold: 0.8 }, numericParam: "threshold" }
 * )
 */
export const withParams = <P, I, A extends Algorithm>(
  schema: Schema.Schema<P, I>,
  make: (params: P, ctx: AlgorithmContext) => A,
  options: { readonly defaults?: Readonly<Record<string, unknown>>; readonly numericParam?: string } = {}
): AlgorithmFactory<A, unknown> =>
  Object.assign(
    (params: unknown, ctx: AlgorithmContext) =>
      make(decodeParams(schema, { ...options.defaults, ...(params as object | undefined) }), ctx),
    {
      ...(options.defaults === undefined ? {} : { defaults: options.defaults }),
      ...(options.numericParam === undefined ? {} : { numericParam: options.numericParam })
    }
  )
