/** Considers every host underloaded, so the global manager always tries to empty it (Neat's `always_underloaded`). */
import { Schema } from "effect"
import { type NoState, noState } from "../stateless.js"
import type { Detector } from "../types.js"

export const AlwaysUnderloadedParamsSchema = Schema.Struct({})
export type AlwaysUnderloadedParams = typeof AlwaysUnderloadedParamsSchema.Type

export const alwaysUnderloaded = (_params: AlwaysUnderloadedParams): Detector<NoState> => ({
  initialState: noState,
  decide: (_utilization, state) => [true, state]
})
