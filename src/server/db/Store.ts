/**
 * The central store: what data collectors, local managers and the global manager share. The
 * operations are OpenStack Neat's (neat/db.py) under camelCase names, plus the decision log and the
 * migration history. Timestamps come from Effect's Clock, so simulated and test clocks apply.
 */
import { Context, type Effect, Either, Layer } from "effect"
import type { UnknownHost } from "../../core/errors.js"
import { parseStoreConnection, type StoreConnection } from "../../core/StoreConnection.js"
import { makeStore } from "./makeStore.js"
import { type OpenOptions, openDatabase } from "./openDatabase.js"
import { StoreError } from "./StoreError.js"
import type { StoreProbe } from "./storeProbe.js"

/** Why a reallocation was requested: Neat's reason 0 is underload, 1 is overload. */
export type DecisionReason = "underload" | "overload"

/** One reallocation decision of the global manager, as it is recorded. */
export interface DecisionRecord {
  readonly time: Date
  /** The host whose local manager asked. */
  readonly host: string
  readonly reason: DecisionReason
  /** JSON-serialisable summary of what the decision saw (VMs, hosts, utilisation). */
  readonly inputs: unknown
  /** JSON-serialisable placement (VM UUID → host), or null when none was found. */
  readonly placement: unknown
  /** JSON-serialisable list of the migrations issued and how each ended. */
  readonly migrations: unknown
  /** How the decision ended, e.g. "migrated", "no-placement", "failed". */
  readonly outcome: string
  /** JSON-serialisable durations of the phases, seconds. */
  readonly timings: unknown
}

export interface StoredDecision extends DecisionRecord {
  readonly id: number
}

