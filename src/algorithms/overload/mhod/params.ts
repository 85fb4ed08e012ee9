/** MHOD's parameters, named as in Neat's configuration, with their validation. */
import { Either, type ParseResult, Schema } from "effect"
import type { ConfigError } from "../../../core/errors.js"
import { paramsConfigError } from "../paramsError.js"

const windowSize = Schema.Number.pipe(
  Schema.int(),
  Schema.greaterThanOrEqualTo(2, { message: () => "a window size must be an integer of at least 2 samples" })
)

/** MHOD parameters (`time_step` and `migration_time` come from the algorithm context). */
export const MhodParamsSchema = Schema.Struct({
  /** Utilisation thresholds (fractions 0-1, ascending) splitting utilisation into states; Neat uses one, e.g. [0.8]. */
  state_config: Schema.NonEmptyArray(Schema.Number.pipe(Schema.finite())),
  /** Maximum acceptable overload time fraction, 0-1. */
  otf: Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  /** Number of past states Neat keeps (kept for configuration compatibility; decisions do not use it). */
  history_size: Schema.Number.pipe(Schema.int(), Schema.positive()),
  /** Sliding-window sizes for the transition estimates, samples, scanned in this order. */
  window_sizes: Schema.NonEmptyArray(windowSize),
  /** Grid step of the brute-force search over migration probabilities, 0-1. */
  bruteforce_step: Schema.Number.pipe(Schema.finite(), Schema.positive()),
  /** History length (samples) below which MHOD never reports an overload. */
  learning_steps: Schema.Number.pipe(Schema.int(), Schema.nonNegative())
})

/** Validated MHOD parameters. */
export type MhodParams = typeof MhodParamsSchema.Type

const toConfigError = (error: ParseResult.ParseError): ConfigError => paramsConfigError("overload/mhod", error)

/** Validates raw MHOD parameters, naming the offending field. */
export const decodeMhodParams = (input: unknown): Either.Either<MhodParams, ConfigError> =>
  Schema.decodeUnknownEither(MhodParamsSchema)(input).pipe(Either.mapLeft(toConfigError))

/** Checks already-typed parameters against the schema's constraints; throws a ConfigError naming the field. */
export const assertValidMhodParams = (params: MhodParams): void => {
  const result = Schema.validateEither(MhodParamsSchema)(params)
  if (Either.isLeft(result)) throw toConfigError(result.left)
}
