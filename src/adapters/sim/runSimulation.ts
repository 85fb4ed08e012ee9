/**
 * `runSimulation`: one trace-driven run of a control policy over CloudSim's data centre model.
 * Synchronous and deterministic given its options (RS selection is seeded). Invalid options
 * throw a `ConfigError` naming the field; `runSimulationEffect` puts it in the error channel.
 */
import { Effect, Either } from "effect"
import { CatalogueDetector } from "../../algorithms/cloudsim/overload/CatalogueDetector.js"
import { cloudsimOverloadDetector, type OverloadDetector } from "../../algorithms/cloudsim/overload/OverloadDetector.js"
import { CatalogueSelection } from "../../algorithms/cloudsim/selection/CatalogueSelection.js"
import { makePrng } from "../../algorithms/cloudsim/selection/Prng.js"
import {
  maximumCorrelation,
  minimumMigrationTime,
  minimumUtilization,
  randomSelection,
  type VmSelection
} from "../../algorithms/cloudsim/selection/VmSelection.js"
import { makeDetector, makeSelector } from "../../algorithms/registry.js"
import type { AlgorithmContext, Detector, VmSelector } from "../../algorithms/types.js"
import { ConfigError } from "../../core/errors.js"
import { ArrivalPlacement, replayLifetimesCloudsim } from "./ArrivalPlacement.js"
import { buildState, hostTypeOfProblem } from "./buildState.js"
import type { CloudsimMetrics } from "./CloudsimMetrics.js"
import { collectMetrics } from "./collectMetrics.js"
import {
  type HostType,
  migrationSeconds,
  planetLabHostCount,
  planetLabHostTypes,
  planetLabVmTypes,
  type VmType,
  vmTypeIndex
} from "./Datacenter.js"
import { placeInitially } from "./InitialPlacement.js"
import { lifetimeScheduleOf } from "./LifetimeSchedule.js"
import { CloudsimOptimizer } from "./policies/CloudsimOptimizer.js"
import { runNeatPolicy } from "./policies/NeatPolicy.js"
import {
  type CatalogueChoice,
  type CloudsimSelectionName,
  defaultOverloadParam,
  type SimulationOptions
} from "./SimulationOptions.js"
import type { SimulationResult } from "./SimulationResult.js"
import { Simulator } from "./Simulator.js"
import { TimelineRecorder } from "./TimelineRecorder.js"

/** The instant of the first update: CloudSim's workloads start 0.1 s after the VMs are created. */
export const firstEventSec = 0.1

const selectionFor = (name: CloudsimSelectionName, seed: number): VmSelection => {
  switch (name) {
    case "mmt":
      return minimumMigrationTime
    case "mu":
      return minimumUtilization
    case "mc":
      return maximumCorrelation()
    case "rs":
      return randomSelection(makePrng(seed))
  }
}

/**
 * What catalogue algorithms are told under the `cloudsim` policy: the decision interval, and the
 * expected migration time as the `neat` policy computes it (mean over the VMs of RAM over half the
 * first host type's link).
 */
export const cloudsimAlgorithmContext = (
  vmCount: number,
  vmTypes: ReadonlyArray<VmType>,
  hostTypes: ReadonlyArray<HostType>,
  ramMb: Float64Array | undefined,
  intervalSec: number,
  vmTypesInTurn = false
): AlgorithmContext => {
  const bandwidth = hostTypes[0]?.bandwidthMbps ?? 1000
  let total = 0
  for (let v = 0; v < vmCount; v++) {
    const own = ramMb?.[v]
    const type = vmTypesInTurn ? v % vmTypes.length : vmTypeIndex(v, vmCount, vmTypes.length)
    const ram = own !== undefined && own > 0 ? own : vmTypes[type]!.ramMb
    total += migrationSeconds(ram, bandwidth)
  }
  return { timeStepSec: intervalSec, migrationTimeSec: vmCount === 0 ? 0 : total / vmCount }
}

