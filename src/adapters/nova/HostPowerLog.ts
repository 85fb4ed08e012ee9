/**
 * Where verified power changes of compute hosts are recorded (the store's `host_states` in the
 * live service), and which hosts are marked failed because they did not wake. A failed host is
 * excluded from placement until a later wake succeeds.
 */
import { Context, Effect, Layer, Option, Ref } from "effect"

export interface HostPowerRecord {
  readonly host: string
  /** `active`: verified up and enabled; `suspended`: verified down; `failed`: did not wake. */
  readonly state: "active" | "suspended" | "failed"
  readonly atMs: number
  readonly detail: string
}

export interface HostPowerLogApi {
  readonly record: (record: HostPowerRecord) => Effect.Effect<void>
  /** The last record of a host, if any. */
  readonly latest: (host: string) => Effect.Effect<Option.Option<HostPowerRecord>>
}

export class HostPowerLog extends Context.Tag("neat/nova/HostPowerLog")<HostPowerLog, HostPowerLogApi>() {}

export interface InMemoryHostPowerLog extends HostPowerLogApi {
  readonly records: Effect.Effect<ReadonlyArray<HostPowerRecord>>
}

export const makeInMemoryHostPowerLog: Effect.Effect<InMemoryHostPowerLog> = Effect.map(
  Ref.make<ReadonlyArray<HostPowerRecord>>([]),
  (ref) => ({
    record: (record) => Ref.update(ref, (all) => [...all, record]),
    latest: (host) => Effect.map(Ref.get(ref), (all) => Option.fromNullable(all.findLast((r) => r.host === host))),
    records: Ref.get(ref)
  })
)

export const HostPowerLogInMemory: Layer.Layer<HostPowerLog> = Layer.effect(HostPowerLog, makeInMemoryHostPowerLog)
