/**
 * Overload detection with an adaptive threshold from the interquartile range
 * (Neat's `iqr_threshold`): overloaded when the last value is at or above `1 - threshold * IQR`.
 */
import { Schema } from "effect"
import { NonNegativeInteger, NonNegativeNumber } from "../schemaFields.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"
import { iqr } from "./statistics.js"

export const IqrThresholdParamsSchema = Schema.Struct({
  /** Safety parameter: how many IQRs below full utilisation the threshold sits. */
  threshold: NonNegativeNumber,
  /** Minimum history length; a shorter history is never overloaded. */
  limit: NonNegativeInteger
})
export type IqrThresholdParams = typeof IqrThresholdParamsSchema.Type

export const isOverloadedByIqr = (threshold: number, limit: number, utilization: ReadonlyArray<number>): boolean => {
  const length = utilization.length
  if (length === 0 || length < limit) return false
  return 1 - threshold * iqr(utilization) <= utilization[length - 1]!
}

export const iqrThreshold = (params: IqrThresholdParams): Detector<NoState> => ({
  initialState: noState,
  decide: (utilization, state) => [isOverloadedByIqr(params.threshold, params.limit, utilization), state]
})
