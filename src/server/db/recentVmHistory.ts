/**
 * The last n CPU values of many VMs in one statement, the query the global manager leans on. It is
 * the one query written per dialect, because SQLite and MariaDB have no LATERAL join.
 */
import type { Kysely } from "kysely"
import type { StoreConnection } from "../../core/StoreConnection.js"
import type { StoreTables } from "./Tables.js"

/** PostgreSQL: a LATERAL subquery per VM reads its n newest rows backwards along (vm_id, id). */
const recentPostgres = (db: Kysely<StoreTables>, uuids: ReadonlyArray<string>, n: number) =>
  db
    .selectFrom("vms")
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("vm_resource_usage")
          .select(["vm_resource_usage.id", "vm_resource_usage.cpu_mhz"])
          .whereRef("vm_resource_usage.vm_id", "=", "vms.id")
          .orderBy("vm_resource_usage.id", "desc")
          .limit(n)
          .as("recent"),
      (join) => join.onTrue()
    )
    .select(["vms.uuid", "recent.cpu_mhz"])
    .where("vms.uuid", "in", uuids)
    .orderBy("recent.id", "asc")
    .execute()

/**
 * SQLite and MySQL (no LATERAL in SQLite and MariaDB): per VM, the id of its n-th newest row (one index seek each) bounds a range
 * scan on (vm_id, id).
 */
const recentSqlite = (db: Kysely<StoreTables>, uuids: ReadonlyArray<string>, n: number) => {
  const bounds = db
    .selectFrom("vms")
    .select((eb) => [
      "vms.id",
      "vms.uuid",
      eb
        .selectFrom("vm_resource_usage as older")
        .select("older.id")
        .whereRef("older.vm_id", "=", "vms.id")
        .orderBy("older.id", "desc")
        .limit(1)
        .offset(n - 1)
        .as("since")
    ])
    .where("vms.uuid", "in", uuids)
  return db
    .selectFrom(bounds.as("bounds"))
    .innerJoin("vm_resource_usage", "vm_resource_usage.vm_id", "bounds.id")
    .select(["bounds.uuid", "vm_resource_usage.cpu_mhz"])
    .where((eb) => eb("vm_resource_usage.id", ">=", eb.fn.coalesce("bounds.since", eb.lit(0))))
    .orderBy("vm_resource_usage.id", "asc")
    .execute()
}

/** The last `n` values of each VM in `uuids`, as (uuid, MHz) rows, oldest first. */
export const recentVmHistory = (
  db: Kysely<StoreTables>,
  dialect: StoreConnection["dialect"],
  uuids: ReadonlyArray<string>,
  n: number
): Promise<ReadonlyArray<{ readonly uuid: string; readonly cpu_mhz: number }>> =>
  dialect === "postgres" ? recentPostgres(db, uuids, n) : recentSqlite(db, uuids, n)
