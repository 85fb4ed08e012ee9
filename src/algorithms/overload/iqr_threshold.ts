/**
 * Overload detection with an adaptive threshold from the interquartile range
 * (Neat's `iqr_threshold`): overloaded when the last value is at or above `1 - threshold * IQR`.
 */
import {
  type AdaptiveThresholdParams,
  AdaptiveThresholdParamsSchema,
  adaptiveThreshold,
  isOverloadedBySpread
} from "./adaptiveThreshold.js"
import { iqr } from "./statistics.js"

export const IqrThresholdParamsSchema = AdaptiveThresholdParamsSchema
export type IqrThresholdParams = AdaptiveThresholdParams

export const isOverloadedByIqr = (threshold: number, limit: number, utilization: ReadonlyArray<number>): boolean =>
  isOverloadedBySpread(iqr, threshold, limit, utilization)

export const iqrThreshold = adaptiveThreshold(iqr)
