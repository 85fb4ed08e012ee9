/** Underload detection by a threshold on the mean of the last n values (Neat's `last_n_average_threshold`). */
import { Schema } from "effect"
import { Fraction, SampleCount } from "../schemaFields.js"
import { meanOfLast } from "../series.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const UnderloadLastNAverageThresholdParamsSchema = Schema.Struct({
  /** Underloaded when the mean is at or below this fraction of capacity. */
  threshold: Fraction,
  /** How many of the most recent values to average (all of them when the history is shorter). */
  n: SampleCount(1)
})
export type UnderloadLastNAverageThresholdParams = typeof UnderloadLastNAverageThresholdParamsSchema.Type

/** True when the mean of the last `n` values is `<= threshold`; an empty history is never underloaded. */
export const isUnderloadedByLastNAverage = (
  threshold: number,
  n: number,
  utilization: ReadonlyArray<number>
): boolean => utilization.length > 0 && meanOfLast(utilization, n) <= threshold

export const underloadLastNAverageThreshold = (params: UnderloadLastNAverageThresholdParams): Detector<NoState> => ({
  initialState: noState,
  decide: (utilization, state) => [isUnderloadedByLastNAverage(params.threshold, params.n, utilization), state],
  newestSamples: params.n
})
