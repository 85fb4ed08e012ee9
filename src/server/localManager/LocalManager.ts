/**
 * The local manager of one compute host, as Neat runs it: every `local_manager_interval` it reads
 * the host's local data, runs underload detection, else overload detection and VM selection, and
 * sends the resulting request to the global manager. The algorithms' states are saved after every
 * iteration and resumed after a restart.
 */
import { join } from "node:path"
import { NodeFileSystem, NodePath } from "@effect/platform-node"
import { Duration, Effect, Schedule } from "effect"
import { InvalidDetectorState } from "../../algorithms/checkedState.js"
import { usableCpuMhz } from "../../core/control/HostUtilization.js"
import {
  decideLocally,
  initialLocalStates,
  type LocalAlgorithms,
  type LocalDecision,
  type LocalStates
} from "../../core/control/LocalDecision.js"
import { describeError, type InputError } from "../../core/errors.js"
import type { VmSample } from "../../core/Vm.js"
import { readLocalData } from "../collector/LocalData.js"
import {
  type ClientOptions,
  fetchVmRam,
  type GlobalManagerResponse,
  type GlobalManagerUnreachable,
  sendReallocation
} from "./GlobalManagerClient.js"
import { type AlgorithmNames, loadStates, saveStates } from "./StateFile.js"

export interface LocalManagerOptions extends ClientOptions {
  /** Neat's local data directory (`vms/<uuid>` files and the `host` file). */
  readonly local_data_directory: string
  /** Seconds between iterations. */
  readonly local_manager_interval: number
  /** This host's name in the cloud (Nova's hypervisor hostname). */
  readonly host_name: string
  /** The host's total CPU, MHz (cores × MHz per core). */
  readonly host_cpu_mhz: number
  /** Fraction of the CPU that VMs may use (0-1). */
  readonly host_cpu_usable_by_vms: number
  /** Memory assumed for a VM when the global manager's VM list is not available, MB. */
  readonly vm_ram_mb: number
  /** Where the algorithm states are kept; defaults to `<local_data_directory>/local-manager-state.json`. */
  readonly state_file?: string | undefined
}

/** The global manager's id of the request (`request_id` of its JSON answer), to find its lines in the manager's log. */
const answeredRequestId = (body: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(body)
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "request_id" in parsed &&
      typeof parsed.request_id === "string"
    )
      return parsed.request_id
  } catch {
    // Not JSON (an error page, or Neat's plain answer): no id to give.
  }
  return undefined
}

export const stateFileOf = (options: LocalManagerOptions): string =>
  options.state_file ?? join(options.local_data_directory, "local-manager-state.json")

export interface IterationResult {
  readonly decision: LocalDecision
  /** The global manager's answer, when a request was sent. */
  readonly response: GlobalManagerResponse | undefined
}

/** The memory of the host's VMs: from the global manager when requests are signed, else the default. */
const vmRam = (options: LocalManagerOptions, uuids: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const secret = options.request_signing_secret
    const fallback = new Map(uuids.map((uuid) => [uuid, options.vm_ram_mb]))
    if (secret === undefined || secret === "") return fallback
    const known = yield* Effect.either(fetchVmRam({ ...options, request_signing_secret: secret }))
    if (known._tag === "Left") {
      yield* Effect.logWarning(`VM sizes unavailable, assuming ${options.vm_ram_mb} MB: ${describeError(known.left)}`)
      return fallback
    }
    // As Neat does with VMs its hypervisor does not know: VMs the cloud does not list are left out.
    return new Map(uuids.flatMap((uuid) => (known.right.has(uuid) ? [[uuid, known.right.get(uuid)!] as const] : [])))
  })

