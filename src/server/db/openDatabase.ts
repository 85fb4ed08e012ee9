/**
 * Opens the store's database as a scoped Kysely instance and brings its schema up to date.
 * SQLite runs in WAL mode and waits for locks without blocking the event loop (`sqliteBusyRetry.ts`),
 * so a collector and a manager on one host can share a file, and a backup can hold it for a while; PostgreSQL BIGINT and NUMERIC come back as numbers rather than pg's default strings.
 * MySQL and MariaDB go through mysql2 and `mysqlDialect.ts`, which takes the same queries.
 */
import Database from "better-sqlite3"
import { Effect, Runtime, Schedule, type Scope } from "effect"
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect } from "kysely"
import mysql from "mysql2"
import pg from "pg"
import { type StoreConnection, sqliteInMemory } from "../../core/StoreConnection.js"
import { storeMigrations } from "./migrations.js"
import { portableMysqlDialect } from "./mysqlDialect.js"
import { StoreError, toStoreError } from "./StoreError.js"
import { BusyRetryingSqliteDialect, sqliteBusyTimeoutMs } from "./sqliteBusyRetry.js"
import { withStatementCache } from "./statementCache.js"
import type { StoreTables } from "./Tables.js"

export interface OpenOptions {
  /**
   * PostgreSQL only: the schema the tables live in (created when missing). Lets several deployments,
   * or test runs, share one database.
   */
  readonly pgSchema?: string | undefined
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/

const parseBigint = (value: string): number => Number(value)

/** pg type parsers: int8 (BIGINT, COUNT) and numeric as JS numbers; every id and count stays well below 2^53. */
const getTypeParser = ((oid: number, format?: "text" | "binary") => {
  if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return parseBigint
  return pg.types.getTypeParser(oid, format)
}) as typeof pg.types.getTypeParser

const openSqlite = (path: string): Effect.Effect<Kysely<StoreTables>, StoreError> =>
  Effect.try({
    try: () => {
      const database = new Database(path)
      try {
        database.pragma("busy_timeout = 5000")
        database.pragma("foreign_keys = ON")
        if (path !== sqliteInMemory) {
          database.pragma("journal_mode = WAL")
          // SQLite's advice for WAL: a commit no longer waits for the disk, so the global manager
          // records a decision in microseconds. An application crash loses nothing; a power cut
          // may lose the last commits, never the database's consistency.
          database.pragma("synchronous = NORMAL")
        }
        // From now on a lock is waited for asynchronously (sqliteBusyRetry.ts): the process keeps answering.
        database.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`)
      } catch (error) {
        database.close()
        throw error
      }
      return new Kysely<StoreTables>({
        dialect: new BusyRetryingSqliteDialect({ database: withStatementCache(database) })
      })
    },
    catch: toStoreError(`open sqlite ${path}`)
  })

const openPostgres = (url: string, options: OpenOptions): Effect.Effect<Kysely<StoreTables>, StoreError> =>
  Effect.gen(function* () {
    const schema = options.pgSchema
    if (schema !== undefined && !schemaName.test(schema)) {
      return yield* new StoreError({ operation: "open", message: `invalid PostgreSQL schema name '${schema}'` })
    }
    if (schema !== undefined) {
      yield* Effect.tryPromise({
        try: async () => {
          const client = new pg.Client({ connectionString: url })
          await client.connect()
          try {
            await client.query(`create schema if not exists "${schema}"`)
          } finally {
            await client.end()
          }
        },
        catch: toStoreError("open postgresql")
      })
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      types: { getTypeParser },
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` })
    })
    // An idle connection the server ends (a restart, pg_terminate_backend) is an 'error' event:
    // unheard, it would end the process. The pool drops that client and opens a new one when next
    // needed, so the store reconnects by itself; the next query that finds the server down fails
    // (503 for a decision) until it is back.
    const runtime = yield* Effect.runtime<never>()
    pool.on("error", (error) => {
      Runtime.runFork(runtime)(
        Effect.logWarning(
          `a PostgreSQL connection was lost (${error.message}); the store reconnects when next needed`
        ).pipe(Effect.annotateLogs({ service: "Store" }))
      )
    })
    return new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) })
  })

/** mysql2's pool options from a `mysql://` URL (SQLAlchemy's `unix_socket` and `charset` understood). */
const mysqlPoolOptions = (url: string): mysql.PoolOptions => {
  const parsed = new URL(url)
  const socketPath = parsed.searchParams.get("unix_socket")
  return {
    ...(socketPath === null
      ? { host: parsed.hostname, port: parsed.port === "" ? 3306 : Number(parsed.port) }
      : { socketPath }),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    charset: "utf8mb4_bin",
    // Every id and count stays well below 2^53, and DECIMAL results (sums, averages) are numbers.
    decimalNumbers: true,
    connectionLimit: 10
  }
}

const openMysql = (url: string): Effect.Effect<Kysely<StoreTables>, StoreError> =>
  Effect.try({
    try: () =>
      new Kysely<StoreTables>({ dialect: portableMysqlDialect({ pool: mysql.createPool(mysqlPoolOptions(url)) }) }),
    catch: toStoreError("open mysql")
  })

const openConnection = (
  connection: StoreConnection,
  options: OpenOptions
): Effect.Effect<Kysely<StoreTables>, StoreError> => {
  switch (connection.dialect) {
    case "sqlite":
      return openSqlite(connection.path)
    case "postgres":
      return openPostgres(connection.url, options)
    case "mysql":
      return openMysql(connection.url)
  }
}

const migrate = (
  db: Kysely<StoreTables>,
  dialect: StoreConnection["dialect"],
  pgSchema: string | undefined
): Effect.Effect<void, StoreError> => {
  const migrations = storeMigrations(dialect)
  const provider: MigrationProvider = {
    getMigrations: (): Promise<Record<string, Migration>> => Promise.resolve(migrations)
  }
  return Effect.tryPromise({
    // Kysely looks for its migration tables in every schema unless told which: with a schema of
    // our own, another schema's tables would be taken for ours and ours never created.
    try: () =>
      new Migrator({
        db,
        provider,
        ...(dialect === "postgres" && pgSchema !== undefined ? { migrationTableSchema: pgSchema } : {})
      }).migrateToLatest(),
    catch: toStoreError("migrate")
  }).pipe(
    Effect.flatMap(({ error, results }) => {
      if (error === undefined) return Effect.void
      const failed = results?.find((result) => result.status === "Error")?.migrationName
      return Effect.fail(toStoreError(`migrate${failed === undefined ? "" : ` ${failed}`}`)(error))
    })
  )
}

/** The database, migrated; destroyed (pool ended, file closed) when the scope closes. */
export const openDatabase = (
  connection: StoreConnection,
  options: OpenOptions = {}
): Effect.Effect<Kysely<StoreTables>, StoreError, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(openConnection(connection, options), (db) =>
      Effect.promise(() => db.destroy()).pipe(Effect.orElse(() => Effect.void))
    )
    // Another service may be migrating the same database right now: give it time to finish.
    yield* migrate(db, connection.dialect, options.pgSchema).pipe(
      Effect.retry({ times: 5, schedule: Schedule.exponential("100 millis") })
    )
    return db
  })
