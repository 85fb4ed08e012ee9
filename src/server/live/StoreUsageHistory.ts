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
        }).pipe(Effect.mapError(historyError(host)))
})

/** `UsageHistory` over the `Store` in context. */
export const StoreUsageHistory = (vmsOnHost: VmsOnHost): Layer.Layer<UsageHistory, never, Store> =>
  Layer.effect(
    UsageHistory,
    Effect.map(Store, (store) => makeStoreUsageHistory(store, vmsOnHost))
  )
