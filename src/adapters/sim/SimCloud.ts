/**
 * The `Cloud` service over the simulator, so that Neat's own control loop (the code the live
 * service runs) can drive a simulated data centre. Time moves only through `advance`: each call
 * applies the migrations that completed since the last update, in time order, then runs the next
 * periodic update (every `interval` seconds from 300.1 s on, as in CloudSim's study).
 *
 * Between two updates the control loop acts at the update's instant: every migration it asks for
 * starts then, in parallel with the others of the interval (each takes RAM / 62.5 MB/s and costs
 * the CPU shares of CloudSim's model), and `migrate` returns at once. From then on the cloud shows
 * the VM on its target, as Nova does once a live migration is accepted and done. A host suspended
 * while its VMs are still leaving is shown suspended and switched off when the last one has left
 * (it draws power until then); suspended hosts draw no power and take no VMs, awake hosts draw at
 * least their idle power.
 */
import { Context, Effect, Layer } from "effect"
import type { PlacementHost, VmPlacer } from "../../algorithms/types.js"
import { Cloud, type CloudApi } from "../../core/Cloud.js"
import { CloudActionError, ConfigError, UnknownHost, UnknownVm } from "../../core/errors.js"
import type { HostState } from "../../core/Host.js"
import type { MigrationOutcome } from "../../core/Placement.js"
import type { ServerGroup } from "../../core/ServerGroup.js"
import type { VmState } from "../../core/Vm.js"
import { ArrivalGroups, ArrivalPlacement, replayLifetimes } from "./ArrivalPlacement.js"
import { buildState, hostTypeOfProblem } from "./buildState.js"
import type { CloudsimMetrics } from "./CloudsimMetrics.js"
import { collectMetrics } from "./collectMetrics.js"
import {
  type HostType,
  migrationSeconds,
  planetLabHostCount,
  planetLabHostTypes,
  planetLabVmTypes,
  type VmType
} from "./Datacenter.js"
import { type InitialPlacementOption, placeInitiallyBy } from "./InitialPlacement.js"
import { type LifetimeSchedule, lifetimeScheduleOf } from "./LifetimeSchedule.js"
import type { SimulationResult } from "./SimulationResult.js"
import { Simulator } from "./Simulator.js"
import { TimelineRecorder } from "./TimelineRecorder.js"
import type { Trace } from "./Trace.js"

export interface SimCloudOptions {
  readonly trace: Trace
  readonly hosts?: number | undefined
  readonly hostTypes?: ReadonlyArray<HostType> | undefined
  /** Each host's index in `hostTypes` (a hosts file's blocks); default: the types alternate. */
  readonly hostTypeOf?: Int32Array | undefined
  readonly vmTypes?: ReadonlyArray<VmType> | undefined
  /**
   * How VMs are placed at time 0: "best-fit" (CloudSim's power-aware best fit, the default),
   * "first-fit", or a given placement `{ VM name: host index }` (unnamed VMs by best fit).
   */
  readonly initialPlacement?: InitialPlacementOption | undefined
  /** Host CPU samples kept for `hostCpuHistory` (100). */
  readonly hostHistoryLength?: number | undefined
  /** VM CPU samples kept for `vmCpuHistory` (100: Neat's `data_collector_data_length`). */
  readonly vmHistoryLength?: number | undefined
  /** Server groups by VM name (`neat sim --server-groups`): each VM's group as `Cloud.vms` shows it. */
  readonly serverGroups?: ReadonlyMap<string, ServerGroup> | undefined
}

/**
 * Synchronous reads of the simulated cloud, for wrappers that read it many times per interval
 * (`NeatCloudView`): the same answers as the `Cloud` methods, without an Effect per call.
 */
