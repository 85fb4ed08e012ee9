/**
 * A stateful face of the seeded generator of `selection/prng.ts` (mulberry32), for the
 * simulator's loop: runs are reproducible given the seed.
 */
import { nextUniform, prngState } from "../../selection/prng.js"

export interface Prng {
  /** A uniform float in [0, 1). */
  readonly next: () => number
  /** A uniform integer in [0, n). */
  readonly nextInt: (n: number) => number
}

export const makePrng = (seed: number): Prng => {
  let state = prngState(seed)
  const next = (): number => {
    const [uniform, following] = nextUniform(state)
    state = following
    return uniform
  }
  return { next, nextInt: (n) => Math.floor(next() * n) }
}
