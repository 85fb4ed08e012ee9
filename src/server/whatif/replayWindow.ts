/**
 * The what-if replay: the recorded VM use of a window, run through Neat's control core
 * (`controlStep`, the code the live managers run) with the given algorithms over the simulator's
 * cloud, with the recorded hosts (capacity, memory, power model) and VMs (capacity, memory),
 * starting from the recorded state: each VM on the host it ran on when the window began
 * (`recordedPlacement`; VMs whose host the store never recorded are placed by best fit), and the
 * hosts suspended then suspended.
 *
 * The cloud is seen as Neat's data collectors see it (`NeatCloudView`: whole MHz, each host's own
 * use), as in `neat sim --policy neat` and `neat serve --mode sim`. After every interval the
 * replay records what its collectors read (`CollectorReadings.ts`, the code `neat serve --mode sim`
 * writes to the store with) and what its global manager records (migrations, power changes), in
 * a `RecordedWindow` on the recorded window's clock; `windowResult` then measures it exactly as it
 * measures the recorded one.
 */
import { Effect } from "effect"
import type { HostType, VmType } from "../../adapters/sim/Datacenter.js"
import { makeNeatCloudView } from "../../adapters/sim/policies/NeatCloudView.js"
import { makeSimCloud } from "../../adapters/sim/SimCloud.js"
import type { SimulationResult } from "../../adapters/sim/SimulationResult.js"
import {
  type ControlAlgorithms,
  type ControlOptions,
  controlStepSync,
  initialControlState
} from "../../core/control/ControlStep.js"
import { type DecisionLogApi, makeMemoryDecisionLog } from "../../core/control/DecisionLog.js"
import { ConfigError } from "../../core/errors.js"
import { makeCollectorReader } from "../simulated/CollectorReadings.js"
import {
  byMoveTime,
  type RecordedMigration,
  type RecordedWindow,
  type TimedValue,
  type VmMove
} from "./RecordedWindow.js"
import { recordedPlacement } from "./recordedPlacement.js"
import { recordedTrace } from "./recordedTrace.js"
import { windowResult } from "./windowResult.js"

/** Network links of the replayed hosts and VMs, Mbit/s (CloudSim's PlanetLab values). */
const hostBandwidthMbps = 1000
const vmBandwidthMbps = 100

export interface Replay {
  /** What the replay's collectors and global manager recorded, on the recorded window's clock. */
  readonly window: RecordedWindow
  /** Its metrics, by the definition the recorded window is measured with. */
  readonly result: SimulationResult
  /** The simulator's own accounting of the run (CloudSim's event-level metrics), for reference. */
  readonly simulator: SimulationResult
}

const pushTo = <A>(map: Map<string, Array<A>>, key: string, value: A): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

