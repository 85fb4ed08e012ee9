/**
 * Overload detection by local regression (Neat's `loess` and `loess_robust`): fit a line to the
 * last `length` values with tricube weights (and, for the robust variant, bisquare robustness
 * weights), extrapolate it one migration time past the end, and report an overload when
 * `param * prediction >= threshold`.
 */
import { Schema } from "effect"
import { FiniteNumber, Integer, maxSampleCount, NonNegativeNumber } from "../schemaFields.js"
import { type NoState, noState } from "../stateless.js"
import type { AlgorithmContext, Detector } from "../types.js"
import { type LineEstimates, loessEstimates, loessRobustEstimates } from "./statistics.js"

export const LoessParamsSchema = Schema.Struct({
  /** Utilisation threshold the scaled prediction is compared to, fraction of capacity. */
  threshold: NonNegativeNumber,
  /** Safety parameter that scales the prediction. */
  param: FiniteNumber,
  /** Number of most recent values fitted (at least 3); a shorter history is never overloaded. */
  length: Integer.pipe(
    Schema.greaterThanOrEqualTo(3, { message: (issue) => `expected an integer >= 3, got ${String(issue.actual)}` }),
    Schema.lessThanOrEqualTo(maxSampleCount, {
      message: (issue) => `expected an integer <= ${maxSampleCount}, got ${String(issue.actual)}`
    })
  )
})
export type LoessParams = typeof LoessParamsSchema.Type

type Estimator = (values: ArrayLike<number>, start: number, n: number) => LineEstimates

const isOverloadedByLoessWith = (
  estimator: Estimator,
  params: LoessParams,
  migrationTimeSteps: number,
  utilization: ReadonlyArray<number>
): boolean => {
  const { length } = params
  if (utilization.length < length) return false
  const estimates = estimator(utilization, utilization.length - length, length)
  const prediction = estimates.intercept + estimates.slope * (length + migrationTimeSteps)
  return params.param * prediction >= params.threshold
}

/** Neat's `loess`; `migrationTimeSteps` is the migration time in time steps. */
export const isOverloadedByLoess = (
  params: LoessParams,
  migrationTimeSteps: number,
  utilization: ReadonlyArray<number>
) => isOverloadedByLoessWith(loessEstimates, params, migrationTimeSteps, utilization)

/** Neat's `loess_robust`; `migrationTimeSteps` is the migration time in time steps. */
export const isOverloadedByLoessRobust = (
  params: LoessParams,
  migrationTimeSteps: number,
  utilization: ReadonlyArray<number>
) => isOverloadedByLoessWith(loessRobustEstimates, params, migrationTimeSteps, utilization)

/** The migration time in time steps, as Neat's factories normalise it. */
export const migrationTimeSteps = (ctx: AlgorithmContext): number => ctx.migrationTimeSec / ctx.timeStepSec

export const loess = (params: LoessParams, ctx: AlgorithmContext): Detector<NoState> => {
  const steps = migrationTimeSteps(ctx)
  return {
    initialState: noState,
    decide: (utilization, state) => [isOverloadedByLoess(params, steps, utilization), state]
  }
}

export const loessRobust = (params: LoessParams, ctx: AlgorithmContext): Detector<NoState> => {
  const steps = migrationTimeSteps(ctx)
  return {
    initialState: noState,
    decide: (utilization, state) => [isOverloadedByLoessRobust(params, steps, utilization), state]
  }
}
