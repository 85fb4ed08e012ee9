/** The decision log and the migration history: what the global manager records and its API lists. */
import type { Kysely, Selectable } from "kysely"
import type {
  DecisionQuery,
  DecisionReason,
  DecisionRecord,
  MigrationQuery,
  StoredDecision,
  StoreService
} from "./Store.js"
import { type Db, insertReturningId, readTime, run } from "./storeQueries.js"
import type { DecisionsTable, StoreTables } from "./Tables.js"

const maxPage = 1000
const defaultPage = 100

const pageLimit = (limit: number | undefined): number =>
  limit === undefined || !Number.isFinite(limit) ? defaultPage : Math.min(maxPage, Math.max(1, Math.floor(limit)))
const pageOffset = (offset: number | undefined): number =>
  offset === undefined || !Number.isFinite(offset) ? 0 : Math.max(0, Math.floor(offset))

const readReason = (value: string): DecisionReason => (value === "overload" ? "overload" : "underload")

const parseJson = (text: string): unknown => JSON.parse(text)
const toJson = (value: unknown): string => JSON.stringify(value ?? null)

/** A decision's columns (all but its id), as every writer stores them. */
export const decisionColumns = (decision: DecisionRecord) => ({
  time: decision.time.toISOString(),
  host: decision.host,
  reason: decision.reason,
  inputs: toJson(decision.inputs),
  placement: toJson(decision.placement),
  migrations: toJson(decision.migrations),
  outcome: decision.outcome,
  timings: toJson(decision.timings)
})

/** Inserts a decision through `db` (the store, or a transaction); its id. */
export const insertDecisionRow = async (db: Db, decision: DecisionRecord): Promise<number> => {
  return insertReturningId(db, "decisions", decisionColumns(decision))
}

export const readDecision = (row: Selectable<DecisionsTable>): StoredDecision => ({
  id: Number(row.id),
  time: readTime(row.time),
  host: row.host,
  reason: readReason(row.reason),
  inputs: parseJson(row.inputs),
  placement: parseJson(row.placement),
  migrations: parseJson(row.migrations),
  outcome: row.outcome,
  timings: parseJson(row.timings)
})

export type DecisionLog = Pick<
  StoreService,
  "insertDecision" | "listDecisions" | "countDecisions" | "selectDecision" | "listMigrations" | "countMigrations"
>

export const makeDecisionLog = (db: Kysely<StoreTables>): DecisionLog => {
  const decisionFilter = (query: DecisionQuery) => {
    let select = db.selectFrom("decisions")
    if (query.host !== undefined) select = select.where("host", "=", query.host)
    if (query.reason !== undefined) select = select.where("reason", "=", query.reason)
    if (query.outcome !== undefined) select = select.where("outcome", "=", query.outcome)
    if (query.since !== undefined) select = select.where("time", ">=", query.since.toISOString())
    if (query.until !== undefined) select = select.where("time", "<", query.until.toISOString())
    return select
  }

  const migrationFilter = (query: MigrationQuery) => {
    let select = db
      .selectFrom("vm_migrations")
      .innerJoin("vms", "vms.id", "vm_migrations.vm_id")
      .innerJoin("hosts", "hosts.id", "vm_migrations.host_id")
    if (query.vm !== undefined) select = select.where("vms.uuid", "=", query.vm)
    if (query.host !== undefined) select = select.where("hosts.hostname", "=", query.host)
    if (query.since !== undefined) select = select.where("vm_migrations.timestamp", ">=", query.since.toISOString())
    if (query.until !== undefined) select = select.where("vm_migrations.timestamp", "<", query.until.toISOString())
    return select
  }

  return {
    insertDecision: (decision) => run("insertDecision", () => insertDecisionRow(db, decision)),

    listDecisions: (query = {}) =>
      run("listDecisions", async () => {
        const rows = await decisionFilter(query)
          .selectAll()
          .orderBy("id", "desc")
          .limit(pageLimit(query.limit))
          .offset(pageOffset(query.offset))
          .execute()
        return rows.map(readDecision)
      }),

    countDecisions: (query = {}) =>
      run("countDecisions", async () => {
        const row = await decisionFilter(query)
          .select((eb) => eb.fn.countAll().as("count"))
          .executeTakeFirstOrThrow()
        return Number(row.count)
      }),

    selectDecision: (id) =>
      run("selectDecision", async () => {
        const row = await db.selectFrom("decisions").selectAll().where("id", "=", id).executeTakeFirst()
        return row === undefined ? undefined : readDecision(row)
      }),

    countMigrations: (query: MigrationQuery = {}) =>
      run("countMigrations", async () => {
        const row = await migrationFilter(query)
          .select((eb) => eb.fn.countAll().as("count"))
          .executeTakeFirstOrThrow()
        return Number(row.count)
      }),

    listMigrations: (query: MigrationQuery = {}) =>
      run("listMigrations", async () => {
        const select = migrationFilter(query).select([
          "vm_migrations.id",
          "vms.uuid",
          "hosts.hostname",
          "vm_migrations.timestamp"
        ])
        const rows = await select
          .orderBy("vm_migrations.id", "desc")
          .limit(pageLimit(query.limit))
          .offset(pageOffset(query.offset))
          .execute()
        return rows.map((row) => ({
          id: Number(row.id),
          vm: row.uuid,
          host: row.hostname,
          timestamp: readTime(row.timestamp)
        }))
      })
  }
}
