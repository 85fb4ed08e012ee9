/**
 * The data collector of a compute host, as OpenStack Neat runs it (neat/locals/collector.py):
 * every data_collector_interval it reads the VMs' CPU time from libvirt and the host's from
 * /proc/stat, turns them into average MHz, appends them to Neat's local files and to the central
 * store, fetches the history of VMs that arrived, forgets VMs that left, and logs host overloads.
 */
import { type FileSystem, Path } from "@effect/platform"
import { Clock, Effect, Schema } from "effect"
import type { InputError, UnknownHost } from "../../core/errors.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import { Store } from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"
import { hostCpuMhz, isOverloaded, vmCpuStep } from "./cpuMhz.js"
import { hostMacOf } from "./hostMac.js"
import { Libvirt } from "./Libvirt.js"
import type { LibvirtError } from "./LibvirtError.js"
import { appendValue, listVmFiles, localDataPaths, removeFile, writeValues } from "./LocalData.js"
import { ProcStat } from "./ProcStat.js"

/** The options the collector reads. */
export type CollectorSettings = Pick<
  NeatConfig,
  | "localDataDirectory"
  | "dataCollectorDataLength"
  | "dataCollectorInterval"
  | "hostCpuUsableByVms"
  | "hostCpuOverloadThreshold"
  | "localHostName"
  | "localHostMac"
>

/** What the collector knows about its host. */
export interface CollectorHost {
  readonly hostname: string
  readonly physicalCpus: number
  /** Total CPU capacity, MHz (all cores). */
  readonly physicalCpuMhz: number
  /** One core's clock, MHz. */
  readonly physicalCoreMhz: number
  /** Fraction of the total capacity above which the host counts as overloaded (Neat scales it by host_cpu_usable_by_vms). */
  readonly overloadThreshold: number
}

/** The counters carried from one interval to the next. */
export const CollectorState = Schema.Struct({
  hostname: Schema.String,
  /** Time of the previous reading, seconds since the epoch; 0 before the first. */
  previousTimeSec: Schema.Number,
  previousCpuTimeNs: Schema.Record({ key: Schema.String, value: Schema.Number }),
  previousCpuMhz: Schema.Record({ key: Schema.String, value: Schema.Number }),
  previousHostTotal: Schema.Number,
  previousHostBusy: Schema.Number,
  /** The last overload flag logged: -1 none yet, 0 or 1. */
  previousOverload: Schema.Literal(-1, 0, 1)
})
export type CollectorState = typeof CollectorState.Type

export const initialState = (hostname: string): CollectorState => ({
  hostname,
  previousTimeSec: 0,
  previousCpuTimeNs: {},
  previousCpuMhz: {},
  previousHostTotal: 0,
  previousHostBusy: 0,
  previousOverload: -1
})

/** What one iteration saw and did. */
export interface CollectionReport {
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
  /** Average MHz per VM over the interval. */
  readonly vmCpuMhz: Readonly<Record<string, number>>
  /** Host CPU not used by VMs (hypervisor overhead), MHz; undefined when /proc/stat could not be compared. */
  readonly hostCpuMhz: number | undefined
  /** Whether values were recorded (not on the first iteration, which only starts the counters). */
  readonly recorded: boolean
  readonly overload: boolean | undefined
}

export type CollectorError = LibvirtError | InputError | StoreError | UnknownHost

/** Learns the host from libvirt and registers it in the store (usable capacity, cores, memory). */
export const initCollector = (
  settings: CollectorSettings
): Effect.Effect<CollectorHost, CollectorError, Libvirt | Store> =>
  Effect.gen(function* () {
    const libvirt = yield* Libvirt
    const store = yield* Store
    const hostname = settings.localHostName.trim() !== "" ? settings.localHostName.trim() : yield* libvirt.hostname
    const node = yield* libvirt.nodeInfo
    const physicalCpuMhz = node.cpus * node.mhz
    yield* store.updateHost(
      hostname,
      Math.trunc(physicalCpuMhz * settings.hostCpuUsableByVms),
      node.cpus,
      node.memoryMb
    )
    const mac = hostMacOf(settings.localHostMac)
    if (mac !== undefined) yield* store.updateHostMac(hostname, mac)
    else yield* Effect.logWarning(`no MAC address found for ${hostname}: set local_host_mac so that it can be woken`)
    return {
      hostname,
      physicalCpus: node.cpus,
      physicalCpuMhz,
      physicalCoreMhz: physicalCpuMhz / node.cpus,
      overloadThreshold: settings.hostCpuOverloadThreshold * settings.hostCpuUsableByVms
    }
  })

