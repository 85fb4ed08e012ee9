/**
 * The simulator's `neat` policy: Neat's distributed loop on a trace. Every interval the simulated
 * cloud advances and `controlStep` (the decision core the live global and local managers run) makes
 * each active host's local decision and handles the resulting requests on the simulated cloud.
 * Metrics and timeline come from the simulator, as for the other policies.
 */
import { Effect, Either } from "effect"
import type { AlgorithmContext } from "../../../algorithms/types.js"
import type { CloudApi } from "../../../core/Cloud.js"
import {
  type ControlAlgorithms,
  type ControlOptions,
  type ControlState,
  type ControlStepResult,
  controlStepSync,
  initialControlState
} from "../../../core/control/ControlStep.js"
import { makeMemoryDecisionLog } from "../../../core/control/DecisionLog.js"
import type { LocalStates } from "../../../core/control/LocalDecision.js"
import { type ConfigError, describeError } from "../../../core/errors.js"
import type { CloudsimMetrics } from "../CloudsimMetrics.js"
import { type HostType, migrationSeconds, planetLabHostTypes } from "../Datacenter.js"
import { makeSimCloud, type SimCloudOptions } from "../SimCloud.js"
import type { SimulationResult } from "../SimulationResult.js"
import { buildNeatAlgorithms, type NeatAlgorithmChoices } from "./NeatAlgorithms.js"
import { makeNeatCloudView } from "./NeatCloudView.js"
import { brokenHardGroups, makeServerGroupTally } from "./ServerGroupCost.js"

/** Neat's `data_collector_data_length`: CPU samples per VM the managers see. */
export const neatHistoryLength = 100

/** The global manager's settings in the `neat` policy: Neat's defaults (all CPU usable, idle hosts suspended). */
export const neatControlOptions: ControlOptions = {
  vmHistoryLength: neatHistoryLength,
  hostCpuUsableByVms: 1,
  suspendIdleHosts: true
}

/**
 * What the algorithms are told: the interval between samples, and the expected migration time as
 * Neat computes it (typical VM memory over the migration bandwidth), here the mean over the cloud's VMs.
 */
export const neatAlgorithmContext = (
  cloud: CloudApi,
  intervalSec: number,
  hostTypes: ReadonlyArray<HostType> = planetLabHostTypes
): AlgorithmContext => {
  const vms = Effect.runSync(cloud.vms)
  const bandwidth = hostTypes[0]?.bandwidthMbps ?? 1000
  const total = vms.reduce((sum, vm) => sum + migrationSeconds(vm.ramMb, bandwidth), 0)
  return { timeStepSec: intervalSec, migrationTimeSec: vms.length === 0 ? 0 : total / vms.length }
}

export interface NeatPolicyOptions extends SimCloudOptions {
  readonly algorithms?: NeatAlgorithmChoices | undefined
  /**
   * Pass every algorithm state through JSON between steps, as a local manager that saves its state
   * file and is restarted would (the decisions must not change).
   */
  readonly roundTripStates?: boolean | undefined
  /** Called after each control step with the simulated time, seconds. */
  readonly onStep?: ((timeSec: number, step: ControlStepResult) => void) | undefined
}

const roundTrip = (state: ControlState): ControlState => ({
  local: new Map(JSON.parse(JSON.stringify([...state.local])) as Array<[string, LocalStates]>),
  placer: state.placer === undefined ? undefined : (JSON.parse(JSON.stringify(state.placer)) as unknown)
})

/** Builds the `neat` policy's algorithms for a simulated cloud; a ConfigError names the bad option. */
export const neatAlgorithmsFor = (
  cloud: CloudApi,
  options: Pick<NeatPolicyOptions, "algorithms" | "hostTypes" | "trace">
): Either.Either<ControlAlgorithms, ConfigError> =>
  buildNeatAlgorithms(
    options.algorithms ?? {},
    neatAlgorithmContext(cloud, options.trace.intervalSec, options.hostTypes)
  )

/** Runs the `neat` policy over a whole trace. Throws a ConfigError for invalid options. */
export const runNeatPolicy = (options: NeatPolicyOptions): SimulationResult & { readonly metrics: CloudsimMetrics } => {
  const built = Effect.runSync(Effect.either(makeSimCloud(options)))
  if (Either.isLeft(built)) throw built.left
  const { control } = built.right
  const view = makeNeatCloudView(built.right.cloud, control)
  const cloud = view.cloud
  const algorithms = neatAlgorithmsFor(cloud, options)
  if (Either.isLeft(algorithms)) throw algorithms.left
  // VMs arriving during the run (trace lifetimes) are placed by the policy's placer.
  control.placeArrivalsWith(algorithms.right.placer)
  // Decisions are handed to `onStep`; the log keeps only the newest few.
  const log = Effect.runSync(makeMemoryDecisionLog(16))
  const groups = options.serverGroups !== undefined && options.serverGroups.size > 0 ? options.serverGroups : undefined
  const tally =
    groups === undefined ? undefined : makeServerGroupTally(groups, brokenHardGroups(Effect.runSync(cloud.vms)))
  let state = initialControlState(algorithms.right)
  while (Effect.runSync(view.advance)) {
    const step = controlStepSync(cloud, log, algorithms.right, state, neatControlOptions)
    if (Either.isLeft(step)) {
      // The simulated cloud answers every read; a failure here is a bug, not bad input.
      throw new Error(`the simulated cloud failed: ${describeError(step.left)}`)
    }
    if (tally !== undefined) for (const decision of step.right.decisions) tally.add(decision)
    options.onStep?.(Effect.runSync(control.timeSec), step.right)
    state = options.roundTripStates === true ? roundTrip(step.right.state) : step.right.state
  }
  const result = Effect.runSync(control.result)
  return tally === undefined ? result : { ...result, serverGroups: tally.stats() }
}