export interface SimCloudReads {
  /** Changes whenever what the cloud shows changes: an update, a migration, a suspension, a wake. */
  readonly version: () => number
  /** The hosts as `Cloud.hosts` shows them: the same array until the version changes (do not modify it). */
  readonly hosts: () => ReadonlyArray<HostState>
  /** Up to `n` of a VM's newest CPU samples, MHz, oldest first; undefined for a VM not in the cloud. */
  readonly vmCpuHistory: (uuid: string, n: number) => Array<number> | undefined
  /** Up to `n` of a host's newest CPU samples (utilised MHz), oldest first; undefined for an unknown host. */
  readonly hostCpuHistory: (host: string, n: number) => Array<number> | undefined
  /** Periodic updates run so far (histories move by one sample at each). */
  readonly updates: () => number
  /** How many samples every VM's history holds now (`vmCpuHistory` gives at most this many). */
  readonly vmCpuSampleCount: () => number
  /** A VM's newest CPU sample, MHz (the last of `vmCpuHistory`); undefined for a VM not in the cloud or before any update. */
  readonly vmCpuLatest: (uuid: string) => number | undefined
  /** A host's newest CPU sample (the last of `hostCpuHistory`); undefined for an unknown host or before any update. */
  readonly hostCpuLatest: (host: string) => number | undefined
}

/** What drives a simulated cloud besides the `Cloud` interface. */
export interface SimCloudControlApi {
  /** Runs the next periodic update; false (and nothing done) once the trace is over. */
  readonly advance: Effect.Effect<boolean>
  /** The simulator's current time, seconds. */
  readonly timeSec: Effect.Effect<number>
  /** Finishes the run and returns its metrics and timeline (call once, at the end). */
  readonly result: Effect.Effect<SimulationResult & { readonly metrics: CloudsimMetrics }>
  readonly reads: SimCloudReads
  /**
   * With trace lifetimes: VMs arriving from now on are placed by `placer` (one VM per call, its
   * full capacity as its CPU history; suspended hosts offered as inactive ones, and woken when
   * chosen) rather than by CloudSim's power-aware best fit over the awake hosts.
   */
  readonly placeArrivalsWith: (placer: VmPlacer) => void
}

export class SimCloudControl extends Context.Tag("neat/SimCloudControl")<SimCloudControl, SimCloudControlApi>() {}

