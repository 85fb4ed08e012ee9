/**
 * MHOD, Markov host overload detection (Beloglazov & Buyya), as OpenStack Neat's `mhod` computes
 * it. Each decision re-estimates the state transition matrix from the utilisation window given,
 * then, when the host is in the overloaded state and likely to stay there, searches for migration
 * probabilities that keep the overload time fraction within `otf`; if none exist, the host is
 * overloaded (migrate now). Between decisions only the time counters persist.
 */
import { Schema } from "effect"
import { optimizeOnGrid } from "./bruteforce.js"
import type { TransitionEstimate } from "./estimation.js"
import type { LFunction, TransitionMatrix } from "./lFunctions.js"
import type { SlidingWindowEstimator } from "./slidingWindowEstimator.js"
import { utilizationToState } from "./states.js"

const nonNegativeInteger = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

/**
 * What MHOD remembers between decisions: plain JSON, so it can be persisted and resumed. Decode a
 * stored state with this schema to get an error naming the bad field.
 */
export const MhodStateSchema = Schema.Struct({
  /** The state of the latest utilisation value seen. */
  previousState: nonNegativeInteger,
  /** Decisions taken so far (Neat's `time_in_states`, in steps). */
  timeInStates: nonNegativeInteger,
  /** Decisions taken in the overloaded state (Neat's `time_in_state_n`, in steps). */
  timeInStateN: nonNegativeInteger
})

/** What MHOD remembers between decisions. */
export interface MhodState extends Schema.Schema.Type<typeof MhodStateSchema> {}

/** The state before the first decision. */
export const initialMhodState: MhodState = { previousState: 0, timeInStates: 0, timeInStateN: 0 }

/** MHOD's settings with the migration time already in steps. */
export interface MhodConfig {
  readonly stateConfig: ReadonlyArray<number>
  readonly otf: number
  readonly learningSteps: number
  /** `migration_time / time_step`. */
  readonly migrationTimeSteps: number
  /** The brute-force grid over each migration probability: 0, step, 2·step, … ≤ 1. */
  readonly grid: ReadonlyArray<number>
  readonly ls: ReadonlyArray<LFunction>
}

/** A decision and what led to it, for inspection and tests. */
export interface MhodOutcome {
  readonly overloaded: boolean
  readonly state: MhodState
  readonly estimate: TransitionEstimate
  readonly stateVector: ReadonlyArray<number>
  /** The brute-force solution, when the programme was solved ([] = no feasible point). */
  readonly policy?: ReadonlyArray<number> | undefined
}

/**
 * The decision once the transition matrix is known. The programme is solved only when the
 * history is long enough, the host is in the overloaded state N, and p[N][N] > 0.
 */
export const decideFromEstimates = (
  config: MhodConfig,
  p: TransitionMatrix,
  stateVector: ReadonlyArray<number>,
  current: number,
  historyLength: number,
  state: MhodState
): { readonly overloaded: boolean; readonly state: MhodState; readonly policy?: ReadonlyArray<number> } => {
  const stateN = config.stateConfig.length
  const next: MhodState = {
    previousState: current,
    timeInStates: state.timeInStates + 1,
    timeInStateN: state.timeInStateN + (current === stateN ? 1 : 0)
  }
  // Neat revisions differ here (one tests p[current][N] > 0 in any state); the reference vectors
  // and Neat's own tests follow this one.
  if (historyLength >= config.learningSteps && current === stateN && p[stateN]![stateN]! > 0) {
    const policy = optimizeOnGrid(
      config.grid,
      config.otf,
      config.migrationTimeSteps,
      config.ls,
      p,
      stateVector,
      next.timeInStates,
      next.timeInStateN
    )
    return { overloaded: policy.length === 0, state: next, policy }
  }
  return { overloaded: false, state: next }
}

/**
 * The decision `mhodStep` takes when the programme cannot run (the history shorter than
 * `learningSteps`, or the newest value not in the overloaded state), without estimating the
 * transition matrix, which only the programme reads; `undefined` when it may run. Detectors asked
 * many times per interval (CloudSim's policy tests hosts with VMs added) mostly end here.
 */
export const decisionWithoutProgramme = (
  config: MhodConfig,
  utilization: ReadonlyArray<number>,
  state: MhodState
): readonly [boolean, MhodState] | undefined => {
  const length = utilization.length
  if (length === 0) return [false, state]
  const stateN = config.stateConfig.length
  const current = utilizationToState(config.stateConfig, utilization[length - 1]!)
  if (length >= config.learningSteps && current === stateN) return undefined
  return [
    false,
    {
      previousState: current,
      timeInStates: state.timeInStates + 1,
      timeInStateN: state.timeInStateN + (current === stateN ? 1 : 0)
    }
  ]
}

/**
 * One MHOD decision over `utilization` (fractions of capacity, oldest first), using `estimator`
 * as scratch space. An empty history decides nothing: not overloaded, state unchanged.
 */
export const mhodStep = (
  config: MhodConfig,
  estimator: SlidingWindowEstimator,
  utilization: ReadonlyArray<number>,
  state: MhodState
): MhodOutcome | undefined => {
  const length = utilization.length
  if (length === 0) return undefined
  const stateConfig = config.stateConfig
  estimator.reset()
  let previous = 0
  for (let k = 0; k < length; k++) {
    const current = utilizationToState(stateConfig, utilization[k]!)
    estimator.observe(previous, current)
    previous = current
  }
  const estimate = estimator.estimate()
  const stateVector = new Array<number>(estimator.numberOfStates).fill(0)
  stateVector[previous] = 1
  const decided = decideFromEstimates(config, estimate.p, stateVector, previous, length, state)
  return { ...decided, estimate, stateVector }
}