export const replayWindow = (
  window: RecordedWindow,
  algorithms: ControlAlgorithms,
  options: ControlOptions
): Effect.Effect<Replay, ConfigError> =>
  Effect.gen(function* () {
    const trace = recordedTrace(window)
    // One type per host and per VM: host h gets type h mod n, VM v type floor(v / ceil(N / N)) = v.
    const hostTypes: Array<HostType> = window.hosts.map((host) => ({
      name: host.name,
      mhzPerCore: host.cores > 0 ? host.cpuMhz / host.cores : host.cpuMhz,
      cores: Math.max(1, host.cores),
      ramMb: host.ramMb,
      bandwidthMbps: hostBandwidthMbps,
      power: host.power
    }))
    const vmTypes: Array<VmType> = window.vms.map((vm) => ({
      name: vm.uuid,
      mhz: vm.capacityMhz,
      ramMb: vm.ramMb,
      bandwidthMbps: vmBandwidthMbps
    }))
    const { cloud: simCloud, control } = yield* makeSimCloud({
      trace,
      hosts: window.hosts.length,
      hostTypes,
      vmTypes,
      initialPlacement: recordedPlacement(window).placement,
      vmHistoryLength: options.vmHistoryLength
    }).pipe(
      Effect.mapError((error) =>
        error.field === "initialPlacement"
          ? new ConfigError({
              field: "vm-capacity-mhz",
              message: `the recorded placement does not fit the assumed VM sizes (${error.message.replace(
                /host index (\d+)/,
                (text, h: string) => window.hosts[Number(h)]?.name ?? text
              )}): lower --vm-capacity-mhz or --vm-ram-mb`
            })
          : error
      )
    )
    const view = makeNeatCloudView(simCloud, control)
    const cloud = view.cloud
    // The simulated cloud names its hosts host-0..; the records name them as the store does.
    const simulatedHosts = yield* Effect.orDie(cloud.hosts)
    const recordedName = new Map(simulatedHosts.map((host, h) => [host.name, window.hosts[h]?.name ?? host.name]))
    const nameOf = (simulated: string): string => recordedName.get(simulated) ?? simulated
    // Hosts suspended when the window began start suspended, unless best fit put a VM there.
    for (const [h, host] of window.hosts.entries()) {
      const simulated = simulatedHosts[h]
      if (host.activeAtStart || simulated === undefined || simulated.vms.length > 0) continue
      yield* Effect.orDie(cloud.suspendHost(simulated.name))
    }

    // The records, seeded with the state at the start: the samples in force then and each VM's host.
    const vmCpu = new Map<string, Array<TimedValue>>()
    const ownCpu = new Map<string, Array<TimedValue>>()
    const moves = new Map<string, Array<VmMove>>()
    const states = new Map<string, Array<TimedValue>>()
    const migrations: Array<RecordedMigration> = []
    for (const vm of window.vms)
      vmCpu.set(
        vm.uuid,
        vm.cpu.filter((sample) => sample.timeMs <= window.startMs)
      )
    for (const host of window.hosts)
      ownCpu.set(
        host.name,
        host.ownCpu.filter((s) => s.timeMs <= window.startMs)
      )
    const atStart = yield* Effect.orDie(cloud.hosts)
    for (const host of atStart) {
      for (const uuid of host.vms)
        pushTo(moves, uuid, { timeMs: window.startMs, host: nameOf(host.name), kind: "placement" })
    }
    const activeAtStart = new Map(atStart.map((host) => [nameOf(host.name), host.power === "active"] as const))

    // The global manager's records of the replay, stamped with the current step's instant.
    let nowMs = window.startMs
    const memory = Effect.runSync(makeMemoryDecisionLog(16))
    const log: DecisionLogApi = {
      ...memory,
      insertVmMigration: (vm, host) =>
        Effect.suspend(() => {
          migrations.push({ vm, host: nameOf(host), timeMs: nowMs })
          pushTo(moves, vm, { timeMs: nowMs, host: nameOf(host), kind: "migration" })
          return memory.insertVmMigration(vm, host)
        }),
      insertHostStates: (changes) =>
        Effect.suspend(() => {
          for (const [host, state] of Object.entries(changes))
            pushTo(states, nameOf(host), { timeMs: nowMs, value: state })
          return memory.insertHostStates(changes)
        })
    }
    const read = makeCollectorReader()
    // The collectors' first reading only learns which VMs each host holds, as at the start.
    yield* Effect.orDie(read(cloud))
    let state = initialControlState(algorithms)
    let step = 0
    while (Effect.runSync(view.advance)) {
      step++
      nowMs = window.startMs + step * window.intervalSec * 1000
      for (const reading of Effect.runSync(Effect.orDie(read(cloud)))) {
        if (!reading.active) continue
        const host = nameOf(reading.host)
        for (const uuid of reading.arrived) pushTo(moves, uuid, { timeMs: nowMs, host, kind: "placement" })
        for (const vm of reading.vms) pushTo(vmCpu, vm.uuid, { timeMs: nowMs, value: vm.mhz })
        pushTo(ownCpu, host, { timeMs: nowMs, value: reading.ownMhz })
      }
      const result = controlStepSync(cloud, log, algorithms, state, options)
      // The simulated cloud always answers; a failed read would only skip the round.
      if (result._tag === "Right") state = result.right.state
    }
    const observed: RecordedWindow = {
      ...window,
      hosts: window.hosts.map((host) => ({
        ...host,
        activeAtStart: activeAtStart.get(host.name) ?? host.activeAtStart,
        ownCpu: ownCpu.get(host.name) ?? [],
        states: states.get(host.name) ?? []
      })),
      vms: window.vms.map((vm) => ({
        ...vm,
        cpu: vmCpu.get(vm.uuid) ?? [],
        moves: (moves.get(vm.uuid) ?? []).sort(byMoveTime)
      })),
      migrations
    }
    return { window: observed, result: windowResult(observed), simulator: yield* control.result }
  })
