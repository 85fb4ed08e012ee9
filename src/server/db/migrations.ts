/**
 * The store's schema as an ordered list of migrations, run at start by Kysely's Migrator. Append new
 * migrations; never edit one that has shipped. DDL differs per dialect (identity vs autoincrement,
 * timestamp types), so each migration is built for the dialect it runs on. Every statement is
 * idempotent ("if not exists"): SQLite runs DDL outside a transaction, so two services starting at
 * once on a fresh file may both run a migration; the loser retries (openDatabase) and finds it done.
 *
 * Portable across SQLite, PostgreSQL and MySQL/MariaDB as long as a migration builds ids,
 * timestamps and references with the helpers below, and gives indexed or unique text columns a
 * `varchar(n)` type (MySQL cannot index `text`). Queries keep to what `mysqlDialect.ts` translates
 * (`onConflict` is fine) and take new ids with `insertReturningId`, never `returning`.
 */
import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, type Migration, sql } from "kysely"
import type { StoreConnection } from "../../core/StoreConnection.js"

type Dialect = StoreConnection["dialect"]

/**
 * The one place where DDL differs per dialect; migrations build columns only through these, so that
 * a new table is portable as written. MySQL keeps timestamps as ISO-8601 UTC text, as SQLite does:
 * its DATETIME would refuse the "Z" of the strings the store writes, and text compares in time order.
 */
const withId = <T extends string>(table: CreateTableBuilder<T>, dialect: Dialect): CreateTableBuilder<T, "id"> => {
  switch (dialect) {
    case "sqlite":
      return table.addColumn("id", "integer", (col) => col.primaryKey().autoIncrement())
    case "mysql":
      return table.addColumn("id", "bigint", (col) => col.primaryKey().autoIncrement())
    case "postgres":
      return table.addColumn("id", "bigint", (col) => col.primaryKey().generatedByDefaultAsIdentity())
  }
}

const timestampType = (dialect: Dialect) =>
  dialect === "sqlite" ? "text" : dialect === "mysql" ? "varchar(32)" : "timestamptz"

