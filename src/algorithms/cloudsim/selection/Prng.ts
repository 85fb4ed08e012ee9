/** A small seeded pseudo-random generator (mulberry32): runs are reproducible given the seed. */
export interface Prng {
  /** A uniform float in [0, 1). */
  readonly next: () => number
  /** A uniform integer in [0, n). */
  readonly nextInt: (n: number) => number
}

export const makePrng = (seed: number): Prng => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, nextInt: (n) => Math.floor(next() * n) }
}
