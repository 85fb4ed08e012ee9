/**
 * The OpenStack adapter's `UsageHistory` over the central store, where the data collectors write.
 * A VM's history is its `vm_resource_usage` rows. A host's history is what the control core
 * expects, its VMs plus its own use: the collector stores only the hypervisor's share
 * (`host_resource_usage`), so the VMs that run on the host now are added back, sample by sample
 * aligned on the newest. Which VMs run where comes from `vmsOnHost` (the cloud's last inventory).
 */
import { Effect, Layer } from "effect"
import { UsageHistory, type UsageHistoryApi } from "../../adapters/nova/UsageHistory.js"
import { CloudActionError } from "../../core/errors.js"
import { Store, type StoreService } from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"

/** The VM UUIDs a host runs, as last seen. */
export type VmsOnHost = (host: string) => Effect.Effect<ReadonlyArray<string>>

/** Sums series aligned on their newest sample; the result is as long as the longest. */
export const sumAlignedOnNewest = (series: ReadonlyArray<ReadonlyArray<number>>): Array<number> => {
  const length = series.reduce((max, s) => Math.max(max, s.length), 0)
  const total = new Array<number>(length).fill(0)
  for (const s of series) {
    const offset = length - s.length
    for (let k = 0; k < s.length; k++) total[offset + k]! += s[k]!
  }
  return total
}

const historyError = (target: string) => (error: StoreError) =>
  new CloudActionError({ action: "history", target, message: error.message, cause: error })

/** The last `n` own CPU values of each host, MHz: one query when only the latest is asked for. */
const ownCpuMhz = (
  store: StoreService,
  hosts: ReadonlyArray<string>,
  n: number
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, StoreError> =>
  n === 1
    ? Effect.map(store.selectLastCpuMhzForHosts(), (last) => {
        const result = new Map<string, ReadonlyArray<number>>()
        for (const host of hosts) {
          const value = last[host]
          result.set(host, value === undefined ? [] : [value])
        }
        return result
      })
    : Effect.map(
        Effect.forEach(hosts, (host) => store.selectCpuMhzForHost(host, n)),
        (series) => new Map(hosts.map((host, i) => [host, series[i]!]))
      )

export const makeStoreUsageHistory = (store: StoreService, vmsOnHost: VmsOnHost): UsageHistoryApi => ({
  vmCpuMhz: (uuid, n) =>
    n <= 0 ? Effect.succeed([]) : store.selectCpuMhzForVm(uuid, n).pipe(Effect.mapError(historyError(uuid))),
  hostCpuMhz: (host, n) =>
    n <= 0
      ? Effect.succeed([])
      : Effect.gen(function* () {
          const own = yield* store.selectCpuMhzForHost(host, n)
          const vms = yield* vmsOnHost(host)
          const histories = vms.length === 0 ? {} : yield* store.selectCpuMhzForVms(vms, n)
          return sumAlignedOnNewest([own, ...Object.values(histories)])
        }).pipe(Effect.mapError(historyError(host))),
  vmCpuMhzMany: (uuids, n) =>
    n <= 0 || uuids.length === 0
      ? Effect.succeed(new Map(uuids.map((uuid) => [uuid, []])))
      : store.selectCpuMhzForVms(uuids, n).pipe(
          Effect.map((histories) => new Map(Object.entries(histories))),
          Effect.mapError(historyError(`${uuids.length} VMs`))
        ),
  hostCpuMhzMany: (hosts, n) =>
    n <= 0 || hosts.length === 0
      ? Effect.succeed(new Map(hosts.map((host) => [host, []])))
      : Effect.gen(function* () {
          const own = yield* ownCpuMhz(store, hosts, n)
          const residents = new Map<string, ReadonlyArray<string>>()
          for (const host of hosts) residents.set(host, yield* vmsOnHost(host))
          const all = [...residents.values()].flat()
          const histories = all.length === 0 ? {} : yield* store.selectCpuMhzForVms(all, n)
          const result = new Map<string, ReadonlyArray<number>>()
          for (const host of hosts) {
            const series = [own.get(host) ?? [], ...(residents.get(host) ?? []).map((uuid) => histories[uuid] ?? [])]
            result.set(host, sumAlignedOnNewest(series))
          }
          return result
        }).pipe(Effect.mapError(historyError(`${hosts.length} hosts`)))
})

/** `UsageHistory` over the `Store` in context. */
export const StoreUsageHistory = (vmsOnHost: VmsOnHost): Layer.Layer<UsageHistory, never, Store> =>
  Layer.effect(
    UsageHistory,
    Effect.map(Store, (store) => makeStoreUsageHistory(store, vmsOnHost))
  )
