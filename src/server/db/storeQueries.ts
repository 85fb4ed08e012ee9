/** Pieces shared by the Store's query modules. */
import { Clock, Effect } from "effect"
import { type Insertable, type Kysely, sql, type Transaction } from "kysely"
import { type StoreError, toStoreError } from "./StoreError.js"
import type { StoreTables } from "./Tables.js"

export type Db = Kysely<StoreTables> | Transaction<StoreTables>

/** Rows or ids per statement in bulk operations: far below both dialects' bound-parameter limits. */
export const batchSize = 500

/** Runs `each` on consecutive chunks of at most `batchSize` items, one after the other. */
export const inBatches = async <A>(
  items: ReadonlyArray<A>,
  each: (chunk: Array<A>) => Promise<void>
): Promise<void> => {
  for (let start = 0; start < items.length; start += batchSize) await each(items.slice(start, start + batchSize))
}

/** Tables with an identity `id` column. */
type TableWithId = {
  [T in keyof StoreTables]: StoreTables[T] extends { readonly id: unknown } ? T : never
}[keyof StoreTables]

/**
 * Inserts one row and gives its new id: through RETURNING where the database has it (SQLite,
 * PostgreSQL), through the driver's insert id on MySQL, which has no RETURNING.
 */
export const insertReturningId = async <T extends TableWithId>(
  db: Db,
  table: T,
  row: Insertable<StoreTables[T]>
): Promise<number> => {
  const insert = db.insertInto(table).values(row as never)
  if (db.getExecutor().adapter.supportsReturning) {
    const returned = await insert.returning(sql<number>`id`.as("id")).executeTakeFirstOrThrow()
    return Number(returned.id)
  }
  const result = await insert.executeTakeFirstOrThrow()
  return Number(result.insertId)
}

/** SQLite hands timestamps back as the ISO strings we wrote; PostgreSQL as Dates. */
export const readTime = (value: string | Date): Date => (value instanceof Date ? value : new Date(value))
export const writeTime = (ms: number): string => new Date(ms).toISOString()

/** Runs one database call, wrapping what it throws into a StoreError naming `operation`. */
export const run = <A>(operation: string, query: () => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: query, catch: toStoreError(operation) })

/** Like `run`, with the Clock's current time as an ISO timestamp. */
export const withNow = <A>(operation: string, query: (now: string) => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.flatMap(Clock.currentTimeMillis, (ms) => run(operation, () => query(writeTime(ms))))

/** A VM's row id, registering the VM when it is new. */
export const registeredVmId = async (tx: Db, uuid: string): Promise<number> => {
  await tx
    .insertInto("vms")
    .values({ uuid })
    .onConflict((oc) => oc.column("uuid").doNothing())
    .execute()
  const row = await tx.selectFrom("vms").select("id").where("uuid", "=", uuid).executeTakeFirstOrThrow()
  return Number(row.id)
}
