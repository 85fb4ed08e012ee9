/**
 * Where each VM ran over time: the collectors record a VM when it appears on their host
 * (`vm_placements`), the global manager records each migration's destination (`vm_migrations`).
 * The newest of either at a given time is where the VM ran then.
 */
import { Effect } from "effect"
import type { Kysely } from "kysely"
import { UnknownHost } from "../../core/errors.js"
import type { StoreService } from "./Store.js"
import { type Db, inBatches, readTime, run, withNow, writeTime } from "./storeQueries.js"
import type { StoreTables } from "./Tables.js"

export type VmPlacementRecords = Pick<StoreService, "insertVmPlacements" | "selectVmHostsAt">

/**
 * Each VM's host at `atMs` (epoch ms): its newest placement or migration at or before then, as
 * VM UUID → host name. With `untilMs`, a VM with no record by `atMs` gets its first one before
 * `untilMs` (a VM first seen later in a window). VMs with no record are absent.
 */
export const vmHostsAt = async (db: Db, atMs: number, untilMs = atMs): Promise<Map<string, string>> => {
  const until = writeTime(untilMs)
  const placed = await db
    .selectFrom("vm_placements")
    .innerJoin("vms", "vms.id", "vm_placements.vm_id")
    .innerJoin("hosts", "hosts.id", "vm_placements.host_id")
    .select(["vms.uuid", "hosts.hostname", "vm_placements.timestamp"])
    .where("vm_placements.timestamp", "<=", until)
    .execute()
  const migrated = await db
    .selectFrom("vm_migrations")
    .innerJoin("vms", "vms.id", "vm_migrations.vm_id")
    .innerJoin("hosts", "hosts.id", "vm_migrations.host_id")
    .select(["vms.uuid", "hosts.hostname", "vm_migrations.timestamp"])
    .where("vm_migrations.timestamp", "<=", until)
    .execute()
  // Oldest first, so the newest record of each VM by `atMs` is written last; on a tie a migration
  // wins (the manager's record of a move, which the collector's may trail by an interval).
  const rows = [
    ...placed.map((row) => ({ ...row, ms: readTime(row.timestamp).getTime(), rank: 0 })),
    ...migrated.map((row) => ({ ...row, ms: readTime(row.timestamp).getTime(), rank: 1 }))
  ].sort((a, b) => a.ms - b.ms || a.rank - b.rank)
  const atStart = new Map<string, string>()
  const later = new Map<string, string>()
  for (const row of rows) {
    if (row.ms <= atMs) atStart.set(row.uuid, row.hostname)
    else if (!later.has(row.uuid)) later.set(row.uuid, row.hostname)
  }
  for (const [uuid, host] of later) if (!atStart.has(uuid)) atStart.set(uuid, host)
  return atStart
}

/** The placement operations of the store; `vmIds` registers VMs and returns their ids. */
export const makeVmPlacements = (
  db: Kysely<StoreTables>,
  vmIds: (tx: Db, uuids: ReadonlyArray<string>) => Promise<Map<string, number>>
): VmPlacementRecords => ({
  insertVmPlacements: (hostname, uuids) =>
    Effect.flatMap(
      withNow("insertVmPlacements", (now) =>
        db.transaction().execute(async (tx) => {
          const host = await tx.selectFrom("hosts").select("id").where("hostname", "=", hostname).executeTakeFirst()
          if (host === undefined) return false
          if (uuids.length === 0) return true
          const ids = await vmIds(tx, uuids)
          const rows = [...new Set(uuids)].map((uuid) => ({
            vm_id: ids.get(uuid)!,
            host_id: Number(host.id),
            timestamp: now
          }))
          await inBatches(rows, async (chunk) => {
            await tx.insertInto("vm_placements").values(chunk).execute()
          })
          return true
        })
      ),
      (found) => (found ? Effect.void : Effect.fail(new UnknownHost({ host: hostname })))
    ),
  selectVmHostsAt: (at) => run("selectVmHostsAt", async () => Object.fromEntries(await vmHostsAt(db, at.getTime())))
})
