/**
 * `runSimulation`: one trace-driven run of a control policy over CloudSim's data centre model.
 * Synchronous and deterministic given its options (RS selection is seeded). Invalid options
 * throw a `ConfigError` naming the field; `runSimulationEffect` puts it in the error channel.
 */
import { Effect } from "effect"
import { cloudsimOverloadDetector } from "../../algorithms/cloudsim/overload/OverloadDetector.js"
import { makePrng } from "../../algorithms/cloudsim/selection/Prng.js"
import {
  maximumCorrelation,
  minimumMigrationTime,
  minimumUtilization,
  randomSelection,
  type VmSelection
} from "../../algorithms/cloudsim/selection/VmSelection.js"
import { ConfigError } from "../../core/errors.js"
import { buildState } from "./buildState.js"
import type { CloudsimMetrics } from "./CloudsimMetrics.js"
import { collectMetrics } from "./collectMetrics.js"
import { planetLabHostCount, planetLabHostTypes, planetLabVmTypes } from "./Datacenter.js"
import { placeInitially } from "./InitialPlacement.js"
import { CloudsimOptimizer } from "./policies/CloudsimOptimizer.js"
import { runNeatPolicy } from "./policies/NeatPolicy.js"
import { type CloudsimSelectionName, defaultOverloadParam, type SimulationOptions } from "./SimulationOptions.js"
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
    return runNeatPolicy({ trace, hosts: hostCount, hostTypes, vmTypes, algorithms: options.neat })
  }
  const overload = options.overload ?? { name: "thr", param: defaultOverloadParam.thr }
  if (!Number.isFinite(overload.param)) {
    throw new ConfigError({ field: "overload", message: `parameter must be a number, got ${overload.param}` })
  }
  const detector = cloudsimOverloadDetector(overload.name, overload.param)

  const migrating = policy === "cloudsim"
  const selection = options.selection ?? "mmt"
  // VM histories (30 values per VM) are kept only for the detectors and selections that read them.
  const keepHistory = migrating && (detector.needsHistory || selection === "mc")
  const { state, hostRamMb } = buildState(hostCount, vmCount, hostTypes, vmTypes, trace.ramMb, keepHistory)
  const failure = placeInitially(
    state,
    migrating ? "best-fit" : "first-fit",
    hostRamMb,
    migrating ? detector : undefined,
    intervalSec
  )
  if (failure !== undefined) throw failure
  const sim = new Simulator(state, trace, intervalSec, policy === "npa" ? "max-power" : "interpolated")
  const optimizer = migrating
    ? new CloudsimOptimizer(state, detector, selectionFor(selection, options.seed ?? 1), intervalSec)
    : undefined

  const recorder = new TimelineRecorder()
  let time = firstEventSec
  for (;;) {
    time += intervalSec
    if (time >= durationSec) break
    sim.completeMigrationsBefore(time)
    sim.forceUpdate(time, true)
    recorder.record(state, time, 0, policy === "npa")
    if (optimizer !== undefined) {
      const before = sim.migrations
      optimizer.optimize()
      sim.startMigrations(optimizer.plannedVms, optimizer.plannedHosts, optimizer.plannedVms.length, time)
      recorder.setLastMigrations(sim.migrations - before)
    }
  }
  sim.completeMigrationsBefore(durationSec)
  return { metrics: collectMetrics(sim, started), timeline: recorder.timeline() }
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
