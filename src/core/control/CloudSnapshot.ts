/**
 * What the global manager knows about the cloud when it plans one reallocation: hosts, VMs, the
 * VMs' recent CPU use and each host's own use, read from `Cloud` at one moment.
 */
import { Effect } from "effect"
import { Cloud, readHostCpuHistories, readVmCpuHistories } from "../Cloud.js"
import type { CloudError } from "../errors.js"
import type { HostState } from "../Host.js"
import type { VmState } from "../Vm.js"
import { hostOwnCpuMhz } from "./HostUtilization.js"
import { LayeredMap } from "./LayeredMap.js"
import { carryViews, hostIndex } from "./SnapshotViews.js"

export interface CloudSnapshot {
  /** Every host, in the cloud's order (by name). */
  readonly hosts: ReadonlyArray<HostState>
  /** Every VM by UUID. */
  readonly vms: ReadonlyMap<string, VmState>
  /** CPU history of VMs, MHz, oldest first; empty (or absent) while no sample was collected yet. */
  readonly vmCpuMhz: ReadonlyMap<string, ReadonlyArray<number>>
  /** The latest own CPU use (hypervisor overhead) of each active host, MHz. */
  readonly hostOwnMhz: ReadonlyMap<string, number>
}

export interface SnapshotOptions {
  /** Samples to read for the VMs that are to be placed (Neat's `data_collector_data_length`). */
  readonly historyLength: number
  /** The VMs that get `historyLength` samples; the others get their latest one only. */
  readonly fullHistory?: ReadonlySet<string> | undefined
  /** A host whose VMs all get `historyLength` samples (the host an underload request empties). */
  readonly fullHistoryHost?: string | undefined
  /** Every VM gets `historyLength` samples (a reading kept for several requests). */
  readonly fullHistoryForAll?: boolean | undefined
}

/**
 * Reads a snapshot: histories for VMs on active hosts only (the others cannot be placed or receive),
 * in three batched reads (latest samples, full histories, hosts' latest totals). A VM that vanished
 * between the inventory and the read has no history, like a VM without data yet.
 */
export const takeSnapshot = (options: SnapshotOptions): Effect.Effect<CloudSnapshot, CloudError, Cloud> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const hosts = yield* cloud.hosts
    const vmList = yield* cloud.vms
    const vms = new Map<string, VmState>()
    for (const vm of vmList) vms.set(vm.uuid, vm)
    const activeHosts: Array<string> = []
    const latestOnly: Array<string> = []
    const full: Array<string> = []
    for (const host of hosts) {
      if (host.power !== "active") continue
      activeHosts.push(host.name)
      for (const uuid of host.vms) {
        if (!vms.has(uuid)) continue
        if (
          options.fullHistoryForAll === true ||
          host.name === options.fullHistoryHost ||
          options.fullHistory?.has(uuid) === true
        )
          full.push(uuid)
        else latestOnly.push(uuid)
      }
    }
    const latest = latestOnly.length > 0 ? yield* readVmCpuHistories(cloud, latestOnly, 1) : new Map()
    const long = full.length > 0 ? yield* readVmCpuHistories(cloud, full, options.historyLength) : new Map()
    const totals = yield* readHostCpuHistories(cloud, activeHosts, 1)
    const vmCpuMhz = new Map<string, ReadonlyArray<number>>()
    const hostOwnMhz = new Map<string, number>()
    for (const host of hosts) {
      if (host.power !== "active") continue
      const histories: Array<ReadonlyArray<number>> = []
      for (const uuid of host.vms) {
        const history: ReadonlyArray<number> | undefined = long.get(uuid) ?? latest.get(uuid)
        if (history === undefined) continue
        vmCpuMhz.set(uuid, history)
        histories.push(history.length > 1 ? history.slice(-1) : history)
      }
      const own = hostOwnCpuMhz(totals.get(host.name) ?? [], histories)
      hostOwnMhz.set(host.name, own.length > 0 ? own[own.length - 1]! : 0)
    }
    return { hosts, vms, vmCpuMhz, hostOwnMhz }
  })