/** One collection iteration (Neat's `execute`). */
export const collectOnce = (
  settings: CollectorSettings,
  host: CollectorHost,
  state: CollectorState
): Effect.Effect<
  { readonly state: CollectorState; readonly report: CollectionReport },
  CollectorError,
  Libvirt | Store | ProcStat | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const libvirt = yield* Libvirt
    const store = yield* Store
    const procStat = yield* ProcStat
    const path = yield* Path.Path
    const paths = localDataPaths(settings.localDataDirectory, path)
    const length = settings.dataCollectorDataLength

    const previousVms = new Set(yield* listVmFiles(paths.vms))
    const domains = yield* libvirt.activeDomains
    // A VM that is not running yet is migrating in: it is picked up once it runs.
    const current = domains.filter((d) => previousVms.has(d.uuid) || d.running)
    const currentIds = new Set(current.map((d) => d.uuid))
    const added = current.filter((d) => !previousVms.has(d.uuid)).map((d) => d.uuid)

    const addedVmData: Record<string, ReadonlyArray<number>> = {}
    for (const uuid of added) {
      const history = yield* store.selectCpuMhzForVm(uuid, length)
      addedVmData[uuid] = history
      yield* writeValues(path.join(paths.vms, uuid), history, length)
    }
    // Where each VM runs, for the what-if replay's starting placement: recorded when it appears here.
    if (added.length > 0) yield* store.insertVmPlacements(host.hostname, added)
    const removed = [...previousVms].filter((uuid) => !currentIds.has(uuid))
    for (const uuid of removed) yield* removeFile(path.join(paths.vms, uuid))

    const nowSec = (yield* Clock.currentTimeMillis) / 1000
    const cpuTimes = yield* libvirt.cpuTimes(current)
    const step = vmCpuStep({
      coreMhz: host.physicalCoreMhz,
      previousTimeSec: state.previousTimeSec,
      currentTimeSec: nowSec,
      previousCpuTimeNs: state.previousCpuTimeNs,
      previousCpuMhz: state.previousCpuMhz,
      currentVms: current.map((d) => d.uuid),
      currentCpuTimeNs: cpuTimes,
      addedVmData
    })
    const hostTimes = yield* procStat.read
    const hostMhz = hostCpuMhz(
      host.physicalCpuMhz,
      { total: state.previousHostTotal, busy: state.previousHostBusy },
      hostTimes
    )

    const recorded = state.previousTimeSec > 0
    let hypervisorMhz: number | undefined
    let overload: boolean | undefined
    let previousOverload = state.previousOverload
    if (recorded) {
      for (const [uuid, mhz] of Object.entries(step.cpuMhz)) yield* appendValue(path.join(paths.vms, uuid), mhz, length)
      yield* store.insertVmCpuMhz(step.cpuMhz)
      const vmTotal = Object.values(step.cpuMhz).reduce((sum, mhz) => sum + mhz, 0)
      if (hostMhz !== undefined) {
        // Neat's host_resource_usage: the host's own use, not its total (what-if adds the VMs' rows back).
        hypervisorMhz = Math.max(0, hostMhz - vmTotal)
        yield* appendValue(paths.host, hypervisorMhz, length)
        yield* store.insertHostCpuMhz(host.hostname, hypervisorMhz)
      } else {
        yield* Effect.logWarning("host CPU counters did not advance or went backwards: no host value this interval")
      }
      overload = isOverloaded(host.overloadThreshold, host.physicalCpuMhz, Object.values(step.cpuMhz))
      const flag = overload ? 1 : 0
      // Neat logs the first reading and every change.
      if (previousOverload !== flag) yield* store.insertHostOverload(host.hostname, overload)
      previousOverload = flag
    }

    return {
      state: {
        hostname: state.hostname,
        previousTimeSec: nowSec,
        previousCpuTimeNs: step.cpuTimeNs,
        previousCpuMhz: step.cpuMhz,
        previousHostTotal: hostTimes.total,
        previousHostBusy: hostTimes.busy,
        previousOverload
      },
      report: { added, removed, vmCpuMhz: step.cpuMhz, hostCpuMhz: hypervisorMhz, recorded, overload }
    }
  })
