/** The store's `plans` table: the global manager's recommended plans, kept across restarts. */
import type { Kysely, Selectable } from "kysely"
import type { StoredPlan, StoreService } from "./Store.js"
import { inBatches, readTime, run } from "./storeQueries.js"
import type { PlansTable, StoreTables } from "./Tables.js"

export type PlanRecords = Pick<StoreService, "upsertPlan" | "listPlans" | "deletePlans">

const readPlan = (row: Selectable<PlansTable>): StoredPlan => ({
  id: Number(row.id),
  createdAt: readTime(row.created_at),
  status: row.status,
  resolution: row.resolution ?? undefined,
  executedBy: row.executed_by === null ? undefined : Number(row.executed_by),
  fingerprint: JSON.parse(row.fingerprint),
  decision: JSON.parse(row.decision)
})

export const makePlanRecords = (db: Kysely<StoreTables>): PlanRecords => ({
  upsertPlan: (plan) =>
    run("upsertPlan", async () => {
      const changes = {
        status: plan.status,
        resolution: plan.resolution ?? null,
        executed_by: plan.executedBy ?? null
      }
      await db
        .insertInto("plans")
        .values({
          id: plan.id,
          created_at: plan.createdAt.toISOString(),
          fingerprint: JSON.stringify(plan.fingerprint),
          decision: JSON.stringify(plan.decision),
          ...changes
        })
        .onConflict((oc) => oc.column("id").doUpdateSet(changes))
        .execute()
    }),
  listPlans: () =>
    run("listPlans", async () => (await db.selectFrom("plans").selectAll().orderBy("id").execute()).map(readPlan)),
  deletePlans: (ids) =>
    run("deletePlans", async () => {
      await inBatches(ids, async (chunk) => {
        await db.deleteFrom("plans").where("id", "in", chunk).execute()
      })
    })
})
