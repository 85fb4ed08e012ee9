/**
 * MHOD overload detection: `mhod(params, ctx)` builds the detector; its state is plain JSON, so a
 * local manager can persist it between decisions and resume.
 */
import type { AlgorithmContext, Detector } from "../../types.js"
import { migrationTimeSteps } from "../migrationTimeSteps.js"
import { floatRange } from "./bruteforce.js"
import { decisionWithoutProgramme, initialMhodState, type MhodConfig, type MhodState, mhodStep } from "./core.js"
import { twoStateLs } from "./lFunctions.js"
import { assertValidMhodParams, type MhodParams } from "./params.js"
import { SlidingWindowEstimator } from "./slidingWindowEstimator.js"

export {
  initialMhodState,
  type MhodConfig,
  type MhodOutcome,
  type MhodState,
  MhodStateSchema,
  mhodStep
} from "./core.js"
export { assertValidMhodParams, decodeMhodParams, type MhodParams, MhodParamsSchema } from "./params.js"

/** MHOD's settings derived from its parameters and the deployment context (throws ConfigError when invalid). */
export const mhodConfig = (params: MhodParams, ctx: AlgorithmContext): MhodConfig => {
  assertValidMhodParams(params)
  return {
    stateConfig: params.state_config,
    otf: params.otf,
    learningSteps: params.learning_steps,
    migrationTimeSteps: migrationTimeSteps(ctx),
    grid: floatRange(0, 1, params.bruteforce_step),
    ls: twoStateLs
  }
}

/**
 * Builds the MHOD detector (Neat's `mhod_factory`): time step and migration time (seconds) come
 * from `ctx`. Throws a ConfigError naming the field when the parameters or context are invalid.
 * The detector keeps reusable scratch windows, so one instance must not be used from
 * two decisions at the same time (decisions are synchronous, so this only matters for re-entrancy).
 */
export const mhod = (params: MhodParams, ctx: AlgorithmContext): Detector<MhodState> => {
  const config = mhodConfig(params, ctx)
  const estimator = new SlidingWindowEstimator(params.state_config.length + 1, params.window_sizes)
  return {
    initialState: initialMhodState,
    decide: (utilization, state) => {
      const quick = decisionWithoutProgramme(config, utilization, state)
      if (quick !== undefined) return quick
      const outcome = mhodStep(config, estimator, utilization, state)
      return outcome === undefined ? [false, state] : [outcome.overloaded, outcome.state]
    }
  }
}
