/** Overload detection by a threshold on the mean of the last n values (Neat's `last_n_average_threshold`). */
import { Schema } from "effect"
import { NonNegativeNumber, SampleCount } from "../schemaFields.js"
import { meanOfLast } from "../series.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const OverloadLastNAverageThresholdParamsSchema = Schema.Struct({
  /** Overloaded when the mean is strictly above this fraction of capacity. */
  threshold: NonNegativeNumber,
  /** How many of the most recent values to average (all of them when the history is shorter). */
  n: SampleCount(1)
})
export type OverloadLastNAverageThresholdParams = typeof OverloadLastNAverageThresholdParamsSchema.Type

/** True when the mean of the last `n` values is `> threshold`; an empty history is never overloaded. */
export const isOverloadedByLastNAverage = (threshold: number, n: number, utilization: ReadonlyArray<number>): boolean =>
  utilization.length > 0 && meanOfLast(utilization, n) > threshold

export const overloadLastNAverageThreshold = (params: OverloadLastNAverageThresholdParams): Detector<NoState> => ({
  initialState: noState,
  decide: (utilization, state) => [isOverloadedByLastNAverage(params.threshold, params.n, utilization), state]
})
