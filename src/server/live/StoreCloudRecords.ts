/**
 * The OpenStack adapter's records over the central store: every migration attempt
 * (`migration_attempts`), verified power changes (`host_power`, which also says when a host failed
 * to wake) and the MACs to wake hosts with (`host_macs`, after the configured `host_macs`).
 * Recording must not stop the adapter: a store error is logged, and a failed read answers "none".
 */
import { Effect, Layer, Option } from "effect"
import { HostMacs, type HostMacsApi, hostMacsFromMap, hostMacsWithFallback } from "../../adapters/nova/HostMacs.js"
import { HostPowerLog, type HostPowerLogApi, type HostPowerRecord } from "../../adapters/nova/HostPowerLog.js"
import { MigrationLog, type MigrationLogApi } from "../../adapters/nova/MigrationLog.js"
import { normaliseMac } from "../../adapters/nova/WakeOnLan.js"
import { Store, type StoreService } from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"

const orLog =
  <A>(what: string, fallback: A) =>
  (effect: Effect.Effect<A, StoreError>): Effect.Effect<A> =>
    Effect.catchAll(effect, (error) =>
      Effect.logError(`store: ${what} failed: ${error.message}`).pipe(Effect.as(fallback))
    )

export const makeStoreMigrationLog = (store: StoreService): MigrationLogApi => ({
  record: (attempt) =>
    store
      .insertMigrationAttempt({
        vm: attempt.vm,
        source: attempt.from,
        target: attempt.to,
        attempt: attempt.attempt,
        startedAt: new Date(attempt.startedAtMs),
        finishedAt: new Date(attempt.finishedAtMs),
        result: attempt.result,
        lastHost: attempt.lastHost,
        lastStatus: attempt.lastStatus,
        detail: attempt.detail
      })
      .pipe(orLog<void>(`recording migration attempt ${attempt.attempt} of ${attempt.vm}`, undefined))
})

const powerStates: ReadonlyArray<HostPowerRecord["state"]> = ["active", "suspended", "failed"]
const isPowerState = (state: string): state is HostPowerRecord["state"] =>
  (powerStates as ReadonlyArray<string>).includes(state)

export const makeStoreHostPowerLog = (store: StoreService): HostPowerLogApi => ({
  record: (record) =>
    store
      .insertHostPower({
        host: record.host,
        state: record.state,
        timestamp: new Date(record.atMs),
        detail: record.detail
      })
      .pipe(orLog<void>(`recording ${record.host} ${record.state}`, undefined)),
  latest: (host) =>
    store.selectLatestHostPower(host).pipe(
      Effect.map((row) =>
        row === undefined || !isPowerState(row.state)
          ? Option.none()
          : Option.some({ host: row.host, state: row.state, atMs: row.timestamp.getTime(), detail: row.detail })
      ),
      orLog<Option.Option<HostPowerRecord>>(`reading the power state of ${host}`, Option.none())
    )
})

/** MACs recorded in the store (a malformed one counts as none). */
export const makeStoreHostMacs = (store: StoreService): HostMacsApi => ({
  macOf: (host) =>
    store.selectHostMac(host).pipe(
      Effect.map((mac) => Option.fromNullable(mac === undefined ? undefined : normaliseMac(mac))),
      orLog<Option.Option<string>>(`reading the MAC of ${host}`, Option.none())
    )
})

export const StoreMigrationLog: Layer.Layer<MigrationLog, never, Store> = Layer.effect(
  MigrationLog,
  Effect.map(Store, makeStoreMigrationLog)
)

export const StoreHostPowerLog: Layer.Layer<HostPowerLog, never, Store> = Layer.effect(
  HostPowerLog,
  Effect.map(Store, makeStoreHostPowerLog)
)

/** The configured `host_macs` first, then the store. */
export const StoreHostMacs = (configured: Readonly<Record<string, string>>): Layer.Layer<HostMacs, never, Store> =>
  Layer.effect(
    HostMacs,
    Effect.map(Store, (store) => hostMacsWithFallback(hostMacsFromMap(configured), makeStoreHostMacs(store)))
  )
