/**
 * Overload detection with an adaptive threshold (Neat's `mad_threshold` and `iqr_threshold`):
 * overloaded when the last value is at or above `1 - threshold * spread`, the spread being a robust
 * measure of how much the utilisation history varies (its MAD or IQR).
 */
import { Schema } from "effect"
import { NonNegativeNumber, SampleCount } from "../schemaFields.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const AdaptiveThresholdParamsSchema = Schema.Struct({
  /** Safety parameter: how many spreads (MADs or IQRs) below full utilisation the threshold sits. */
  threshold: NonNegativeNumber,
  /** Minimum history length; a shorter history is never overloaded. */
  limit: SampleCount(0)
})
export type AdaptiveThresholdParams = typeof AdaptiveThresholdParamsSchema.Type

/** The spread of a utilisation history (fractions 0-1, oldest first). */
export type Spread = (utilization: ReadonlyArray<number>) => number

export const isOverloadedBySpread = (
  spread: Spread,
  threshold: number,
  limit: number,
  utilization: ReadonlyArray<number>
): boolean => {
  const length = utilization.length
  if (length === 0 || length < limit) return false
  return 1 - threshold * spread(utilization) <= utilization[length - 1]!
}

/** The stateless detector of the threshold below full utilisation that `spread` sets. */
export const adaptiveThreshold =
  (spread: Spread) =>
  (params: AdaptiveThresholdParams): Detector<NoState> => ({
    initialState: noState,
    decide: (utilization, state) => [isOverloadedBySpread(spread, params.threshold, params.limit, utilization), state]
  })
