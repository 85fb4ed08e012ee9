/**
 * MHOD's parameters, named as in Neat's configuration, with their validation. Every parameter is
 * bounded, and the memory they imply together (the sliding windows, the brute-force grid) is
 * checked before the detector allocates anything, so that no accepted configuration can exhaust
 * the process.
 */
import { Either, type ParseResult, Schema } from "effect"
import type { ConfigError } from "../../../core/errors.js"
import { paramsConfigError } from "../paramsError.js"

/** The bounds of MHOD's parameters. */
export const mhodLimits = {
  /** Grid of 1/step + 1 values per migration probability; each decision scans its square (1001² at most). */
  minBruteforceStep: 0.001,
  maxThresholds: 10,
  maxWindowSizes: 20,
  maxWindowSize: 10_000,
  maxHistorySize: 100_000,
  maxLearningSteps: 1_000_000,
  /** Bytes the sliding windows may take (a few kilobytes with Neat's settings). */
  maxWindowBytes: 32 * 1024 * 1024
} as const

/** `history_size` when the parameters leave it out: the value config/neat.conf ships. */
export const mhodDefaultHistorySize = 500

const windowSize = Schema.Number.pipe(
  Schema.int(),
  Schema.greaterThanOrEqualTo(2, { message: () => "a window size must be an integer of at least 2 samples" }),
  Schema.lessThanOrEqualTo(mhodLimits.maxWindowSize, {
    message: (issue) => `a window size must be at most ${mhodLimits.maxWindowSize} samples, got ${String(issue.actual)}`
  })
)

const atMost =
  (limit: number, what: string) =>
  <A extends ReadonlyArray<unknown>>(self: Schema.Schema<A, A>) =>
    self.pipe(Schema.filter((values) => values.length <= limit || `at most ${limit} ${what}, got ${values.length}`))

const integerUpTo = (low: number, high: number) =>
  Schema.Number.pipe(
    Schema.int(),
    Schema.between(low, high, {
      message: (issue) => `expected an integer from ${low} to ${high}, got ${String(issue.actual)}`
    })
  )

/**
 * Bytes of MHOD's sliding windows for `states` states and these window sizes (see
 * `SlidingWindowEstimator`): a ring of states per state, counts per window, and a ring of estimates
 * per transition and window.
 */
export const mhodWindowBytes = (states: number, windowSizes: ReadonlyArray<number>): number => {
  const distinct = [...new Set(windowSizes)]
  const total = distinct.reduce((sum, size) => sum + size, 0)
  const largest = Math.max(0, ...distinct)
  const u = distinct.length
  return 4 * states * largest + 4 * states * u * states + 8 * states * states * total + 4 * states * states * u
}

const MhodFields = Schema.Struct({
  /** Utilisation thresholds (fractions 0-1, ascending) splitting utilisation into states; Neat uses one, e.g. [0.8]. */
  state_config: Schema.NonEmptyArray(Schema.Number.pipe(Schema.finite())).pipe(
    atMost(mhodLimits.maxThresholds, "thresholds")
  ),
  /** Maximum acceptable overload time fraction, 0-1. */
  otf: Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  /**
   * Number of past states Neat keeps (kept for configuration compatibility; decisions do not use it).
   * Optional: OpenStack Neat's shipped neat.conf leaves it out, so it takes the value of Neat's own file.
   */
  history_size: Schema.optionalWith(integerUpTo(1, mhodLimits.maxHistorySize), {
    exact: true,
    default: () => mhodDefaultHistorySize
  }),
  /** Sliding-window sizes for the transition estimates, samples, scanned in this order. */
  window_sizes: Schema.NonEmptyArray(windowSize).pipe(atMost(mhodLimits.maxWindowSizes, "window sizes")),
  /** Grid step of the brute-force search over migration probabilities, 0-1. */
  bruteforce_step: Schema.Number.pipe(
    Schema.finite(),
    Schema.between(mhodLimits.minBruteforceStep, 1, {
      message: (issue) =>
        `expected a step from ${mhodLimits.minBruteforceStep} to 1 (a grid of at most ${Math.round(1 / mhodLimits.minBruteforceStep) + 1} points per probability), got ${String(issue.actual)}`
    })
  ),
  /** History length (samples) below which MHOD never reports an overload. */
  learning_steps: integerUpTo(0, mhodLimits.maxLearningSteps)
})

/** MHOD parameters (`time_step` and `migration_time` come from the algorithm context). */
export const MhodParamsSchema = MhodFields.pipe(
  Schema.filter((params) => {
    const bytes = mhodWindowBytes(params.state_config.length + 1, params.window_sizes)
    return (
      bytes <= mhodLimits.maxWindowBytes ||
      `state_config and window_sizes would need ${(bytes / 2 ** 20).toFixed(0)} MB of sliding windows (states² × the sum of the window sizes); at most ${mhodLimits.maxWindowBytes / 2 ** 20} MB: use fewer thresholds or smaller windows`
    )
  })
)

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
