/**
 * Row types of the store's tables, as Kysely sees them. The column names are OpenStack Neat's
 * (neat/db_utils.py) so existing SQL against a Neat database keeps working; `decisions` is ours.
 * Timestamps are written as ISO-8601 strings and read back as strings (SQLite) or Dates (PostgreSQL).
 */
import type { ColumnType, Generated } from "kysely"

/** A timestamp column: written as an ISO-8601 string (or left to the database default), never updated. */
export type TimestampColumn = ColumnType<string | Date, string | undefined, never>

export interface HostsTable {
  readonly id: Generated<number>
  readonly hostname: string
  /** Capacity usable by VMs, MHz (all cores). */
  readonly cpu_mhz: number
  readonly cpu_cores: number
  /** Memory, MB. */
  readonly ram: number
}

export interface HostResourceUsageTable {
  readonly id: Generated<number>
  readonly host_id: number
  readonly timestamp: TimestampColumn
  /** Hypervisor overhead: host CPU use not attributed to VMs, MHz. */
  readonly cpu_mhz: number
}

export interface VmsTable {
  readonly id: Generated<number>
  readonly uuid: string
}

export interface VmResourceUsageTable {
  readonly id: Generated<number>
  readonly vm_id: number
  readonly timestamp: TimestampColumn
  /** Average CPU use over the last collection interval, MHz. */
  readonly cpu_mhz: number
}

export interface VmMigrationsTable {
  readonly id: Generated<number>
  readonly vm_id: number
  /** The destination host. */
  readonly host_id: number
  readonly timestamp: TimestampColumn
}

export interface HostStatesTable {
  readonly id: Generated<number>
  readonly host_id: number
  readonly timestamp: TimestampColumn
  /** 1 active, 0 inactive (suspended). */
  readonly state: number
}

export interface HostOverloadTable {
  readonly id: Generated<number>
  readonly host_id: number
  readonly timestamp: TimestampColumn
  /** 1 overloaded, 0 not. */
  readonly overload: number
}

/** A timestamp column that an update may set (a decision's end, once its actions are settled). */
export type UpdatableTimestampColumn = ColumnType<string | Date, string | undefined, string>

export interface DecisionsTable {
  readonly id: Generated<number>
  /** When the decision ended (when its intent was recorded, while it is `executing`). */
  readonly time: UpdatableTimestampColumn
  readonly host: string
  readonly reason: string
  /** JSON documents, stored as text so both dialects read them the same way. */
  readonly inputs: string
  readonly placement: string
  readonly migrations: string
  readonly outcome: string
  readonly timings: string
}

/** A VM found on a host (by its collector) that was not there before. */
export interface VmPlacementsTable {
  readonly id: Generated<number>
  readonly vm_id: number
  readonly host_id: number
  readonly timestamp: TimestampColumn
}

/** A recommended plan of the global manager and what became of it. */
export interface PlansTable {
  /** The id of the decision that recommended it. */
  readonly id: number
  readonly created_at: TimestampColumn
  /** pending, approved, rejected or expired. */
  readonly status: string
  readonly resolution: string | null
  /** The decision that executed it, once approved. */
  readonly executed_by: number | null
  /** JSON documents. */
  readonly fingerprint: string
  readonly decision: string
  /** When the plan's control interval began (0007). */
  readonly interval_started_at: TimestampColumn | null
  /** The plan that superseded it (0007). */
  readonly superseded_by: number | null
  /** JSON: the requests merged, the actions with their statuses, the predicted effect (0007). */
  readonly details: string | null
}

/** One live-migration attempt of the OpenStack adapter. */
export interface MigrationAttemptsTable {
  readonly id: Generated<number>
  readonly vm: string
  readonly source: string
  readonly target: string
  /** 1 for the first attempt. */
  readonly attempt: number
  readonly started_at: TimestampColumn
  readonly finished_at: TimestampColumn
  /** migrated, retryable, failed, vm-error, unexpected-host or timed-out. */
  readonly result: string
  readonly last_host: string | null
  readonly last_status: string | null
  readonly detail: string
}

/** A verified power change of a host: active, suspended or failed (did not wake). */
export interface HostPowerTable {
  readonly id: Generated<number>
  readonly host: string
  readonly state: string
  readonly timestamp: TimestampColumn
  readonly detail: string
}

/** The MAC address to wake a host with. */
export interface HostMacsTable {
  readonly hostname: string
  readonly mac: string
}

/**
 * One action of a decision that executes (the intent log): written `pending` with the decision
 * before the first action runs, set to `done` or `failed` as it lands, or at the next start by the
 * reconciliation against the cloud.
 */
export interface DecisionActionsTable {
  readonly id: Generated<number>
  readonly decision_id: number
  /** wake, migrate or suspend. */
  readonly kind: string
  /** The VM of a migration; null for wake and suspend. */
  readonly vm: string | null
  /** The source host of a migration; null for wake and suspend. */
  readonly source: string | null
  /** The target of a migration, or the host woken or suspended. */
  readonly host: string
  /** pending, done or failed. */
  readonly state: string
  readonly detail: string
  readonly updated_at: UpdatableTimestampColumn
}

export interface StoreTables {
  readonly hosts: HostsTable
  readonly host_resource_usage: HostResourceUsageTable
  readonly vms: VmsTable
  readonly vm_resource_usage: VmResourceUsageTable
  readonly vm_migrations: VmMigrationsTable
  readonly host_states: HostStatesTable
  readonly host_overload: HostOverloadTable
  readonly decisions: DecisionsTable
  readonly migration_attempts: MigrationAttemptsTable
  readonly host_power: HostPowerTable
  readonly host_macs: HostMacsTable
  readonly vm_placements: VmPlacementsTable
  readonly plans: PlansTable
  readonly decision_actions: DecisionActionsTable
}
