/**
 * One control round over the whole cloud: every active host's local decision, then the global
 * manager handling each resulting request in order. The simulator's `neat` policy and the live
 * server on a simulated cloud call this once per interval.
 */
import { Effect, type Either } from "effect"
import type { VmPlacer } from "../../algorithms/types.js"
import { Cloud, type CloudApi, readHostCpuHistories, readVmCpuHistories } from "../Cloud.js"
import type { CloudError } from "../errors.js"
import { type HostState, hostCpuMhz } from "../Host.js"
import type { VmSample, VmState } from "../Vm.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"
import type { RecordedDecision } from "./Decision.js"
import { DecisionLog, type DecisionLogApi } from "./DecisionLog.js"
import { defaultPlanningOptions } from "./GlobalPlanning.js"
import { usableCpuMhz } from "./HostUtilization.js"
import {
  decideLocally,
  initialLocalStates,
  type LocalAlgorithms,
  type LocalStates,
  type LocalVerdict
} from "./LocalDecision.js"
import { type GlobalOptions, reallocateAllOn } from "./Reallocate.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

/**
 * `hostOwnCpuMhz` of the latest total alone: the total less the latest sample of each VM that has
 * one (in the VMs' order, so the same sum), never below zero.
 */
const latestOwnMhz = (totalMhz: number, vms: ReadonlyArray<VmSample>): number => {
  let used = 0
  for (const vm of vms) if (vm.cpuMhz.length > 0) used += vm.cpuMhz[vm.cpuMhz.length - 1]!
  return Math.max(0, totalMhz - used)
}

/** The histories of the VMs that the round samples: those of the active hosts that `vms` knows. */
const sampledHistories = (
  hosts: ReadonlyArray<HostState>,
  vms: ReadonlyMap<string, VmState>,
  histories: ReadonlyMap<string, ReadonlyArray<number>>
): ReadonlyMap<string, ReadonlyArray<number>> => {
  const out = new Map<string, ReadonlyArray<number>>()
  for (const host of hosts) {
    if (host.power !== "active") continue
    for (const uuid of host.vms) {
      const history = histories.get(uuid)
      if (history !== undefined && vms.has(uuid)) out.set(uuid, history)
    }
  }
  return out
}

/** The four algorithms of a Neat deployment. */
export interface ControlAlgorithms extends LocalAlgorithms {
  readonly placer: VmPlacer
}

/** Everything that carries over between rounds: each host's local algorithm states and the placer's. */
export interface ControlState {
  readonly local: ReadonlyMap<string, LocalStates>
  readonly placer: unknown
}

export const initialControlState = (algorithms: ControlAlgorithms): ControlState => ({
  local: new Map(),
  placer: algorithms.placer.initialState
})

export type ControlOptions = GlobalOptions

export const defaultControlOptions: ControlOptions = { ...defaultPlanningOptions, vmHistoryLength: 100 }

export interface ControlStepResult {
  readonly state: ControlState
  /** Each active host's local verdict, in host order. */
  readonly verdicts: ReadonlyArray<{ readonly host: string; readonly verdict: LocalVerdict }>
  readonly requests: ReadonlyArray<ReallocationRequest>
  /** One recorded decision per request, in the same order. */
  readonly decisions: ReadonlyArray<RecordedDecision>
}

/**
 * Runs one round. The cloud is read once; each request is planned on that view, updated with the
 * outcome of the requests before it. Fails only when the cloud cannot be read; every failure after
 * that (a migration, a wake, a suspend) is recorded in the decisions.
 */
