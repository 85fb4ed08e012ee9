/**
 * CPU utilisation histories of VMs and hosts, as the data collectors store them. Nova does not
 * know them; the live service backs this with its store, tests with the in-memory layer.
 */
import { Context, Effect, Layer, Ref } from "effect"
import type { CloudActionError } from "../../core/errors.js"

export interface UsageHistoryApi {
  /** The last `n` CPU samples of a VM in MHz, oldest first (fewer for a new VM). */
  readonly vmCpuMhz: (uuid: string, n: number) => Effect.Effect<ReadonlyArray<number>, CloudActionError>
  /** The last `n` CPU samples of a host in MHz (VMs plus the host's own use), oldest first. */
  readonly hostCpuMhz: (host: string, n: number) => Effect.Effect<ReadonlyArray<number>, CloudActionError>
  /** `vmCpuMhz` of many VMs in one read; a VM without data maps to an empty list. */
  readonly vmCpuMhzMany: (
    uuids: ReadonlyArray<string>,
    n: number
  ) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudActionError>
  /** `hostCpuMhz` of many hosts in one read; a host without data maps to an empty list. */
  readonly hostCpuMhzMany: (
    hosts: ReadonlyArray<string>,
    n: number
  ) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudActionError>
}

export class UsageHistory extends Context.Tag("neat/nova/UsageHistory")<UsageHistory, UsageHistoryApi>() {}

export interface InMemoryUsageHistory extends UsageHistoryApi {
  readonly addVmSample: (uuid: string, mhz: number) => Effect.Effect<void>
  readonly addHostSample: (host: string, mhz: number) => Effect.Effect<void>
}

const lastN = (all: ReadonlyArray<number> | undefined, n: number): ReadonlyArray<number> =>
  all === undefined || n <= 0 ? [] : all.slice(-n)

export const makeInMemoryUsageHistory: Effect.Effect<InMemoryUsageHistory> = Effect.gen(function* () {
  const vms = yield* Ref.make(new Map<string, ReadonlyArray<number>>())
  const hosts = yield* Ref.make(new Map<string, ReadonlyArray<number>>())
  const add = (ref: Ref.Ref<Map<string, ReadonlyArray<number>>>, key: string, mhz: number) =>
    Ref.update(ref, (map) => new Map(map).set(key, [...(map.get(key) ?? []), mhz]))
  return {
    vmCpuMhz: (uuid, n) => Effect.map(Ref.get(vms), (map) => lastN(map.get(uuid), n)),
    hostCpuMhz: (host, n) => Effect.map(Ref.get(hosts), (map) => lastN(map.get(host), n)),
    vmCpuMhzMany: (uuids, n) =>
      Effect.map(Ref.get(vms), (map) => new Map(uuids.map((uuid) => [uuid, lastN(map.get(uuid), n)]))),
    hostCpuMhzMany: (names, n) =>
      Effect.map(Ref.get(hosts), (map) => new Map(names.map((name) => [name, lastN(map.get(name), n)]))),
    addVmSample: (uuid, mhz) => add(vms, uuid, mhz),
    addHostSample: (host, mhz) => add(hosts, host, mhz)
  }
})

export const UsageHistoryInMemory: Layer.Layer<UsageHistory> = Layer.effect(UsageHistory, makeInMemoryUsageHistory)
