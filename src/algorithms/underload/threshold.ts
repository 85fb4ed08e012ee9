/** Underload detection by a static threshold on the last utilisation value (Neat's `underload.trivial.threshold`). */
import { Schema } from "effect"
import { Fraction } from "../schemaFields.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const UnderloadThresholdParamsSchema = Schema.Struct({
  /** Underloaded when the last utilisation is at or below this fraction of capacity. */
  threshold: Fraction
})
export type UnderloadThresholdParams = typeof UnderloadThresholdParamsSchema.Type

/** True when the last value is `<= threshold`; an empty history is never underloaded. */
export const isUnderloadedByThreshold = (threshold: number, utilization: ReadonlyArray<number>): boolean =>
  utilization.length > 0 && utilization[utilization.length - 1]! <= threshold

export const underloadThreshold = (params: UnderloadThresholdParams): Detector<NoState> => ({
  initialState: noState,
  decide: (utilization, state) => [isUnderloadedByThreshold(params.threshold, utilization), state]
})
