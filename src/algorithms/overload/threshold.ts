/** Overload detection by a static threshold on the last utilisation value (Neat's `overload.trivial.threshold`). */
import { Schema } from "effect"
import { NonNegativeNumber } from "../schemaFields.js"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const OverloadThresholdParamsSchema = Schema.Struct({
  /** Overloaded when the last utilisation is strictly above this fraction of capacity. */
  threshold: NonNegativeNumber
})
export type OverloadThresholdParams = typeof OverloadThresholdParamsSchema.Type

/** True when the last value is `> threshold`; an empty history is never overloaded. */
export const isOverloadedByThreshold = (threshold: number, utilization: ReadonlyArray<number>): boolean =>
  utilization.length > 0 && utilization[utilization.length - 1]! > threshold

export const overloadThreshold = (params: OverloadThresholdParams): Detector<NoState> => ({
  initialState: noState,
  decide: (utilization, state) => [isOverloadedByThreshold(params.threshold, utilization), state]
})
