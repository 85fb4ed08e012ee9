/**
 * Overload detection with an adaptive threshold from the median absolute deviation
 * (Neat's `mad_threshold`): overloaded when the last value is at or above `1 - threshold * MAD`.
 */
import { Schema } from "effect"
import { NonNegativeInteger, NonNegativeNumber } from "../schemaFields.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"
import { mad } from "./statistics.js"

export const MadThresholdParamsSchema = Schema.Struct({
  /** Safety parameter: how many MADs below full utilisation the threshold sits. */
  threshold: NonNegativeNumber,
  /** Minimum history length; a shorter history is never overloaded. */
  limit: NonNegativeInteger
})
export type MadThresholdParams = typeof MadThresholdParamsSchema.Type

export const isOverloadedByMad = (threshold: number, limit: number, utilization: ReadonlyArray<number>): boolean => {
  const length = utilization.length
  if (length === 0 || length < limit) return false
  return 1 - threshold * mad(utilization) <= utilization[length - 1]!
}

export const madThreshold = (params: MadThresholdParams): Detector<NoState> => ({
  initialState: noState,
  decide: (utilization, state) => [isOverloadedByMad(params.threshold, params.limit, utilization), state]
})
