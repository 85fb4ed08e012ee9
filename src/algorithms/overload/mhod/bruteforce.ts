/**
 * Brute-force solution of MHOD's two-variable programme (Neat's `bruteforce`): scan m0, m1 over
 * [0, limit] in `step` increments and keep the feasible point with the largest objective.
 */
import { type LFunction, type TransitionMatrix, twoStateDenominator, twoStateLs } from "./lFunctions.js"
import { buildConstraint, buildObjective, type Constraint, lessOrEqual, type Objective } from "./nlp.js"

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
  ls === twoStateLs && stateVector.length === 2 && p.length === 2
    ? solveTwoStates(grid, otf, migrationTimeSteps, p, stateVector, timeInStates, timeInStateN)
    : solve2(
        buildObjective(ls, stateVector, p),
        buildConstraint(otf, migrationTimeSteps, ls, stateVector, p, timeInStates, timeInStateN),
        grid
      )

/**
 * `solve2` for the two-state model with L0 and L1 computed once per grid point (the objective and
 * the constraint otherwise evaluate them up to five times): the same operations in the same order,
 * so the same doubles and the same solution. MHOD runs this at every decision in the overloaded
 * state, up to hundreds of times an interval under CloudSim's policy.
 */
const solveTwoStates = (
  grid: ReadonlyArray<number>,
  otf: number,
  migrationTimeSteps: number,
  p: TransitionMatrix,
  stateVector: ReadonlyArray<number>,
  timeInStates: number,
  timeInStateN: number
): ReadonlyArray<number> => {
  const p0 = stateVector[0]!
  const p1 = stateVector[1]!
  const p00 = p[0]![0]!
  const p01 = p[0]![1]!
  const p10 = p[1]![0]!
  const p11 = p[1]![1]!
  let best = 0
  let solution: ReadonlyArray<number> = []
  for (const m0 of grid) {
    for (const m1 of grid) {
      const below = twoStateDenominator(p00, p01, p10, p11, m0, m1)
      const l0 = below === 0 ? Number.NaN : (p0 * (-1 * m1 * p11 + p11 - 1) + (m1 * p1 - p1) * p10) / below
      const l1 = below === 0 ? Number.NaN : (-1 * (p00 * (m0 * p1 - p1) + p1 + p0 * (p01 - m0 * p01))) / below
      let total = 0
      total += l0
      total += l1
      if (!(total > best)) continue
      const constraintBelow = migrationTimeSteps + timeInStates + total
      const value = constraintBelow === 0 ? Number.NaN : (migrationTimeSteps + timeInStateN + l1) / constraintBelow
      if (lessOrEqual(value, otf)) {
        best = total
        solution = [m0, m1]
      }
    }
  }
  return solution
}
