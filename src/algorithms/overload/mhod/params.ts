/** MHOD's parameters, named as in Neat's configuration, with their validation. */
import { Either, ParseResult, Schema } from "effect"
import { ConfigError } from "../../../core/errors.js"

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

export type MhodParams = typeof MhodParamsSchema.Type

/** Validates raw MHOD parameters, naming the offending field. */
export const decodeMhodParams = (input: unknown): Either.Either<MhodParams, ConfigError> =>
  Schema.decodeUnknownEither(MhodParamsSchema)(input).pipe(
    Either.mapLeft(
      (error) => new ConfigError({ field: "overload/mhod", message: ParseResult.TreeFormatter.formatErrorSync(error) })
    )
  )