/** Builds a simulated cloud; a ConfigError when the VMs do not fit on the hosts at time 0. */
export const makeSimCloud = (
  options: SimCloudOptions
): Effect.Effect<{ readonly cloud: CloudApi; readonly control: SimCloudControlApi }, ConfigError> =>
  Effect.suspend(() => {
    const started = performance.now()
    const trace = options.trace
    const hostCount = options.hosts ?? planetLabHostCount
    if (!Number.isInteger(hostCount) || hostCount <= 0) {
      return Effect.fail(new ConfigError({ field: "hosts", message: `must be a positive integer, got ${hostCount}` }))
    }
    if (trace.names.length === 0)
      return Effect.fail(new ConfigError({ field: "trace", message: "the trace has no VMs" }))
    for (const field of ["hostHistoryLength", "vmHistoryLength"] as const) {
      const length = options[field]
      if (length !== undefined && (!Number.isInteger(length) || length <= 0)) {
        return Effect.fail(new ConfigError({ field, message: `must be a positive integer, got ${length}` }))
      }
    }
    const hostTypes = options.hostTypes ?? planetLabHostTypes
    const layoutProblem = hostTypeOfProblem(options.hostTypeOf, hostCount, hostTypes.length)
    if (layoutProblem !== undefined) return Effect.fail(layoutProblem)
    let schedule: LifetimeSchedule | undefined
    try {
      schedule = lifetimeScheduleOf(trace)
    } catch (error) {
      if (error instanceof ConfigError) return Effect.fail(error)
      throw error
    }
    const { state, hostRamMb } = buildState(
      hostCount,
      trace.names.length,
      hostTypes,
      options.vmTypes ?? planetLabVmTypes,
      trace.ramMb,
      false,
      { hostTypeOf: options.hostTypeOf, vmMips: trace.vmMips, vmTypesInTurn: trace.lifetimes !== undefined }
    )
    const intervalSec = trace.intervalSec
    const groups =
      options.serverGroups !== undefined && options.serverGroups.size > 0 ? options.serverGroups : undefined
    let refusedAtStart = 0
    const failure = placeInitiallyBy(
      state,
      options.initialPlacement,
      trace.names,
      hostRamMb,
      intervalSec,
      groups,
      schedule === undefined ? undefined : { present: schedule.presentAtStart, refuse: () => refusedAtStart++ }
    )
    if (failure !== undefined) return Effect.fail(failure)
    const suspended = new Uint8Array(hostCount)
    const sim = new Simulator(state, trace, intervalSec, "awake", suspended)
    sim.vmsRefused = refusedAtStart
    const recorder = new TimelineRecorder()
    const durationSec = trace.samples * intervalSec
    const historyLength = options.hostHistoryLength ?? 100
    const hostHistory = new Float64Array(hostCount * historyLength)
    let hostHistoryHead = -1
    let hostHistoryCount = 0
    // The VMs' CPU use (MHz) at each update, as Neat's data collectors keep it.
    const vmHistoryLength = options.vmHistoryLength ?? 100
    const vmCount = trace.names.length
    const vmHistory = new Float64Array(vmCount * vmHistoryLength)
    let vmHistoryHead = -1
    let vmHistoryCount = 0
    /** Per VM, the updates run before it arrived: its history holds only the samples since. */
    const vmFirstUpdate = new Int32Array(vmCount)
    const vmSampleCount = (v: number): number => Math.min(vmHistoryCount, updates - vmFirstUpdate[v]!)
    let updates = 0
    let version = 0
    let shownHosts: ReadonlyArray<HostState> | undefined
    let shownVms: ReadonlyArray<VmState> | undefined
    const changed = (): void => {
      version++
      shownHosts = undefined
      shownVms = undefined
    }
    let periodicTime = 0.1
    let outcome: (SimulationResult & { readonly metrics: CloudsimMetrics }) | undefined
    let migrationsAtStep = 0

    const digits = String(hostCount - 1).length
    const hostNames = Array.from({ length: hostCount }, (_, h) => `host-${String(h).padStart(digits, "0")}`)
    const hostIndex = new Map(hostNames.map((name, h) => [name, h] as const))
    const vmIndex = new Map(trace.names.map((name, v) => [name, v] as const))

    const findHost = (name: string): Effect.Effect<number, UnknownHost> => {
      const h = hostIndex.get(name)
      return h === undefined ? Effect.fail(new UnknownHost({ host: name })) : Effect.succeed(h)
    }
    const findVm = (uuid: string): Effect.Effect<number, UnknownVm> => {
      const v = vmIndex.get(uuid)
      return v === undefined || state.vmHost[v]! < 0 ? Effect.fail(new UnknownVm({ vm: uuid })) : Effect.succeed(v)
    }
    /** VMs that were given moves while migrating (see `Simulator.queueMove`); pruned lazily. */
    let chained: Array<number> = []
    /** The host the cloud shows a VM on: where its latest migration goes, from the moment it was asked for. */
    const shownHost = (v: number): number => {
      const queued = sim.lastQueuedTarget[v]!
      if (queued >= 0) return queued
      return state.vmInMigration[v] === 1 ? sim.migrationTarget[v]! : state.vmHost[v]!
    }
    /** True when the host is switched off or will be once its last VM has left. */
    const switchedOff = (h: number): boolean => suspended[h] === 1 || sim.suspendWhenDrained[h] === 1
    /** The VMs the cloud shows on a host, in its list order (VMs to arrive after another move last). */
    const residents = (h: number): Array<string> => {
      const out: Array<string> = []
      const base = h * state.hostSlots
      for (let i = 0; i < state.hostVmCount[h]!; i++) {
        const v = state.hostVmIds[base + i]!
        if (sim.lastQueuedTarget[v]! < 0 && shownHost(v) === h) out.push(trace.names[v]!)
      }
      if (chained.length > 0) {
        chained = chained.filter((v) => sim.lastQueuedTarget[v]! >= 0)
        for (const v of chained) if (sim.lastQueuedTarget[v] === h) out.push(trace.names[v]!)
      }
      return out
    }

    /** `n` newest values of row `row` of a history ring, oldest first. */
    const ringRead = (
      ring: Float64Array,
      length: number,
      head: number,
      count: number,
      row: number,
      n: number
    ): Array<number> => {
      const take = Math.max(0, Math.min(Math.floor(n), count))
      const out = new Array<number>(take)
      const base = row * length
      // The newest `take` slots end at `head` and may wrap round the row's end: two straight copies.
      const first = head - take + 1
      let j = 0
      if (first < 0) for (let i = first + length; i < length; i++) out[j++] = ring[base + i]!
      for (let i = Math.max(0, first); i <= head; i++) out[j++] = ring[base + i]!
      return out
    }
    const liveVm = (uuid: string): number | undefined => {
      const v = vmIndex.get(uuid)
      return v === undefined || state.vmHost[v]! < 0 ? undefined : v
    }

    const reads: SimCloudReads = {
      version: () => version,
      hosts: () => {
        shownHosts ??= hostNames.map(
          (name, h): HostState => ({
            name,
            cores: state.hostTotalMips[h]! / state.hostPeMips[h]!,
            mhzPerCore: state.hostPeMips[h]!,
            ramMb: hostRamMb[h]!,
            power: switchedOff(h) ? "suspended" : "active",
            vms: residents(h)
          })
        )
        return shownHosts
      },
      vmCpuHistory: (uuid, n) => {
        const v = liveVm(uuid)
        return v === undefined ? undefined : ringRead(vmHistory, vmHistoryLength, vmHistoryHead, vmSampleCount(v), v, n)
      },
      hostCpuHistory: (host, n) => {
        const h = hostIndex.get(host)
        return h === undefined
          ? undefined
          : ringRead(hostHistory, historyLength, hostHistoryHead, hostHistoryCount, h, n)
      },
      updates: () => updates,
      vmCpuSampleCount: () => vmHistoryCount,
      vmCpuLatest: (uuid) => {
        const v = liveVm(uuid)
        return v === undefined || vmSampleCount(v) === 0 ? undefined : vmHistory[v * vmHistoryLength + vmHistoryHead]!
      },
      hostCpuLatest: (host) => {
        const h = hostIndex.get(host)
        return h === undefined || hostHistoryCount === 0 ? undefined : hostHistory[h * historyLength + hostHistoryHead]!
      }
    }

    // VMs arriving during the run (trace lifetimes): CloudSim's best fit over the awake hosts (then
    // over the suspended ones, woken for it), or the placer the control loop gives.
    const arrivals =
      schedule === undefined ? undefined : new ArrivalPlacement(state, hostRamMb, undefined, intervalSec, "best-fit")
    let arrivalPlacer: VmPlacer | undefined
    let arrivalPlacerState: unknown
    const asleep = new Uint8Array(hostCount)
    const draining = new Uint8Array(hostCount)
    /** Per host, what a placer sees at this instant (undefined: draining, offered to none). */
    const offered: Array<PlacementHost | undefined> = []
    const describeHost = (h: number): PlacementHost => ({
      name: hostNames[h]!,
      cpuMhz: state.hostTotalMips[h]!,
      cpuUsedMhz: (suspended[h] === 1 ? 0 : state.hostUtilMips[h]!) + (arrivals?.cpuAddedMhz(h) ?? 0),
      ramMb: hostRamMb[h]!,
      ramUsedMb: suspended[h] === 1 ? 0 : (arrivals?.ramUsedMb(h) ?? 0)
    })
    const beginArrivals = (): void => {
      arrivals?.begin()
      offered.length = 0
      for (let h = 0; h < hostCount; h++) {
        draining[h] = sim.suspendWhenDrained[h]!
        asleep[h] = switchedOff(h) ? 1 : 0
        if (arrivalPlacer !== undefined) offered.push(draining[h] === 1 ? undefined : describeHost(h))
      }
    }
    // Server groups: the hosts an arriving member may not take (1), and the masks combined with them.
    const arrivalGroups =
      schedule === undefined || groups === undefined ? undefined : new ArrivalGroups(trace.names, groups)
    const ruledOut = new Uint8Array(hostCount)
    const combined = new Uint8Array(hostCount)
    const orRuledOut = (mask: Uint8Array, ruled: boolean): Uint8Array => {
      if (!ruled) return mask
      for (let h = 0; h < hostCount; h++) combined[h] = mask[h]! | ruledOut[h]!
      return combined
    }
    /** Where a member is: its host, and the hosts its migrations go to, the last its destination. */
    const memberHosts = (w: number): ReadonlyArray<number> => {
      if (state.vmHost[w]! < 0) return []
      const hosts = [state.vmHost[w]!]
      if (state.vmInMigration[w] === 1) hosts.push(sim.migrationTarget[w]!)
      if (sim.lastQueuedTarget[w]! >= 0) hosts.push(sim.lastQueuedTarget[w]!)
      return hosts
    }
    /** The host for an arrival (-1: none), among the hosts not ruled out when `ruled`. */
    const chooseArrivalHost = (v: number, placement: ArrivalPlacement, ruled: boolean): number => {
      if (arrivalPlacer === undefined) {
        const host = placement.choose(v, orRuledOut(asleep, ruled))
        return host >= 0 ? host : placement.choose(v, orRuledOut(draining, ruled))
      }
      const hosts: Array<PlacementHost> = []
      const inactiveHosts: Array<PlacementHost> = []
      for (let h = 0; h < hostCount; h++) {
        const entry = offered[h]
        if (entry !== undefined && !(ruled && ruledOut[h] === 1))
          (suspended[h] === 1 ? inactiveHosts : hosts).push(entry)
      }
      const uuid = trace.names[v]!
      const vm = { uuid, cpuMhz: [state.vmMips[v]!], ramMb: state.vmRamMb[v]! }
      const [chosen, next] = arrivalPlacer.place({ hosts, inactiveHosts, vms: [vm] }, arrivalPlacerState)
      arrivalPlacerState = next
      const name = chosen?.[uuid]
      const host = name === undefined ? -1 : (hostIndex.get(name) ?? -1)
      // The placer's own thresholds aside, the host must have room in the simulator's model.
      return host >= 0 && (draining[host] === 1 || (ruled && ruledOut[host] === 1) || !placement.fits(v, host))
        ? -1
        : host
    }
    const placeArrival = (v: number): number => {
      if (arrivals === undefined) return -1
      let ruled = false
      if (arrivalGroups?.groupOf(v) !== undefined) {
        ruledOut.fill(0)
        ruled = arrivalGroups.ruleOut(v, ruledOut, memberHosts)
      }
      let host = chooseArrivalHost(v, arrivals, ruled)
      // A soft policy gives way when no host it allows has room; a hard one refuses the VM.
      if (host < 0 && ruled && !arrivalGroups!.isHard(v)) host = chooseArrivalHost(v, arrivals, false)
      if (host < 0) return -1
      arrivals.reserve(v, host)
      if (suspended[host] === 1) suspended[host] = 0
      asleep[host] = 0
      vmFirstUpdate[v] = updates
      if (arrivalPlacer !== undefined) offered[host] = describeHost(host)
      return host
    }

    const cloud: CloudApi = {
      hosts: Effect.sync(() => reads.hosts().slice()),
      vms: Effect.sync(() => {
        if (shownVms === undefined) {
          const out: Array<VmState> = []
          for (let v = 0; v < state.vmCount; v++) {
            if (state.vmHost[v]! < 0) continue
            const vm = {
              uuid: trace.names[v]!,
              ramMb: state.vmRamMb[v]!,
              host: hostNames[shownHost(v)]!,
              vcpus: state.vmCores[v]!
            }
            const serverGroup = groups?.get(vm.uuid)
            out.push(serverGroup === undefined ? vm : { ...vm, serverGroup })
          }
          shownVms = out
        }
        return shownVms.slice()
      }),
      vmCpuHistory: (uuid, n) =>
        Effect.suspend(() => {
          const history = reads.vmCpuHistory(uuid, n)
          return history === undefined ? Effect.fail(new UnknownVm({ vm: uuid })) : Effect.succeed(history)
        }),
      hostCpuHistory: (host, n) =>
        Effect.suspend(() => {
          const history = reads.hostCpuHistory(host, n)
          return history === undefined ? Effect.fail(new UnknownHost({ host })) : Effect.succeed(history)
        }),
      migrate: (migrations) =>
        Effect.gen(function* () {
          const outcomes: Array<MigrationOutcome> = []
          // Every migration of the interval starts at the interval's instant, whichever request it serves.
          const now = sim.lastProcessTime
          for (const migration of migrations) {
            const v = yield* findVm(migration.vm)
            const from = yield* findHost(migration.from)
            const to = yield* findHost(migration.to)
            const shown = shownHost(v)
            const reason =
              shown !== from
                ? `the VM runs on ${hostNames[shown]}, not ${migration.from}`
                : from === to
                  ? "source and target are the same host"
                  : switchedOff(to)
                    ? `${migration.to} is suspended`
                    : undefined
            if (reason !== undefined) {
              outcomes.push({ _tag: "MigrationFailed", migration, reason })
              continue
            }
            if (state.vmInMigration[v] === 1) {
              // Still on its way to `from`: it leaves again as soon as it has arrived.
              if (sim.lastQueuedTarget[v]! < 0) chained.push(v)
              sim.queueMove(v, to)
            } else {
              sim.startMigration(v, to, now)
            }
            changed()
            outcomes.push({
              _tag: "Migrated",
              migration,
              seconds: migrationSeconds(state.vmRamMb[v]!, state.hostBandwidthMbps[to]!)
            })
          }
          return outcomes
        }),
      suspendHost: (host) =>
        Effect.flatMap(findHost(host), (h) => {
          const staying = residents(h).length
          if (staying > 0) {
            return Effect.fail(
              new CloudActionError({ action: "suspend", target: host, message: `the host still has ${staying} VM(s)` })
            )
          }
          // VMs still leaving: the host goes to sleep when the last one has left.
          if (state.hostVmCount[h]! > 0) sim.suspendWhenDrained[h] = 1
          else suspended[h] = 1
          changed()
          return Effect.void
        }),
      wakeHost: (host) =>
        Effect.map(findHost(host), (h) => {
          suspended[h] = 0
          sim.suspendWhenDrained[h] = 0
          changed()
        })
    }

    const control: SimCloudControlApi = {
      advance: Effect.sync(() => {
        if (outcome !== undefined || periodicTime + intervalSec >= durationSec) return false
        // The last interval's migrations end first; a VM's second move starts then and counts there.
        sim.completeMigrationsBefore(periodicTime + intervalSec)
        recorder.setLastMigrations(sim.migrations - migrationsAtStep)
        migrationsAtStep = sim.migrations
        periodicTime += intervalSec
        if (schedule !== undefined) replayLifetimes(sim, schedule, periodicTime, placeArrival, beginArrivals)
        sim.forceUpdate(periodicTime, true)
        if (schedule !== undefined) sim.settleDepartures()
        updates++
        hostHistoryHead = (hostHistoryHead + 1) % historyLength
        if (hostHistoryCount < historyLength) hostHistoryCount++
        for (let h = 0; h < hostCount; h++) hostHistory[h * historyLength + hostHistoryHead] = state.hostUtilMips[h]!
        vmHistoryHead = (vmHistoryHead + 1) % vmHistoryLength
        if (vmHistoryCount < vmHistoryLength) vmHistoryCount++
        for (let v = 0; v < vmCount; v++) {
          if (state.vmHost[v]! >= 0)
            vmHistory[v * vmHistoryLength + vmHistoryHead] = sim.utilization[v]! * state.vmMips[v]!
        }
        changed()
        recorder.record(state, periodicTime, 0, false)
        return true
      }),
      timeSec: Effect.sync(() => sim.lastProcessTime),
      reads,
      placeArrivalsWith: (placer) => {
        arrivalPlacer = placer
        arrivalPlacerState = placer.initialState
      },
      result: Effect.sync(() => {
        if (outcome === undefined) {
          sim.completeMigrationsBefore(durationSec)
          changed()
          recorder.setLastMigrations(sim.migrations - migrationsAtStep)
          outcome = { metrics: collectMetrics(sim, started, schedule !== undefined), timeline: recorder.timeline() }
        }
        return outcome
      })
    }
    return Effect.succeed({ cloud, control })
  })

/** A layer providing the simulated `Cloud` and its `SimCloudControl`. */
export const layer = (options: SimCloudOptions): Layer.Layer<Cloud | SimCloudControl, ConfigError> =>
  Layer.effectContext(
    Effect.map(makeSimCloud(options), ({ cloud, control }) =>
      Context.make(Cloud, cloud).pipe(Context.add(SimCloudControl, control))
    )
  )
