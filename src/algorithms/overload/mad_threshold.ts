/**
 * Overload detection with an adaptive threshold from the median absolute deviation
 * (Neat's `mad_threshold`): overloaded when the last value is at or above `1 - threshold * MAD`.
 */
import {
  type AdaptiveThresholdParams,
  AdaptiveThresholdParamsSchema,
  adaptiveThreshold,
  isOverloadedBySpread
} from "./adaptiveThreshold.js"
import { mad } from "./statistics.js"

export const MadThresholdParamsSchema = AdaptiveThresholdParamsSchema
export type MadThresholdParams = AdaptiveThresholdParams

export const isOverloadedByMad = (threshold: number, limit: number, utilization: ReadonlyArray<number>): boolean =>
  isOverloadedBySpread(mad, threshold, limit, utilization)

export const madThreshold = adaptiveThreshold(mad)