/** Filters and page of a decision listing; newest first. `limit` is clamped to 1..1000 (default 100). */
export interface DecisionQuery {
  readonly host?: string | undefined
  readonly reason?: DecisionReason | undefined
  readonly outcome?: string | undefined
  /** Inclusive lower bound on `time`. */
  readonly since?: Date | undefined
  /** Exclusive upper bound on `time`. */
  readonly until?: Date | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

export interface StoredMigration {
  readonly id: number
  readonly vm: string
  /** The destination host. */
  readonly host: string
  readonly timestamp: Date
}

/** Filters and page of a migration listing; newest first. `limit` is clamped to 1..1000 (default 100). */
export interface MigrationQuery {
  readonly vm?: string | undefined
  readonly host?: string | undefined
  readonly since?: Date | undefined
  readonly until?: Date | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

export interface HostOverloadRecord {
  readonly host: string
  readonly overload: boolean
  readonly timestamp: Date
}

/** Neat's select_host_characteristics: three maps from host name. */
export interface HostCharacteristics {
  /** Capacity usable by VMs, MHz. */
  readonly cpuMhz: Readonly<Record<string, number>>
  readonly cpuCores: Readonly<Record<string, number>>
  /** Memory, MB. */
  readonly ram: Readonly<Record<string, number>>
}

/** One live-migration attempt and how it ended (the OpenStack adapter's migration log). */
export interface MigrationAttemptRow {
  readonly vm: string
  readonly source: string
  readonly target: string
  /** 1 for the first attempt. */
  readonly attempt: number
  readonly startedAt: Date
  readonly finishedAt: Date
  /** migrated, retryable, failed, vm-error, unexpected-host or timed-out. */
  readonly result: string
  readonly lastHost?: string | undefined
  readonly lastStatus?: string | undefined
  readonly detail: string
}

/** A verified power change of a host. */
export interface HostPowerRow {
  readonly host: string
  /** active, suspended or failed (did not wake). */
  readonly state: string
  readonly timestamp: Date
  readonly detail: string
}

/** A recommended plan as the store keeps it (`plans`); the documents are the global manager's. */
export interface StoredPlan {
  /** The id of the decision that recommended it. */
  readonly id: number
  readonly createdAt: Date
  /** pending, approved, rejected or expired. */
  readonly status: string
  readonly resolution: string | undefined
  readonly executedBy: number | undefined
  /** JSON-serialisable documents. */
  readonly fingerprint: unknown
  readonly decision: unknown
  /** When its control interval began (absent in plans kept before plans were merged per interval). */
  readonly intervalStartedAt?: Date | undefined
  /** The plan that superseded it. */
  readonly supersededBy?: number | undefined
  /** Its requests, actions (each with its status) and predicted effect: a JSON-serialisable document. */
  readonly details?: unknown
}

/** One action of an executing decision in the intent log (`decision_actions`). */
export interface DecisionActionRow {
  readonly kind: "wake" | "migrate" | "suspend"
  /** The VM of a migration. */
  readonly vm?: string | undefined
  /** The source host of a migration. */
  readonly source?: string | undefined
  /** The target of a migration, or the host woken or suspended. */
  readonly host: string
  readonly state: "pending" | "done" | "failed"
  readonly detail: string
}

/** A decision still `executing` in the store, with every action of it. */
export interface UnfinishedDecisionRow {
  readonly decision: StoredDecision
  readonly actions: ReadonlyArray<DecisionActionRow>
}

/** A host state as Neat records it: 1 active, 0 inactive. */
export type HostStateFlag = 0 | 1

export interface StoreService {
  /** The last `n` CPU values of a VM, MHz, oldest first (empty for an unknown VM). */
  readonly selectCpuMhzForVm: (uuid: string, n: number) => Effect.Effect<ReadonlyArray<number>, StoreError>
  /**
   * The last `n` CPU values of each of several VMs in one query, MHz, oldest first; VMs without data
   * map to an empty list. What the global manager needs for a placement over many VMs.
   */
  readonly selectCpuMhzForVms: (
    uuids: ReadonlyArray<string>,
    n: number
  ) => Effect.Effect<Readonly<Record<string, ReadonlyArray<number>>>, StoreError>
  /** The last CPU value of every known VM, MHz (0 for a VM without data). */
  readonly selectLastCpuMhzForVms: () => Effect.Effect<Readonly<Record<string, number>>, StoreError>
  /** The id of a VM, registering it when new. */
  readonly selectVmId: (uuid: string) => Effect.Effect<number, StoreError>
  /** One CPU value per VM, MHz, stamped now. */
  readonly insertVmCpuMhz: (data: Readonly<Record<string, number>>) => Effect.Effect<void, StoreError>
  /** Registers or updates a host; returns its id. `cpuMhz` is the capacity usable by VMs, `ram` MB. */
  readonly updateHost: (
    hostname: string,
    cpuMhz: number,
    cpuCores: number,
    ram: number
  ) => Effect.Effect<number, StoreError>
  readonly selectHostId: (hostname: string) => Effect.Effect<number, StoreError | UnknownHost>
  readonly selectHostIds: () => Effect.Effect<Readonly<Record<string, number>>, StoreError>
  readonly selectHostCharacteristics: () => Effect.Effect<HostCharacteristics, StoreError>
  /** One hypervisor CPU value for a host, MHz, stamped now. */
  readonly insertHostCpuMhz: (hostname: string, cpuMhz: number) => Effect.Effect<void, StoreError | UnknownHost>
  /** The last `n` CPU values of a host, MHz, oldest first. */
  readonly selectCpuMhzForHost: (hostname: string, n: number) => Effect.Effect<ReadonlyArray<number>, StoreError>
  /** The last CPU value of every host, MHz (0 for a host without data). */
  readonly selectLastCpuMhzForHosts: () => Effect.Effect<Readonly<Record<string, number>>, StoreError>
  readonly insertHostStates: (
    states: Readonly<Record<string, HostStateFlag>>
  ) => Effect.Effect<void, StoreError | UnknownHost>
  /** The current state of every host; a host never recorded counts as active (1), as in Neat. */
  readonly selectHostStates: () => Effect.Effect<Readonly<Record<string, HostStateFlag>>, StoreError>
  readonly selectActiveHosts: () => Effect.Effect<ReadonlyArray<string>, StoreError>
  readonly selectInactiveHosts: () => Effect.Effect<ReadonlyArray<string>, StoreError>
  readonly insertHostOverload: (hostname: string, overload: boolean) => Effect.Effect<void, StoreError | UnknownHost>
  /** Records that the VMs `uuids` run on `hostname` from now on (a collector's newly found VMs). */
  readonly insertVmPlacements: (
    hostname: string,
    uuids: ReadonlyArray<string>
  ) => Effect.Effect<void, StoreError | UnknownHost>
  /**
   * Where each VM ran at `at`: its newest placement or migration at or before then, VM UUID → host
   * name (VMs never placed nor migrated by then are absent).
   */
  readonly selectVmHostsAt: (at: Date) => Effect.Effect<Readonly<Record<string, string>>, StoreError>
  /** Records that `vm` was migrated to `hostname`. */
  readonly insertVmMigration: (vm: string, hostname: string) => Effect.Effect<void, StoreError | UnknownHost>
  /** Deletes VM usage rows older than `threshold`; returns how many. */
  readonly cleanupVmResourceUsage: (threshold: Date) => Effect.Effect<number, StoreError>
  /** Deletes host usage rows older than `threshold`; returns how many. */
  readonly cleanupHostResourceUsage: (threshold: Date) => Effect.Effect<number, StoreError>
  /** Host overload transitions, oldest first, optionally for one host. */
  readonly selectHostOverloads: (hostname?: string) => Effect.Effect<ReadonlyArray<HostOverloadRecord>, StoreError>
  /** Records a decision; returns its id. */
  readonly insertDecision: (decision: DecisionRecord) => Effect.Effect<number, StoreError>
  readonly listDecisions: (query?: DecisionQuery) => Effect.Effect<ReadonlyArray<StoredDecision>, StoreError>
  /** How many decisions match the filters of `query` (its limit and offset are ignored). */
  readonly countDecisions: (query?: DecisionQuery) => Effect.Effect<number, StoreError>
  /** One decision by id, or undefined when there is none. */
  readonly selectDecision: (id: number) => Effect.Effect<StoredDecision | undefined, StoreError>
  readonly listMigrations: (query?: MigrationQuery) => Effect.Effect<ReadonlyArray<StoredMigration>, StoreError>
  /** How many migrations match the filters of `query` (its limit and offset are ignored). */
  readonly countMigrations: (query?: MigrationQuery) => Effect.Effect<number, StoreError>
  /** Appends one live-migration attempt. */
  readonly insertMigrationAttempt: (attempt: MigrationAttemptRow) => Effect.Effect<void, StoreError>
  /** Migration attempts, oldest first, optionally of one VM; at most `limit` (default 1000) newest. */
  readonly listMigrationAttempts: (
    vm?: string,
    limit?: number
  ) => Effect.Effect<ReadonlyArray<MigrationAttemptRow>, StoreError>
  /** Appends a verified power change. */
  readonly insertHostPower: (row: HostPowerRow) => Effect.Effect<void, StoreError>
  /** The newest power change of a host, or undefined. */
  readonly selectLatestHostPower: (host: string) => Effect.Effect<HostPowerRow | undefined, StoreError>
  /** Records a plan, or updates its status, resolution and executing decision when it exists. */
  readonly upsertPlan: (plan: StoredPlan) => Effect.Effect<void, StoreError>
  /** Every plan kept, oldest first. */
  readonly listPlans: () => Effect.Effect<ReadonlyArray<StoredPlan>, StoreError>
  /** How many plans are kept (of `status` only, when given). */
  readonly countPlans: (status?: string) => Effect.Effect<number, StoreError>
  /** Forgets the given plans. */
  readonly deletePlans: (ids: ReadonlyArray<number>) => Effect.Effect<void, StoreError>
  /**
   * The intent log: records a decision about to execute (its outcome `executing`) and its actions
   * (pending) in one transaction; returns the decision's id.
   */
  readonly beginDecision: (
    decision: DecisionRecord,
    actions: ReadonlyArray<DecisionActionRow>
  ) => Effect.Effect<number, StoreError>
  /**
   * Settles pending actions of a decision and records the migrations and power changes of those
   * done, in one transaction; an action already settled is left alone. Returns how many it settled.
   */
  readonly settleActions: (
    decisionId: number,
    outcomes: ReadonlyArray<DecisionActionRow>
  ) => Effect.Effect<number, StoreError>
  /** Settles what is still pending among `outcomes` and writes the decision's final form, in one transaction. */
  readonly completeDecision: (
    decisionId: number,
    decision: DecisionRecord,
    outcomes: ReadonlyArray<DecisionActionRow>
  ) => Effect.Effect<void, StoreError>
  /** The decisions still `executing` (begun, never completed), oldest first, with their actions. */
  readonly listUnfinishedDecisions: () => Effect.Effect<ReadonlyArray<UnfinishedDecisionRow>, StoreError>
  /** How the store answers now (ok, busy or unreachable), within a short deadline; never fails. */
  readonly probe: () => Effect.Effect<StoreProbe>
  /** Records (or replaces) the MAC address of a host. */
  readonly updateHostMac: (host: string, mac: string) => Effect.Effect<void, StoreError>
  /** The MAC address recorded for a host, or undefined. */
  readonly selectHostMac: (host: string) => Effect.Effect<string | undefined, StoreError>
}

/** The store service. Build it with `Store.layer(sql_connection)`. */
export class Store extends Context.Tag("neat/Store")<Store, StoreService>() {
  /** A store on an already parsed connection; the database is opened, migrated and closed with the layer. */
  static readonly layerConnection = (
    connection: StoreConnection,
    options: OpenOptions = {}
  ): Layer.Layer<Store, StoreError> =>
    Layer.scoped(Store, makeStore(openDatabase(connection, options), connection.dialect))

  /** A store from Neat's `sql_connection` string (sqlite:///path, a path, or postgresql://...). */
  static readonly layer = (sqlConnection: string, options: OpenOptions = {}): Layer.Layer<Store, StoreError> =>
    Either.match(parseStoreConnection(sqlConnection), {
      onLeft: (message) => Layer.fail(new StoreError({ operation: "open", message: `sql_connection ${message}` })),
      onRight: (connection) => Store.layerConnection(connection, options)
    })
}