const isBuilt = <A>(choice: CatalogueChoice<A>): choice is { readonly built: A; readonly label: string } =>
  "built" in choice

/** A ConfigError about a catalogue algorithm, naming the option it was given with. */
const named = (option: string, error: ConfigError): ConfigError =>
  new ConfigError({ field: option, message: `${error.field}: ${error.message}` })

const catalogueDetector = (choice: CatalogueChoice<Detector>, ctx: AlgorithmContext): OverloadDetector => {
  if (isBuilt(choice)) return new CatalogueDetector(choice.label, choice.built)
  const built = makeDetector("overload", choice.name, choice.params, ctx)
  if (Either.isLeft(built)) throw named("overload", built.left)
  return new CatalogueDetector(choice.name, built.right)
}

const catalogueSelection = (
  choice: CatalogueChoice<VmSelector>,
  ctx: AlgorithmContext,
  names: ReadonlyArray<string>
): VmSelection => {
  if (isBuilt(choice)) return new CatalogueSelection(choice.label, choice.built, names)
  const built = makeSelector(choice.name, choice.params, ctx)
  if (Either.isLeft(built)) throw named("selection", built.left)
  return new CatalogueSelection(choice.name, built.right, names)
}

const positive = (field: string, value: number, integer: boolean): void => {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError({ field, message: `must be a positive ${integer ? "integer" : "number"}, got ${value}` })
  }
}

