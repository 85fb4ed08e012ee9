/**
 * MHOD's non-linear programme (Neat's `nlp`): maximise the expected time until migration (sum of
 * the L functions) subject to the overload time fraction, counting the migration itself as
 * overloaded time, staying at or below the OTF parameter.
 */
import type { LFunction, TransitionMatrix } from "./lFunctions.js"

/** A function of the two migration probabilities (m0, m1). NaN stands for "undefined here". */
export type Objective = (m0: number, m1: number) => number

/** `compare(value(m0, m1), bound)` must hold for a point to be feasible (Neat's constraint tuple). */
export interface Constraint {
  readonly value: Objective
  readonly compare: (value: number, bound: number) => boolean
  readonly bound: number
}

/** `a <= b`, Python's `operator.le`. */
export const lessOrEqual = (a: number, b: number): boolean => a <= b

/** The objective: the sum of the L functions (0 + L0 + L1 in that order, as Python's `sum`). */
export const buildObjective =
  (ls: ReadonlyArray<LFunction>, stateVector: ReadonlyArray<number>, p: TransitionMatrix): Objective =>
  (m0, m1) => {
    let total = 0
    for (const l of ls) total += l(stateVector, p, m0, m1)
    return total
  }

/**
 * The OTF constraint: (migration + time in state N so far + L_N) / (migration + time so far + ΣL)
 * ≤ otf. Times are in steps; a zero denominator makes the point infeasible (NaN).
 */
export const buildConstraint = (
  otf: number,
  migrationTimeSteps: number,
  ls: ReadonlyArray<LFunction>,
  stateVector: ReadonlyArray<number>,
  p: TransitionMatrix,
  timeInStates: number,
  timeInStateN: number
): Constraint => {
  const lastL = ls[ls.length - 1]!
  const objective = buildObjective(ls, stateVector, p)
  return {
    value: (m0, m1) => {
      const above = migrationTimeSteps + timeInStateN + lastL(stateVector, p, m0, m1)
      const below = migrationTimeSteps + timeInStates + objective(m0, m1)
      return below === 0 ? Number.NaN : above / below
    },
    compare: lessOrEqual,
    bound: otf
  }
}
