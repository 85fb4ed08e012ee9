/**
 * A small seeded pseudo-random generator (mulberry32): 32 bits of state, so a random algorithm's
 * state is one JSON number and every run is replayable from its seed.
 */

/** The generator state for a seed (any integer; taken modulo 2^32). */
export const prngState = (seed: number): number => seed >>> 0

/** Advances the generator: the next state and a uniform draw in [0, 1). */
export const nextUniform = (state: number): readonly [number, number] => {
  const next = (state + 0x6d2b79f5) >>> 0
  let t = Math.imul(next ^ (next >>> 15), 1 | next)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next]
}

/** Draws an index in [0, n) for n >= 1: the index and the next state. */
export const nextIndex = (state: number, n: number): readonly [number, number] => {
  const [uniform, next] = nextUniform(state)
  return [Math.min(n - 1, Math.floor(uniform * n)), next]
}
