/** What the OpenStack adapter records in the store: migration attempts, host power changes, MACs. */
import type { Kysely, Selectable } from "kysely"
import type { StoreService } from "./Store.js"
import { readTime, run } from "./storeQueries.js"
import type { HostPowerTable, MigrationAttemptsTable, StoreTables } from "./Tables.js"

export type LiveCloudRecords = Pick<
  StoreService,
  | "insertMigrationAttempt"
  | "listMigrationAttempts"
  | "insertHostPower"
  | "selectLatestHostPower"
  | "updateHostMac"
  | "selectHostMac"
>

const readAttempt = (row: Selectable<MigrationAttemptsTable>) => ({
  vm: row.vm,
  source: row.source,
  target: row.target,
  attempt: Number(row.attempt),
  startedAt: readTime(row.started_at),
  finishedAt: readTime(row.finished_at),
  result: row.result,
  lastHost: row.last_host ?? undefined,
  lastStatus: row.last_status ?? undefined,
  detail: row.detail
})

const readPower = (row: Selectable<HostPowerTable>) => ({
  host: row.host,
  state: row.state,
  timestamp: readTime(row.timestamp),
  detail: row.detail
})

export const makeLiveCloudRecords = (db: Kysely<StoreTables>): LiveCloudRecords => ({
  insertMigrationAttempt: (attempt) =>
    run("insertMigrationAttempt", async () => {
      await db
        .insertInto("migration_attempts")
        .values({
          vm: attempt.vm,
          source: attempt.source,
          target: attempt.target,
          attempt: attempt.attempt,
          started_at: attempt.startedAt.toISOString(),
          finished_at: attempt.finishedAt.toISOString(),
          result: attempt.result,
          last_host: attempt.lastHost ?? null,
          last_status: attempt.lastStatus ?? null,
          detail: attempt.detail
        })
        .execute()
    }),

  listMigrationAttempts: (vm, limit = 1000) =>
    run("listMigrationAttempts", async () => {
      let select = db.selectFrom("migration_attempts").selectAll()
      if (vm !== undefined) select = select.where("vm", "=", vm)
      const rows = await select
        .orderBy("id", "desc")
        .limit(Math.max(1, Math.floor(limit)))
        .execute()
      return rows.reverse().map(readAttempt)
    }),

  insertHostPower: (row) =>
    run("insertHostPower", async () => {
      await db
        .insertInto("host_power")
        .values({ host: row.host, state: row.state, timestamp: row.timestamp.toISOString(), detail: row.detail })
        .execute()
    }),

  selectLatestHostPower: (host) =>
    run("selectLatestHostPower", async () => {
      const row = await db
        .selectFrom("host_power")
        .selectAll()
        .where("host", "=", host)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : readPower(row)
    }),

  updateHostMac: (host, mac) =>
    run("updateHostMac", async () => {
      await db
        .insertInto("host_macs")
        .values({ hostname: host, mac })
        .onConflict((oc) => oc.column("hostname").doUpdateSet({ mac }))
        .execute()
    }),

  selectHostMac: (host) =>
    run("selectHostMac", async () => {
      const row = await db.selectFrom("host_macs").select("mac").where("hostname", "=", host).executeTakeFirst()
      return row?.mac
    })
})
