/**
 * OTF (overload time fraction) detection, as in OpenStack Neat's `otf_factory`: the host is
 * overloaded when its latest utilisation is at or above `threshold` and the fraction of time it has
 * spent overloaded so far, counting the coming migration as overloaded time, reaches `otf`.
 */
import { Either, type ParseResult, Schema } from "effect"
import type { ConfigError } from "../../core/errors.js"
import { SampleCount } from "../schemaFields.js"
import type { AlgorithmContext, Detector } from "../types.js"
import { migrationTimeSteps } from "./migrationTimeSteps.js"
import { paramsConfigError } from "./paramsError.js"

/** OTF parameters, named as in Neat's configuration. */
export const OtfParamsSchema = Schema.Struct({
  /** Maximum acceptable overload time fraction, 0-1. */
  otf: Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  /** Utilisation (fraction of capacity) at or above which a step counts as overloaded. */
  threshold: Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  /** Minimum history length (samples) before the detector may report an overload. */
  limit: SampleCount(0)
})

/** Validated OTF parameters. */
export type OtfParams = typeof OtfParamsSchema.Type

const steps = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

/**
 * What OTF remembers between decisions: steps seen and steps overloaded. Plain JSON; decode a stored
 * state with this schema to get an error naming the bad field.
 */
export const OtfStateSchema = Schema.Struct({
  /** Decisions taken with the latest utilisation at or above the threshold. */
  overload: steps,
  /** Decisions taken. */
  total: steps
})

/** What OTF remembers between decisions. */
export interface OtfState extends Schema.Schema.Type<typeof OtfStateSchema> {}

/** The state before the first decision. */
export const initialOtfState: OtfState = { overload: 0, total: 0 }

/**
 * One OTF decision with the migration time given in time steps (Neat's `otf` function).
 * An empty history decides nothing: not overloaded, state unchanged.
 */
export const otfDecision = (
  params: OtfParams,
  migrationSteps: number,
  utilization: ReadonlyArray<number>,
  state: OtfState
): readonly [boolean, OtfState] => {
  const length = utilization.length
  if (length === 0) return [false, state]
  const overloaded = utilization[length - 1]! >= params.threshold
  const next: OtfState = { overload: state.overload + (overloaded ? 1 : 0), total: state.total + 1 }
  if (!overloaded || length < params.limit) return [false, next]
  return [(migrationSteps + next.overload) / (migrationSteps + next.total) >= params.otf, next]
}

const toConfigError = (error: ParseResult.ParseError): ConfigError => paramsConfigError("overload/otf", error)

/**
 * Builds the OTF detector. The migration time in steps is `migrationTimeSec / timeStepSec`,
 * as Neat's factory computes it. Throws a ConfigError naming the field when the parameters or
 * context are invalid.
 */
export const otf = (params: OtfParams, ctx: AlgorithmContext): Detector<OtfState> => {
  const valid = Schema.validateEither(OtfParamsSchema)(params)
  if (Either.isLeft(valid)) throw toConfigError(valid.left)
  const steps = migrationTimeSteps(ctx)
  return {
    initialState: initialOtfState,
    decide: (utilization, state) => otfDecision(params, steps, utilization, state)
  }
}

/** Validates raw OTF parameters, naming the offending field. */
export const decodeOtfParams = (input: unknown): Either.Either<OtfParams, ConfigError> =>
  Schema.decodeUnknownEither(OtfParamsSchema)(input).pipe(Either.mapLeft(toConfigError))
