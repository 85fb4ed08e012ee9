/**
 * Deterministic pseudo-random utilisations (fractions) of `n` VMs × `m` samples, VM by VM; even
 * seeds round them to whole percentages, as PlanetLab's are.
 */
export const randomHistories = (n: number, m: number, seed: number): Float64Array => {
  let state = seed >>> 0
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  const h = new Float64Array(n * m)
  for (let i = 0; i < h.length; i++) h[i] = seed % 2 === 0 ? Math.round(next() * 100) / 100 : next()
  return h
}
