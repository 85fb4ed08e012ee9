/**
 * Brute-force solution of MHOD's two-variable programme (Neat's `bruteforce`): scan m0, m1 over
 * [0, limit] in `step` increments and keep the feasible point with the largest objective.
 */
import type { LFunction, TransitionMatrix } from "./lFunctions.js"
import { buildConstraint, buildObjective, type Constraint, type Objective } from "./nlp.js"

/** The most points a grid may have. */
export const maxGridPoints = 1_000_001

/**
 * start, start + step, … while ≤ end, accumulating the step as Neat's `frange` does (so 0.1 steps
 * reach 0.9999999999999999, not 1).
 */
export const floatRange = (start: number, end: number, step: number): Array<number> => {
  if (!(step > 0)) throw new RangeError(`step must be positive, got ${step}`)
  // Checked before the array grows: a tiny step would exhaust memory (MHOD's parameters bound it).
  const points = Math.floor((end - start) / step) + 1
  if (!(points <= maxGridPoints))
    throw new RangeError(`a grid of ${points} points is too large (at most ${maxGridPoints})`)
  const values: Array<number> = []
  for (let value = start; value <= end; value += step) values.push(value)
  return values
}

/**
 * The grid point (x, y) with the largest positive objective that satisfies the constraint, the
 * first one found on ties (x outer, y inner); `[]` when there is none. Points where the objective
 * or constraint is undefined (NaN) are skipped.
 */
export const solve2 = (
  objective: Objective,
  constraint: Constraint,
  grid: ReadonlyArray<number>
): ReadonlyArray<number> => {
  let best = 0
  let solution: ReadonlyArray<number> = []
  for (const x of grid) {
    for (const y of grid) {
      const value = objective(x, y)
      if (value > best && constraint.compare(constraint.value(x, y), constraint.bound)) {
        best = value
        solution = [x, y]
      }
    }
  }
  return solution
}

/**
 * Solves the MHOD programme on the grid `[0, limit]` by `step`. An empty solution means no
 * migration probabilities keep the OTF within bounds: the host should migrate now.
 */
export const optimize = (
  step: number,
  limit: number,
  otf: number,
  migrationTimeSteps: number,
  ls: ReadonlyArray<LFunction>,
  p: TransitionMatrix,
  stateVector: ReadonlyArray<number>,
  timeInStates: number,
  timeInStateN: number
): ReadonlyArray<number> =>
  optimizeOnGrid(floatRange(0, limit, step), otf, migrationTimeSteps, ls, p, stateVector, timeInStates, timeInStateN)

/** {@link optimize} with a precomputed grid (the detector builds it once). */
export const optimizeOnGrid = (
  grid: ReadonlyArray<number>,
  otf: number,
  migrationTimeSteps: number,
  ls: ReadonlyArray<LFunction>,
  p: TransitionMatrix,
  stateVector: ReadonlyArray<number>,
  timeInStates: number,
  timeInStateN: number
): ReadonlyArray<number> =>
  solve2(
    buildObjective(ls, stateVector, p),
    buildConstraint(otf, migrationTimeSteps, ls, stateVector, p, timeInStates, timeInStateN),
    grid
  )
