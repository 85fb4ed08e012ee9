/** Never reports an overload: the baseline without overload migrations (Neat's `never_overloaded`). */
import { Schema } from "effect"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const NeverOverloadedParamsSchema = Schema.Struct({})
export type NeverOverloadedParams = typeof NeverOverloadedParamsSchema.Type

export const neverOverloaded = (_params: NeverOverloadedParams): Detector<NoState> => ({
  initialState: noState,
  decide: (_utilization, state) => [false, state]
})
