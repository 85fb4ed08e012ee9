/**
 * Random VM selection (Neat's `random`), made reproducible: the generator is seeded by a
 * parameter and its state travels with the algorithm's state.
 */
import { Schema } from "effect"
import { Integer } from "../schemaFields.js"
import type { VmSelector } from "../types.js"
import { nextIndex, prngState } from "./prng.js"

export const RandomSelectionParamsSchema = Schema.Struct({
  /** Seed of the generator; the same seed and inputs give the same selections. */
  seed: Schema.optionalWith(Integer, { default: () => 0 })
})
export type RandomSelectionParams = typeof RandomSelectionParamsSchema.Type

/** The generator state, a 32-bit unsigned integer. */
export interface RandomSelectionState {
  readonly rng: number
}

export const randomSelection = (params: RandomSelectionParams): VmSelector<RandomSelectionState> => ({
  initialState: { rng: prngState(params.seed) },
  select: (vms, state) => {
    if (vms.length === 0) return [[], state]
    const [index, rng] = nextIndex(state.rng, vms.length)
    return [[vms[index]!.uuid], { rng }]
  }
})