export const controlStep = (
  algorithms: ControlAlgorithms,
  state: ControlState,
  options: ControlOptions = defaultControlOptions
): Effect.Effect<ControlStepResult, CloudError, Cloud | DecisionLog> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const hosts = yield* cloud.hosts
    const vmList = yield* cloud.vms
    const vms = new Map<string, VmState>()
    for (const vm of vmList) vms.set(vm.uuid, vm)

    // One read of the cloud per round: the local decisions and the global planning share it.
    const hostOwnMhz = new Map<string, number>()
    // Hosts' own-use series are constant and their levels few: one array per level and length.
    const constants = new Map<number, ReadonlyArray<number>>()
    const constantSeries = (value: number, length: number): ReadonlyArray<number> => {
      let series = constants.get(value)
      if (series === undefined || series.length !== length) {
        series = new Array<number>(length).fill(value)
        constants.set(value, series)
      }
      return series
    }
    const local = new Map(state.local)
    const verdicts: Array<{ host: string; verdict: LocalVerdict }> = []
    const requests: Array<ReallocationRequest> = []
    // Batched reads: every VM of the active hosts, then the totals of the hosts that hold any.
    const residents: Array<string> = []
    for (const host of hosts) {
      if (host.power !== "active") continue
      for (const uuid of host.vms) if (vms.has(uuid)) residents.push(uuid)
    }
    const histories = yield* readVmCpuHistories(cloud, residents, options.vmHistoryLength)
    const occupied = hosts.filter((host) => host.power === "active" && host.vms.some((uuid) => histories.has(uuid)))
    const totals = yield* readHostCpuHistories(
      cloud,
      occupied.map((host) => host.name),
      options.vmHistoryLength
    )
    // The snapshot's histories are the batch read itself when it holds exactly the VMs sampled
    // below (the usual case), else a map of those.
    let sampled = 0
    for (const host of hosts) {
      if (host.power !== "active") continue
      const samples: Array<VmSample> = []
      for (const uuid of host.vms) {
        const vm = vms.get(uuid)
        const cpuMhz = histories.get(uuid)
        if (vm === undefined || cpuMhz === undefined) continue
        sampled++
        samples.push({ uuid, cpuMhz, ramMb: vm.ramMb })
      }
      const total = samples.length > 0 ? (totals.get(host.name) ?? []) : []
      // The host's own use now: its latest total minus its VMs' latest samples. It stands for the
      // whole window because the cloud's past totals include VMs that have left since, whereas
      // Neat's utilisation counts the VMs on the host now (whole histories) plus the host's own use.
      const latestOwn = total.length === 0 ? 0 : latestOwnMhz(total[total.length - 1]!, samples)
      hostOwnMhz.set(host.name, latestOwn)
      const before = local.get(host.name) ?? initialLocalStates(algorithms)
      const decision = decideLocally(
        {
          host: host.name,
          capacityMhz: usableCpuMhz(hostCpuMhz(host), options.hostCpuUsableByVms),
          vms: samples,
          hostOwnMhz: constantSeries(latestOwn, total.length)
        },
        algorithms,
        before
      )
      local.set(host.name, decision.states)
      verdicts.push({ host: host.name, verdict: decision.verdict })
      if (decision.request !== undefined) requests.push(decision.request)
    }

    const snapshot: CloudSnapshot = {
      hosts,
      vms,
      vmCpuMhz: sampled === histories.size ? histories : sampledHistories(hosts, vms, histories),
      hostOwnMhz
    }
    const handled = yield* reallocateAllOn(snapshot, requests, algorithms.placer, state.placer, options)
    return { state: { local, placer: handled.placerState }, verdicts, requests, decisions: handled.decisions }
  })

/**
 * `controlStep` for synchronous callers such as the simulator: `cloud` must answer without
 * suspending (an in-memory or simulated cloud), and `log` is kept across steps (see
 * `makeMemoryDecisionLog`). Decision timestamps come from the default clock.
 */
export const controlStepSync = (
  cloud: CloudApi,
  log: DecisionLogApi,
  algorithms: ControlAlgorithms,
  state: ControlState,
  options: ControlOptions = defaultControlOptions
): Either.Either<ControlStepResult, CloudError> =>
  Effect.runSync(
    Effect.either(
      controlStep(algorithms, state, options).pipe(
        Effect.provideService(Cloud, cloud),
        Effect.provideService(DecisionLog, log)
      )
    )
  )