/**
 * The snapshot after an execution, without reading the cloud again: VMs that migrated are on their
 * target, woken hosts are active, suspended hosts are suspended. CPU histories stay as they were
 * (they describe the past), and a host's own use does not move with the VMs. Only the hosts the
 * execution touched are copied; the rest is shared with `snapshot`.
 */
export const applyExecution = (
  snapshot: CloudSnapshot,
  execution: {
    readonly woken: ReadonlyArray<string>
    readonly suspended: ReadonlyArray<string>
    readonly migrations: ReadonlyArray<{
      readonly _tag: string
      readonly migration: { vm: string; from: string; to: string }
    }>
  }
): CloudSnapshot => {
  const moved = execution.migrations
    .filter((outcome) => outcome._tag === "Migrated")
    .map((outcome) => outcome.migration)
  if (moved.length === 0 && execution.woken.length === 0 && execution.suspended.length === 0) return snapshot
  const woken = new Set(execution.woken)
  const suspended = new Set(execution.suspended)
  const leaving = new Map<string, Set<string>>()
  const arriving = new Map<string, Array<string>>()
  for (const migration of moved) {
    const out = leaving.get(migration.from) ?? new Set<string>()
    out.add(migration.vm)
    leaving.set(migration.from, out)
    const into = arriving.get(migration.to) ?? []
    into.push(migration.vm)
    arriving.set(migration.to, into)
  }
  const touched = new Set([...woken, ...suspended, ...leaving.keys(), ...arriving.keys()])
  const hosts = snapshot.hosts.slice()
  for (const name of touched) {
    const i = hostIndex(snapshot, name)
    if (i === undefined) continue
    const host = hosts[i]!
    const out = leaving.get(name)
    const into = arriving.get(name)
    const power = suspended.has(name) ? "suspended" : woken.has(name) ? "active" : host.power
    const vms = out === undefined ? host.vms : host.vms.filter((uuid) => !out.has(uuid))
    hosts[i] = { ...host, power, vms: into === undefined ? vms : [...vms, ...into] }
  }
  const vmChanges: Array<readonly [string, VmState]> = []
  for (const migration of moved) {
    const vm = snapshot.vms.get(migration.vm)
    if (vm !== undefined) vmChanges.push([migration.vm, { ...vm, host: migration.to }])
  }
  const ownChanges: Array<readonly [string, number]> = []
  for (const host of woken) if (!snapshot.hostOwnMhz.has(host)) ownChanges.push([host, 0])
  const next: CloudSnapshot = {
    hosts,
    vms: LayeredMap.with(snapshot.vms, vmChanges),
    vmCpuMhz: snapshot.vmCpuMhz,
    hostOwnMhz: LayeredMap.with(snapshot.hostOwnMhz, ownChanges)
  }
  carryViews(snapshot, next, touched)
  return next
}

const sameHistory = (a: ReadonlyArray<number> | undefined, b: ReadonlyArray<number>): boolean => {
  if (a === b) return true
  if (a === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The snapshot with new CPU histories for some VMs (the VMs about to be placed, read afresh), the
 * rest shared with `snapshot`.
 */
export const withVmHistories = (
  snapshot: CloudSnapshot,
  histories: ReadonlyMap<string, ReadonlyArray<number>>
): CloudSnapshot => {
  // Within a collection interval the histories read again are those the snapshot holds.
  let changed = false
  for (const [uuid, history] of histories) {
    if (!sameHistory(snapshot.vmCpuMhz.get(uuid), history)) {
      changed = true
      break
    }
  }
  if (!changed) return snapshot
  const next: CloudSnapshot = { ...snapshot, vmCpuMhz: LayeredMap.with(snapshot.vmCpuMhz, histories) }
  const touched = new Set<string>()
  for (const uuid of histories.keys()) {
    const home = snapshot.vms.get(uuid)?.host
    const i = home === undefined ? undefined : hostIndex(snapshot, home)
    if (i !== undefined && snapshot.hosts[i]!.vms.includes(uuid)) touched.add(home!)
    else for (const host of snapshot.hosts) if (host.vms.includes(uuid)) touched.add(host.name)
  }
  carryViews(snapshot, next, touched)
  return next
}