/** Now, as the ISO-8601 string the store writes (millisecond precision, "Z"), or PostgreSQL's now(). */
const timestampNow = (dialect: Dialect) => {
  switch (dialect) {
    case "sqlite":
      return sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`
    case "mysql":
      return sql`(concat(substr(date_format(utc_timestamp(3), '%Y-%m-%dT%H:%i:%s.%f'), 1, 23), 'Z'))`
    case "postgres":
      return sql`now()`
  }
}

const timestampDefault = (dialect: Dialect) => (col: ColumnDefinitionBuilder) =>
  col.notNull().defaultTo(timestampNow(dialect))

const foreignKeyType = (dialect: Dialect) => (dialect === "sqlite" ? "integer" : "bigint")

const neatTables = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const fk = foreignKeyType(dialect)
    await withId(db.schema.createTable("hosts").ifNotExists(), dialect)
      .addColumn("hostname", "varchar(255)", (col) => col.notNull().unique())
      .addColumn("cpu_mhz", "integer", (col) => col.notNull())
      .addColumn("cpu_cores", "integer", (col) => col.notNull())
      .addColumn("ram", "integer", (col) => col.notNull())
      .execute()
    await withId(db.schema.createTable("vms").ifNotExists(), dialect)
      .addColumn("uuid", "varchar(36)", (col) => col.notNull().unique())
      .execute()
    const usage = [
      ["host_resource_usage", "host_id", "hosts", "cpu_mhz"],
      ["vm_resource_usage", "vm_id", "vms", "cpu_mhz"],
      ["host_states", "host_id", "hosts", "state"],
      ["host_overload", "host_id", "hosts", "overload"]
    ] as const
    for (const [table, owner, ownerTable, value] of usage) {
      await withId(db.schema.createTable(table).ifNotExists(), dialect)
        .addColumn(owner, fk, (col) => col.notNull().references(`${ownerTable}.id`).onDelete("cascade"))
        .addColumn("timestamp", timestampType(dialect), timestampDefault(dialect))
        .addColumn(value, "integer", (col) => col.notNull())
        .execute()
      // "Last n values of one owner" and the cleaner's "older than" are the hot queries.
      await db.schema.createIndex(`${table}_${owner}_id`).ifNotExists().on(table).columns([owner, "id"]).execute()
      await db.schema.createIndex(`${table}_timestamp`).ifNotExists().on(table).column("timestamp").execute()
    }
    await withId(db.schema.createTable("vm_migrations").ifNotExists(), dialect)
      .addColumn("vm_id", fk, (col) => col.notNull().references("vms.id").onDelete("cascade"))
      .addColumn("host_id", fk, (col) => col.notNull().references("hosts.id").onDelete("cascade"))
      .addColumn("timestamp", timestampType(dialect), timestampDefault(dialect))
      .execute()
  }
})

const decisions = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await withId(db.schema.createTable("decisions").ifNotExists(), dialect)
      .addColumn("time", timestampType(dialect), timestampDefault(dialect))
      .addColumn("host", "varchar(255)", (col) => col.notNull())
      .addColumn("reason", "varchar(32)", (col) => col.notNull())
      .addColumn("inputs", "text", (col) => col.notNull())
      .addColumn("placement", "text", (col) => col.notNull())
      .addColumn("migrations", "text", (col) => col.notNull())
      .addColumn("outcome", "varchar(64)", (col) => col.notNull())
      .addColumn("timings", "text", (col) => col.notNull())
      .execute()
    await db.schema.createIndex("decisions_host_id").ifNotExists().on("decisions").columns(["host", "id"]).execute()
    await db.schema.createIndex("decisions_time").ifNotExists().on("decisions").column("time").execute()
  }
})

/**
 * What the OpenStack adapter records beyond Neat's tables: every live-migration attempt, verified
 * power changes with their detail (including hosts that failed to wake, which Neat's 0/1
 * `host_states` cannot say), and the MAC address of each host for Wake-on-LAN. Hosts are named,
 * not referenced: the adapter may act on a host before its collector has registered it.
 */
const liveCloud = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await withId(db.schema.createTable("migration_attempts").ifNotExists(), dialect)
      .addColumn("vm", "varchar(36)", (col) => col.notNull())
      .addColumn("source", "varchar(255)", (col) => col.notNull())
      .addColumn("target", "varchar(255)", (col) => col.notNull())
      .addColumn("attempt", "integer", (col) => col.notNull())
      .addColumn("started_at", timestampType(dialect), (col) => col.notNull())
      .addColumn("finished_at", timestampType(dialect), (col) => col.notNull())
      .addColumn("result", "varchar(32)", (col) => col.notNull())
      .addColumn("last_host", "varchar(255)")
      .addColumn("last_status", "varchar(64)")
      .addColumn("detail", "text", (col) => col.notNull())
      .execute()
    await db.schema
      .createIndex("migration_attempts_vm_id")
      .ifNotExists()
      .on("migration_attempts")
      .columns(["vm", "id"])
      .execute()
    await withId(db.schema.createTable("host_power").ifNotExists(), dialect)
      .addColumn("host", "varchar(255)", (col) => col.notNull())
      .addColumn("state", "varchar(32)", (col) => col.notNull())
      .addColumn("timestamp", timestampType(dialect), (col) => col.notNull())
      .addColumn("detail", "text", (col) => col.notNull())
      .execute()
    await db.schema.createIndex("host_power_host_id").ifNotExists().on("host_power").columns(["host", "id"]).execute()
    await db.schema
      .createTable("host_macs")
      .ifNotExists()
      .addColumn("hostname", "varchar(255)", (col) => col.primaryKey())
      .addColumn("mac", "varchar(17)", (col) => col.notNull())
      .execute()
  }
})

/**
 * Where each VM ran: a row whenever a collector finds a VM on its host that was not there at its
 * previous interval (and for every VM at its start). With `vm_migrations`, it gives the placement
 * at any past time, from which the what-if replay starts. Rows are few (changes only) and are not
 * cleaned: a VM's latest row stays true until the next one.
 */
const vmPlacements = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const fk = foreignKeyType(dialect)
    await withId(db.schema.createTable("vm_placements").ifNotExists(), dialect)
      .addColumn("vm_id", fk, (col) => col.notNull().references("vms.id").onDelete("cascade"))
      .addColumn("host_id", fk, (col) => col.notNull().references("hosts.id").onDelete("cascade"))
      .addColumn("timestamp", timestampType(dialect), timestampDefault(dialect))
      .execute()
    await db.schema
      .createIndex("vm_placements_timestamp")
      .ifNotExists()
      .on("vm_placements")
      .column("timestamp")
      .execute()
  }
})

/**
 * The global manager's recommended plans (recommend mode), so that pending ones survive a restart
 * and can still be approved or expire. `id` is the id of the decision that recommended the plan;
 * `decision` and `fingerprint` are JSON documents, as in `decisions`.
 */
const plans = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("plans")
      .ifNotExists()
      .addColumn("id", foreignKeyType(dialect), (col) => col.primaryKey())
      .addColumn("created_at", timestampType(dialect), (col) => col.notNull())
      .addColumn("status", "varchar(16)", (col) => col.notNull())
      .addColumn("resolution", "text")
      .addColumn("executed_by", foreignKeyType(dialect))
      .addColumn("fingerprint", "text", (col) => col.notNull())
      .addColumn("decision", "text", (col) => col.notNull())
      .execute()
    await db.schema.createIndex("plans_status").ifNotExists().on("plans").columns(["status", "id"]).execute()
  }
})

/**
 * The intent log: the actions of each decision that executes, written pending before the first
 * one runs and settled as each lands (or by the reconciliation at the next start). The decision's
 * own row is written at the same time with outcome `executing`, and updated when it ends.
 */
const decisionActions = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await withId(db.schema.createTable("decision_actions").ifNotExists(), dialect)
      .addColumn("decision_id", foreignKeyType(dialect), (col) => col.notNull())
      .addColumn("kind", "varchar(16)", (col) => col.notNull())
      .addColumn("vm", "varchar(36)")
      .addColumn("source", "varchar(255)")
      .addColumn("host", "varchar(255)", (col) => col.notNull())
      .addColumn("state", "varchar(16)", (col) => col.notNull())
      .addColumn("detail", "text", (col) => col.notNull())
      .addColumn("updated_at", timestampType(dialect), (col) => col.notNull())
      .execute()
    await db.schema
      .createIndex("decision_actions_decision_id")
      .ifNotExists()
      .on("decision_actions")
      .columns(["decision_id", "id"])
      .execute()
    await db.schema
      .createIndex("decision_actions_state")
      .ifNotExists()
      .on("decision_actions")
      .columns(["state", "decision_id"])
      .execute()
    // The decisions still `executing` are read at every start.
    await db.schema
      .createIndex("decisions_outcome_id")
      .ifNotExists()
      .on("decisions")
      .columns(["outcome", "id"])
      .execute()
  }
})

/**
 * Plans merged per control interval: when the interval began, the plan that superseded a plan, and
 * a JSON document of its requests, its actions with their statuses (skipped ones included) and its
 * predicted effect. Plans kept from before have none; the book rebuilds them from their decision.
 */
const planDetails = (dialect: Dialect): Migration => ({
  // ADD COLUMN has no "if not exists" on SQLite or MySQL: a service that loses the race to migrate a
  // fresh store fails here and retries (openDatabase), finding the migration done.
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("plans").addColumn("interval_started_at", timestampType(dialect)).execute()
    await db.schema.alterTable("plans").addColumn("superseded_by", foreignKeyType(dialect)).execute()
    await db.schema.alterTable("plans").addColumn("details", "text").execute()
  }
})

/** Every migration, keyed by a name that sorts in the order they must run. */
export const storeMigrations = (dialect: Dialect): Record<string, Migration> => ({
  "0001_neat_tables": neatTables(dialect),
  "0002_decisions": decisions(dialect),
  "0003_live_cloud": liveCloud(dialect),
  "0004_vm_placements": vmPlacements(dialect),
  "0005_plans": plans(dialect),
  "0006_decision_actions": decisionActions(dialect),
  "0007_plan_details": planDetails(dialect)
})