/** Reads the local data and decides; the algorithms' new states are in the decision. */
export const decideFromLocalData = (
  options: LocalManagerOptions,
  algorithms: LocalAlgorithms,
  states: LocalStates
): Effect.Effect<LocalDecision, InputError | InvalidDetectorState> =>
  Effect.gen(function* () {
    const data = yield* readLocalData(options.local_data_directory).pipe(
      Effect.provide([NodeFileSystem.layer, NodePath.layer])
    )
    const uuids = Object.keys(data.vms)
    const ram = yield* vmRam(options, uuids)
    const vms: Array<VmSample> = []
    for (const uuid of uuids) {
      const cpuMhz = data.vms[uuid]!
      const ramMb = ram.get(uuid)
      if (ramMb !== undefined) vms.push({ uuid, cpuMhz, ramMb })
    }
    const input = {
      host: options.host_name,
      capacityMhz: usableCpuMhz(options.host_cpu_mhz, options.host_cpu_usable_by_vms),
      vms,
      hostOwnMhz: data.host
    }
    return yield* Effect.try({
      try: () => decideLocally(input, algorithms, states),
      // A detector refuses a state that is not its own (a corrupted or foreign state file).
      catch: (error) =>
        error instanceof InvalidDetectorState
          ? error
          : new InvalidDetectorState({ algorithm: "?", message: String(error) })
    })
  })

/** One iteration: read, decide, send. */
export const localManagerIteration = (
  options: LocalManagerOptions,
  algorithms: LocalAlgorithms,
  states: LocalStates
): Effect.Effect<IterationResult, InputError | InvalidDetectorState | GlobalManagerUnreachable> =>
  Effect.gen(function* () {
    const decision = yield* decideFromLocalData(options, algorithms, states)
    if (decision.request === undefined) return { decision, response: undefined }
    const response = yield* sendReallocation(options, decision.request)
    return { decision, response }
  })

/**
 * Runs the local manager: resumes the saved states, then iterates every `local_manager_interval`
 * seconds (`iterations` times, or forever). A failed iteration is logged and the next one runs.
 */
export const runLocalManager = (
  options: LocalManagerOptions,
  algorithms: LocalAlgorithms,
  names: AlgorithmNames,
  iterations?: number
): Effect.Effect<LocalStates> =>
  Effect.gen(function* () {
    const file = stateFileOf(options)
    const loaded = yield* loadStates(file, options.host_name, names, initialLocalStates(algorithms))
    if (loaded.note !== undefined) yield* Effect.logWarning(loaded.note)
    let states = loaded.states
    const iteration = Effect.gen(function* () {
      const decided = yield* Effect.either(decideFromLocalData(options, algorithms, states))
      if (decided._tag === "Left") {
        if (decided.left._tag === "InvalidDetectorState") {
          yield* Effect.logWarning(`${decided.left.message}; starting the algorithms afresh`)
          states = initialLocalStates(algorithms)
        } else yield* Effect.logError(`iteration failed: ${describeError(decided.left)}`)
        return
      }
      const decision = decided.right
      // The detectors have seen this data whether or not the request gets through, as in Neat.
      states = decision.states
      const saved = yield* Effect.either(saveStates(file, options.host_name, names, states))
      if (saved._tag === "Left")
        yield* Effect.logError(`cannot save the algorithm states: ${describeError(saved.left)}`)
      if (decision.request === undefined) {
        yield* Effect.logInfo(`host ${options.host_name}: ${decision.verdict}`)
        return
      }
      const sent = yield* Effect.either(sendReallocation(options, decision.request))
      if (sent._tag === "Left") {
        yield* Effect.logError(`iteration failed: ${describeError(sent.left)}`)
        return
      }
      const response = sent.right
      const requestId = answeredRequestId(response.body)
      yield* Effect.logInfo(
        `host ${options.host_name}: ${decision.verdict}, request for ${decision.request?.vmUuids.length ?? 0} VMs answered ${response.status}`
      ).pipe(Effect.annotateLogs(requestId === undefined ? {} : { request_id: requestId }))
    })
    const schedule = Schedule.fixed(Duration.seconds(options.local_manager_interval))
    if (iterations === undefined) yield* Effect.repeat(iteration, schedule)
    else if (iterations > 0)
      yield* Effect.repeat(iteration, Schedule.intersect(schedule, Schedule.recurs(iterations - 1)))
    return states
  })