/** Runs one simulation. Throws `ConfigError` for invalid options or a VM that fits on no host. */
export const runSimulation = (options: SimulationOptions): SimulationResult & { readonly metrics: CloudsimMetrics } => {
  const started = performance.now()
  const trace = options.trace
  const vmCount = trace.names.length
  if (vmCount === 0) throw new ConfigError({ field: "trace", message: "the trace has no VMs" })
  if (trace.samples < 1 || trace.cpu.length !== vmCount * trace.samples) {
    throw new ConfigError({
      field: "trace",
      message: `expected ${vmCount} × ${trace.samples} samples, got ${trace.cpu.length}`
    })
  }
  const hostCount = options.hosts ?? planetLabHostCount
  positive("hosts", hostCount, true)
  const hostTypes = options.hostTypes ?? planetLabHostTypes
  const vmTypes = options.vmTypes ?? planetLabVmTypes
  if (hostTypes.length === 0) throw new ConfigError({ field: "hostTypes", message: "at least one host type is needed" })
  if (vmTypes.length === 0) throw new ConfigError({ field: "vmTypes", message: "at least one VM type is needed" })
  const intervalSec = options.schedulingIntervalSec ?? trace.intervalSec
  positive("schedulingIntervalSec", intervalSec, false)
  const durationSec = options.durationSec ?? trace.samples * trace.intervalSec
  positive("durationSec", durationSec, false)
  const policy = options.policy ?? "cloudsim"
  if (policy === "neat") {
    return runNeatPolicy({
      trace,
      hosts: hostCount,
      hostTypes,
      hostTypeOf: hostTypeOfFleet(options.hostTypeOf, hostCount, hostTypes.length),
      vmTypes,
      algorithms: options.neat,
      serverGroups: options.serverGroups
    })
  }
  if (options.serverGroups !== undefined && options.serverGroups.size > 0) {
    throw new ConfigError({
      field: "server-groups",
      message: `server groups are kept by the neat policy's placement only (--policy neat), not by ${policy}`
    })
  }
  if (options.overload !== undefined && options.overloadAlgorithm !== undefined) {
    throw new ConfigError({
      field: "overload",
      message: "give either a CloudSim detector or a catalogue one, not both"
    })
  }
  if (options.selection !== undefined && options.selectionAlgorithm !== undefined) {
    throw new ConfigError({
      field: "selection",
      message: "give either a CloudSim selection or a catalogue one, not both"
    })
  }
  const ctx = cloudsimAlgorithmContext(
    vmCount,
    vmTypes,
    hostTypes,
    trace.ramMb,
    intervalSec,
    trace.lifetimes !== undefined
  )
  const overload = options.overload ?? { name: "thr", param: defaultOverloadParam.thr }
  if (!Number.isFinite(overload.param)) {
    throw new ConfigError({ field: "overload", message: `parameter must be a number, got ${overload.param}` })
  }
  const detector =
    options.overloadAlgorithm === undefined
      ? cloudsimOverloadDetector(overload.name, overload.param)
      : catalogueDetector(options.overloadAlgorithm, ctx)

  const migrating = policy === "cloudsim"
  const selectionPolicy =
    options.selectionAlgorithm === undefined
      ? selectionFor(options.selection ?? "mmt", options.seed ?? 1)
      : catalogueSelection(options.selectionAlgorithm, ctx, trace.names)
  // VM histories (30 values per VM) are kept only for the detectors and selections that read them.
  const keepHistory = migrating && (detector.needsHistory || selectionPolicy.needsHistory)
  const { state, hostRamMb } = buildState(hostCount, vmCount, hostTypes, vmTypes, trace.ramMb, keepHistory, {
    hostTypeOf: hostTypeOfFleet(options.hostTypeOf, hostCount, hostTypes.length),
    vmMips: trace.vmMips,
    vmTypesInTurn: trace.lifetimes !== undefined
  })
  const schedule = lifetimeScheduleOf(trace)
  let refusedAtStart = 0
  const rule = migrating ? "best-fit" : "first-fit"
  const failure = placeInitially(
    state,
    rule,
    hostRamMb,
    migrating ? detector : undefined,
    intervalSec,
    undefined,
    undefined,
    undefined,
    schedule === undefined ? undefined : { present: schedule.presentAtStart, refuse: () => refusedAtStart++ }
  )
  if (failure !== undefined) throw failure
  const sim = new Simulator(state, trace, intervalSec, policy === "npa" ? "max-power" : "interpolated")
  sim.vmsRefused = refusedAtStart
  const optimizer = migrating ? new CloudsimOptimizer(state, detector, selectionPolicy, intervalSec) : undefined
  const arrivals =
    schedule === undefined
      ? undefined
      : new ArrivalPlacement(state, hostRamMb, migrating ? detector : undefined, intervalSec, rule)

  const recorder = new TimelineRecorder()
  let time = firstEventSec
  for (;;) {
    time += intervalSec
    if (time >= durationSec) break
    sim.completeMigrationsBefore(time)
    if (schedule !== undefined && arrivals !== undefined) replayLifetimesCloudsim(sim, schedule, time, arrivals)
    sim.forceUpdate(time, true)
    if (schedule !== undefined) sim.settleDepartures()
    recorder.record(state, time, 0, policy === "npa")
    if (optimizer !== undefined) {
      const before = sim.migrations
      optimizer.optimize()
      sim.startMigrations(optimizer.plannedVms, optimizer.plannedHosts, optimizer.plannedVms.length, time)
      recorder.setLastMigrations(sim.migrations - before)
    }
  }
  sim.completeMigrationsBefore(durationSec)
  return { metrics: collectMetrics(sim, started, schedule !== undefined), timeline: recorder.timeline() }
}

/** `hostTypeOf` once checked (`hostTypeOfProblem`); a problem is thrown as the ConfigError it is. */
const hostTypeOfFleet = (
  hostTypeOf: Int32Array | undefined,
  hostCount: number,
  typeCount: number
): Int32Array | undefined => {
  const problem = hostTypeOfProblem(hostTypeOf, hostCount, typeCount)
  if (problem !== undefined) throw problem
  return hostTypeOf
}

/** `runSimulation` as an Effect: invalid options in the error channel, anything else a defect. */
export const runSimulationEffect = (
  options: SimulationOptions
): Effect.Effect<SimulationResult & { readonly metrics: CloudsimMetrics }, ConfigError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(runSimulation(options))
    } catch (error) {
      return error instanceof ConfigError ? Effect.fail(error) : Effect.die(error)
    }
  })
