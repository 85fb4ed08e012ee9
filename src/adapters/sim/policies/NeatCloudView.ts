/**
 * The simulated cloud as Neat's data collectors see it, shared by the `neat` policy and the live
 * stack on a simulated cloud so that both read exactly the same numbers:
 * - CPU histories in whole MHz (Neat's collector stores integers);
 * - a host's own use (hypervisor overhead) fixed for the interval, measured at the update as the
 *   host's total minus its VMs' latest samples, and its latest total equal to that own use plus the
 *   latest samples of the VMs it holds now. A collector that measures the host after a migration
 *   sees the VM's load on its new host; the simulator's history only moves at the next update.
 *
 * The control loop reads every VM's history once or more per interval; the view keeps each VM's
 * whole-MHz history from the update on, so a read costs no copy, and the batched reads of `Cloud`
 * answer many VMs or hosts in one Effect. A history read at one update is the one of the update
 * before with the newest sample appended (and the oldest dropped once the history is full), so it
 * is extended rather than read and truncated again; histories handed out are never modified.
 */
import { Effect } from "effect"
import type { CloudApi } from "../../../core/Cloud.js"
import { UnknownHost, UnknownVm } from "../../../core/errors.js"
import type { HostState } from "../../../core/Host.js"
import type { SimCloudControlApi } from "../SimCloud.js"

/** The view's `Cloud`, and `advance`, which moves the simulated cloud and measures each host's own use. */
export interface NeatCloudView {
  readonly cloud: CloudApi
  readonly advance: Effect.Effect<boolean>
}

const truncateAll = (values: Array<number>): Array<number> => {
  for (let i = 0; i < values.length; i++) values[i] = Math.trunc(values[i]!)
  return values
}

export const makeNeatCloudView = (sim: CloudApi, control: SimCloudControlApi): NeatCloudView => {
  const reads = control.reads
  const ownMhz = new Map<string, number>()
  /** Each active host's VM load as measured at the update, while the cloud's version is `loadsVersion`. */
  const loads = new Map<string, number>()
  let loadsVersion = -1
  /** Each VM's whole-MHz history as far as it is kept, as of the update it was read at. */
  const vmHistories = new Map<string, { update: number; history: ReadonlyArray<number> }>()
  let hostsVersion = -1
  let hostsByName = new Map<string, HostState>()

  /** `previous` without its oldest samples beyond `count - 1`, then `newest`: a fresh array of `count`. */
  const extended = (previous: ReadonlyArray<number>, newest: number, count: number): Array<number> => {
    const out = new Array<number>(count)
    const from = previous.length - (count - 1)
    for (let i = 0; i < count - 1; i++) out[i] = previous[from + i]!
    out[count - 1] = newest
    return out
  }

  /** The VM's whole-MHz history (every kept sample), or undefined for a VM not in the cloud. */
  const fullHistory = (uuid: string): ReadonlyArray<number> | undefined => {
    const kept = vmHistories.get(uuid)
    const update = reads.updates()
    if (kept !== undefined && kept.update === update) return kept.history
    const latest = reads.vmCpuLatest(uuid)
    const count = reads.vmCpuSampleCount()
    let history: ReadonlyArray<number>
    if (
      latest !== undefined &&
      kept !== undefined &&
      kept.update === update - 1 &&
      (count === kept.history.length || count === kept.history.length + 1)
    ) {
      history = extended(kept.history, Math.trunc(latest), count)
    } else {
      const raw = reads.vmCpuHistory(uuid, Number.POSITIVE_INFINITY)
      if (raw === undefined) return undefined
      history = truncateAll(raw)
    }
    if (kept === undefined) vmHistories.set(uuid, { update, history })
    else {
      kept.update = update
      kept.history = history
    }
    return history
  }

  /** The latest whole-MHz sample of each VM on the host now. */
  const vmLoad = (vms: ReadonlyArray<string>): number => {
    let sum = 0
    for (const uuid of vms) {
      const history = fullHistory(uuid)
      if (history !== undefined && history.length > 0) sum += history[history.length - 1]!
    }
    return sum
  }

  const hostNamed = (name: string): HostState | undefined => {
    if (hostsVersion !== reads.version()) {
      hostsVersion = reads.version()
      hostsByName = new Map(reads.hosts().map((host) => [host.name, host]))
    }
    return hostsByName.get(name)
  }

  const measureOwn = (): void => {
    ownMhz.clear()
    loads.clear()
    loadsVersion = reads.version()
    for (const host of reads.hosts()) {
      if (host.power !== "active") continue
      const total = reads.hostCpuLatest(host.name)
      if (total === undefined) continue
      const load = vmLoad(host.vms)
      loads.set(host.name, load)
      ownMhz.set(host.name, Math.max(0, Math.trunc(total) - load))
    }
  }

  /** The latest whole-MHz load of the VMs on the host now (measured once per version of the cloud). */
  const hostVmLoad = (name: string): number => {
    if (loadsVersion === reads.version()) {
      const load = loads.get(name)
      if (load !== undefined) return load
    }
    return vmLoad(hostNamed(name)?.vms ?? [])
  }

  /** The newest `n` whole-MHz samples of a VM, or undefined for a VM not in the cloud. */
  const vmHistory = (uuid: string, n: number): ReadonlyArray<number> | undefined => {
    const history = fullHistory(uuid)
    if (history === undefined) return undefined
    const count = Math.max(0, Math.floor(n))
    return count >= history.length ? history : history.slice(history.length - count)
  }

  /** A host's newest `n` samples as a collector reports them, or undefined for an unknown host. */
  const hostHistory = (name: string, n: number): ReadonlyArray<number> | undefined => {
    const raw = reads.hostCpuHistory(name, n)
    if (raw === undefined) return undefined
    const history = truncateAll(raw)
    const own = ownMhz.get(name)
    if (history.length > 0 && own !== undefined) history[history.length - 1] = own + hostVmLoad(name)
    return history
  }

  /** Many series in one step; unknown keys are absent, as `Cloud`'s batched reads say. */
  const many = (keys: ReadonlyArray<string>, n: number, read: typeof vmHistory) =>
    Effect.sync(() => {
      const out = new Map<string, ReadonlyArray<number>>()
      for (const key of keys) {
        const history = read(key, n)
        if (history !== undefined) out.set(key, history)
      }
      return out as ReadonlyMap<string, ReadonlyArray<number>>
    })

  const cloud: CloudApi = {
    ...sim,
    vmCpuHistory: (uuid, n) =>
      Effect.suspend(() => {
        const history = vmHistory(uuid, n)
        return history === undefined ? Effect.fail(new UnknownVm({ vm: uuid })) : Effect.succeed(history)
      }),
    vmCpuHistories: (uuids, n) => many(uuids, n, vmHistory),
    hostCpuHistory: (name, n) =>
      Effect.suspend(() => {
        const history = hostHistory(name, n)
        return history === undefined ? Effect.fail(new UnknownHost({ host: name })) : Effect.succeed(history)
      }),
    hostCpuHistories: (hosts, n) => many(hosts, n, hostHistory)
  }
  return {
    cloud,
    advance: Effect.map(control.advance, (advanced) => {
      if (advanced) measureOwn()
      else vmHistories.clear()
      return advanced
    })
  }
}
