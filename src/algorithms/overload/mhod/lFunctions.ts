/**
 * The L functions of MHOD's two-state Markov model (Neat's `l_2_states`): the expected time spent
 * in state 0 (L0) and in the overloaded state 1 (L1) before a migration, given the initial state
 * distribution, the transition matrix and the per-state migration probabilities m0, m1.
 *
 * Neat evaluates these in Python, where a zero denominator raises ZeroDivisionError and the caller
 * skips that point; here a zero denominator yields NaN, which every caller treats the same way.
 * The expressions keep Neat's operation order so results agree to the last bit.
 */

/** A square matrix of transition probabilities, `p[from][to]`. */
export type TransitionMatrix = ReadonlyArray<ReadonlyArray<number>>

/** An L function: initial state vector, transition matrix, migration probabilities → expected steps. */
export type LFunction = (initial: ReadonlyArray<number>, p: TransitionMatrix, m0: number, m1: number) => number

/** The common denominator of L0 and L1 (0: both undefined). */
export const twoStateDenominator = (
  p00: number,
  p01: number,
  p10: number,
  p11: number,
  m0: number,
  m1: number
): number =>
  p00 * (m1 * (p11 - m0 * p11) - p11 + m0 * (p11 - 1) + 1) -
  m1 * p11 +
  p11 +
  (m1 * (m0 * p01 - p01) - m0 * p01 + p01) * p10 -
  1

/** Expected time in state 0 (not overloaded). */
export const l0: LFunction = (initial, p, m0, m1) => {
  const p0 = initial[0]!
  const p1 = initial[1]!
  const p00 = p[0]![0]!
  const p01 = p[0]![1]!
  const p10 = p[1]![0]!
  const p11 = p[1]![1]!
  const below = twoStateDenominator(p00, p01, p10, p11, m0, m1)
  if (below === 0) return Number.NaN
  return (p0 * (-1 * m1 * p11 + p11 - 1) + (m1 * p1 - p1) * p10) / below
}

/** Expected time in state 1 (overloaded). */
export const l1: LFunction = (initial, p, m0, m1) => {
  const p0 = initial[0]!
  const p1 = initial[1]!
  const p00 = p[0]![0]!
  const p01 = p[0]![1]!
  const p10 = p[1]![0]!
  const p11 = p[1]![1]!
  const below = twoStateDenominator(p00, p01, p10, p11, m0, m1)
  if (below === 0) return Number.NaN
  return (-1 * (p00 * (m0 * p1 - p1) + p1 + p0 * (p01 - m0 * p01))) / below
}

/** The L functions of the two-state model, the overloaded state's last (Neat's `ls`). */
export const twoStateLs: ReadonlyArray<LFunction> = [l0, l1]
