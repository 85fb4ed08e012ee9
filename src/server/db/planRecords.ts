/** The store's `plans` table: the global manager's recommended plans, kept across restarts. */
import type { Kysely, Selectable } from "kysely"
import type { StoredPlan, StoreService } from "./Store.js"
import { inBatches, readTime, run } from "./storeQueries.js"
import type { PlansTable, StoreTables } from "./Tables.js"

export type PlanRecords = Pick<StoreService, "upsertPlan" | "listPlans" | "countPlans" | "deletePlans">

const readPlan = (row: Selectable<PlansTable>): StoredPlan => ({
  id: Number(row.id),
  createdAt: readTime(row.created_at),
  status: row.status,
  resolution: row.resolution ?? undefined,
  executedBy: row.executed_by === null ? undefined : Number(row.executed_by),
  fingerprint: JSON.parse(row.fingerprint),
  decision: JSON.parse(row.decision),
  // Absent, not undefined, in plans kept from before 0007.
  ...(row.interval_started_at === null ? {} : { intervalStartedAt: readTime(row.interval_started_at) }),
  ...(row.superseded_by === null ? {} : { supersededBy: Number(row.superseded_by) }),
  ...(row.details === null ? {} : { details: JSON.parse(row.details) })
})

export const makePlanRecords = (db: Kysely<StoreTables>): PlanRecords => ({
  upsertPlan: (plan) =>
    run("upsertPlan", async () => {
      // A plan merging another request grows its fingerprint and actions: those change too.
      const changes = {
        status: plan.status,
        resolution: plan.resolution ?? null,
        executed_by: plan.executedBy ?? null,
        superseded_by: plan.supersededBy ?? null,
        fingerprint: JSON.stringify(plan.fingerprint),
        details: plan.details === undefined ? null : JSON.stringify(plan.details)
      }
      await db
        .insertInto("plans")
        .values({
          id: plan.id,
          created_at: plan.createdAt.toISOString(),
          interval_started_at: plan.intervalStartedAt?.toISOString() ?? null,
          decision: JSON.stringify(plan.decision),
          ...changes
        })
        .onConflict((oc) => oc.column("id").doUpdateSet(changes))
        .execute()
    }),
  listPlans: () =>
    run("listPlans", async () => (await db.selectFrom("plans").selectAll().orderBy("id").execute()).map(readPlan)),
  countPlans: (status) =>
    run("countPlans", async () => {
      const base = db.selectFrom("plans").select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
      const row = await (status === undefined ? base : base.where("status", "=", status)).executeTakeFirst()
      return Number(row?.n ?? 0)
    }),
  deletePlans: (ids) =>
    run("deletePlans", async () => {
      await inBatches(ids, async (chunk) => {
        await db.deleteFrom("plans").where("id", "in", chunk).execute()
      })
    })
})
