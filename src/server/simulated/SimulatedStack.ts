/**
 * Neat's live stack on a simulated cloud with an accelerated clock: every `stepSeconds` real
 * seconds the simulated cloud advances one interval, the simulated data collector writes each
 * active host's local files, and each active host's local manager (in process, in host order) reads
 * them, decides and sends its request over HTTP to the global manager, which drives the same
 * simulated cloud.
 */
import type { FileSystem, Path } from "@effect/platform"
import { Path as P } from "@effect/platform"
import { Duration, Effect } from "effect"
import type { NeatCloudView } from "../../adapters/sim/policies/NeatCloudView.js"
import type { InvalidDetectorState } from "../../algorithms/checkedState.js"
import { initialLocalStates, type LocalAlgorithms, type LocalStates } from "../../core/control/LocalDecision.js"
import type { CloudError, InputError, UnknownHost } from "../../core/errors.js"
import { hostCpuMhz } from "../../core/Host.js"
import type { StoreError } from "../db/StoreError.js"
import type { ClientOptions, GlobalManagerUnreachable } from "../localManager/GlobalManagerClient.js"
import { localManagerIteration } from "../localManager/LocalManager.js"
import { type HostReading, makeCollectorReader } from "./CollectorReadings.js"
import { collectSimulated, hostDataDirectory } from "./SimulatedCollector.js"

export interface SimulatedStackSettings {
  /** The global manager the local managers talk to, and their credentials. */
  readonly globalManager: ClientOptions
  readonly algorithms: LocalAlgorithms
  /** Root of the hosts' local data directories (`<root>/<host>/`). */
  readonly dataDirectory: string
  /** Neat's `data_collector_data_length`. */
  readonly historyLength: number
  /** Real seconds between simulated intervals; 0 runs as fast as the managers go. */
  readonly stepSeconds: number
  /** Stop after this many intervals (default: at the end of the trace). */
  readonly maxSteps?: number | undefined
  /** Memory assumed for a VM the global manager does not list, MB. */
  readonly vmRamMb?: number | undefined
  /** Run as each interval begins (the global manager's plan book starts a new interval's plan). */
  readonly onInterval?: Effect.Effect<void> | undefined
  /**
   * Records each interval's collector readings (to the store, as the collectors would), after the
   * local files are written and before the local managers decide.
   */
  readonly record?: ((readings: ReadonlyArray<HostReading>) => Effect.Effect<void, RecordError>) | undefined
}

/** What recording the readings may fail with. */
export type RecordError = StoreError | UnknownHost

export interface SimulatedStackReport {
  readonly steps: number
  /** Requests the local managers sent, and how many the global manager answered with 200. */
  readonly requests: number
  readonly accepted: number
  /** Answers other than 200, with the host and the body. */
  readonly rejected: ReadonlyArray<{ readonly host: string; readonly status: number; readonly body: string }>
}

/** One interval: advance, collect, and every active host's local manager. */
const step = (
  view: NeatCloudView,
  settings: SimulatedStackSettings,
  states: Map<string, LocalStates>,
  tally: { requests: number; accepted: number; rejected: Array<SimulatedStackReport["rejected"][number]> },
  read: ReturnType<typeof makeCollectorReader>
): Effect.Effect<
  boolean,
  CloudError | InputError | InvalidDetectorState | GlobalManagerUnreachable | RecordError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    if (!(yield* view.advance)) return false
    if (settings.onInterval !== undefined) yield* settings.onInterval
    const path = yield* P.Path
    yield* collectSimulated(view.cloud, settings.dataDirectory, settings.historyLength)
    if (settings.record !== undefined) yield* settings.record(yield* read(view.cloud))
    for (const host of yield* view.cloud.hosts) {
      if (host.power !== "active") continue
      const result = yield* localManagerIteration(
        {
          ...settings.globalManager,
          local_data_directory: hostDataDirectory(settings.dataDirectory, host.name, path),
          local_manager_interval: settings.stepSeconds,
          host_name: host.name,
          host_cpu_mhz: hostCpuMhz(host),
          host_cpu_usable_by_vms: 1,
          vm_ram_mb: settings.vmRamMb ?? 1024
        },
        settings.algorithms,
        states.get(host.name) ?? initialLocalStates(settings.algorithms)
      )
      states.set(host.name, result.decision.states)
      if (result.response === undefined) continue
      tally.requests++
      if (result.response.status === 200) tally.accepted++
      else tally.rejected.push({ host: host.name, status: result.response.status, body: result.response.body })
    }
    return true
  })

/** Runs the stack until the trace ends (or `maxSteps`), one interval every `stepSeconds`. */
export const runSimulatedStack = (
  view: NeatCloudView,
  settings: SimulatedStackSettings
): Effect.Effect<
  SimulatedStackReport,
  CloudError | InputError | InvalidDetectorState | GlobalManagerUnreachable | RecordError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const read = makeCollectorReader()
    const states = new Map<string, LocalStates>()
    const tally = { requests: 0, accepted: 0, rejected: [] as Array<SimulatedStackReport["rejected"][number]> }
    let steps = 0
    while (settings.maxSteps === undefined || steps < settings.maxSteps) {
      const started = Date.now()
      if (!(yield* step(view, settings, states, tally, read))) break
      steps++
      const left = settings.stepSeconds * 1000 - (Date.now() - started)
      if (left > 0) yield* Effect.sleep(Duration.millis(left))
    }
    return { steps, ...tally }
  })
