/**
 * The results store of sweeps: one `sweep_results` row per finished job, keyed by the job key, with
 * one column per metric, the VM order it ran in, the hosts file of its data centre and its sampled
 * timeline (JSON); one `sweep_statistics` row per grid with its
 * latest statistics (summary.json). A SQLite file for one machine, or a PostgreSQL database that
 * the shards of a distributed sweep share (rows merge there; a job already present is never run
 * again).
 */
import { createHash } from "node:crypto"
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { Data, Effect, Either, Option, type Scope } from "effect"
import { Kysely, PostgresDialect, SqliteDialect } from "kysely"
import pg from "pg"
import { describeStoreConnection, parseStoreConnection, sqliteInMemory } from "../../../core/StoreConnection.js"
import { plainTimeline, type SampledTimeline } from "../report/sampledTimeline.js"
import type { SimulationMetrics } from "../SimulationResult.js"
import { METRIC_COLUMNS, OPTIONAL_METRIC_COLUMNS, optionalMetric } from "./metricColumns.js"
import type { HostsFileRef, ParamValue, SweepJob, SweepResult } from "./SweepJob.js"
import type { SweepStatistics } from "./statistics/SweepStatistics.js"

/** The store could not be opened, read or written. */
export class SweepStoreError extends Data.TaggedError("SweepStoreError")<{
  readonly store: string
  readonly message: string
  readonly cause?: unknown
}> {}

type MetricColumn = (typeof METRIC_COLUMNS)[number][1] | (typeof OPTIONAL_METRIC_COLUMNS)[number][1]

/** NaN (e.g. no host ever shut down) is stored as NULL. */
type SweepResultsTable = { [column in MetricColumn]: number | null } & {
  key: string
  job_index: number
  policy: string
  params: string
  trace: string
  /** `{"file","sha256"}` as JSON, or NULL for the default order. */
  vm_order: string | null
  /** `{"file","sha256","hosts"}` as JSON, or NULL for CloudSim's G4/G5 hosts (`hosts` of them). */
  hosts_file: string | null
  /** The synthetic arrivals, every setting written out (`rate=40,lifetime=exponential,mean=24`), or NULL for none. */
  arrivals: string | null
  /** The run's sampled timeline as JSON (`{"timeSec","activeHosts","powerW","migrations"}`), or NULL. */
  timeline: string | null
  finished_at: string
}

interface SweepStatisticsTable {
  /** `gridKey` of the grid's jobs. */
  grid_key: string
  baseline: string | null
  /** How many results the statistics were computed from. */
  results: number
  computed_at: string
  /** summary.json's content. */
  statistics: string
}

interface SweepDatabase {
  sweep_results: SweepResultsTable
  sweep_statistics: SweepStatisticsTable
}

/** Statistics as kept in the store. */
export interface StoredStatistics {
  readonly baseline: string | undefined
  readonly results: number
  readonly computedAt: string
  readonly statistics: SweepStatistics
}

export interface SweepStore {
  /** The store for people: a file, or a PostgreSQL URL without its password. */
  readonly name: string
  /** Which of these keys already have a result. */
  readonly finishedKeys: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlySet<string>, SweepStoreError>
  /** Saves a result; a result already stored under the same key is kept. */
  readonly save: (result: SweepResult) => Effect.Effect<void, SweepStoreError>
  /** The stored results of these jobs, in the jobs' order (jobs without a result are left out). */
  readonly load: (jobs: ReadonlyArray<SweepJob>) => Effect.Effect<ReadonlyArray<SweepResult>, SweepStoreError>
  /** Every stored result, by job index then key (VM orders without their paths). */
  readonly loadAll: () => Effect.Effect<ReadonlyArray<SweepResult>, SweepStoreError>
  /** Keeps a grid's statistics, replacing the ones kept before. */
  readonly saveStatistics: (gridKey: string, stored: StoredStatistics) => Effect.Effect<void, SweepStoreError>
  /** A grid's statistics, when kept. */
  readonly loadStatistics: (gridKey: string) => Effect.Effect<Option.Option<StoredStatistics>, SweepStoreError>
}

export interface SweepStoreOptions {
  /** PostgreSQL schema holding the table (created when missing); the connection's default otherwise. */
  readonly schema?: string | undefined
}

/** A PostgreSQL URL without its password, or the SQLite file. */
export const storeName = (target: string): string =>
  Either.match(parseStoreConnection(target), {
    // Never show what might be a password.
    onLeft: () => (/^postgres/i.test(target.trim()) ? "postgresql://(unparsable URL)" : target.trim()),
    onRight: (connection) => (connection.dialect === "sqlite" ? connection.path : describeStoreConnection(connection))
  })

const toColumn = (value: number): number | null => (Number.isFinite(value) ? value : null)
const toMetric = (value: number | string | null): number => (value === null ? Number.NaN : Number(value))

/** The metrics of a row; an optional metric only when it has a value (rows saved before its column existed have none). */
const rowMetrics = (row: SweepResultsTable): SimulationMetrics =>
  Object.fromEntries([
    ...METRIC_COLUMNS.map(([metric, column]) => [metric, toMetric(row[column])]),
    ...OPTIONAL_METRIC_COLUMNS.flatMap(([metric, column]) => {
      const value = row[column]
      return value === null || value === undefined ? [] : [[metric, Number(value)]]
    })
  ]) as unknown as SimulationMetrics

/** Every metric column of a result: NaN or absent is NULL. */
const metricCells = (metrics: SimulationMetrics): { [column in MetricColumn]: number | null } =>
  Object.fromEntries([
    ...METRIC_COLUMNS.map(([metric, column]) => [column, toColumn(metrics[metric])]),
    ...OPTIONAL_METRIC_COLUMNS.map(([metric, column]) => [column, toColumn(optionalMetric(metrics, metric))])
  ]) as { [column in MetricColumn]: number | null }

/** JSON writes a non-finite number as null; it is read back as NaN. */
const timelineSeries = (value: unknown): ReadonlyArray<number> =>
  Array.isArray(value) ? value.map((item) => (typeof item === "number" ? item : Number.NaN)) : []

/** A stored timeline column (NULL for rows saved without one, or before the column existed). */
const parseStoredTimeline = (text: string | null | undefined): SampledTimeline | undefined => {
  if (text === null || text === undefined) return undefined
  const parsed = JSON.parse(text) as Record<string, unknown>
  return {
    timeSec: timelineSeries(parsed.timeSec),
    activeHosts: timelineSeries(parsed.activeHosts),
    powerW: timelineSeries(parsed.powerW),
    migrations: timelineSeries(parsed.migrations)
  }
}

/** The timeline as stored: plain arrays, whatever array type the runner produced. */
const storedTimeline = (timeline: SampledTimeline | undefined): string | null =>
  timeline === undefined ? null : JSON.stringify(plainTimeline(timeline))

/** The metrics and, when stored, the timeline of a row. */
const rowOutcome = (row: SweepResultsTable): Pick<SweepResult, "metrics" | "timeline"> => {
  const timeline = parseStoredTimeline(row.timeline)
  return timeline === undefined ? { metrics: rowMetrics(row) } : { metrics: rowMetrics(row), timeline }
}

/** A stored row as a result; its job carries what was recorded (no VM order path). */
const rowResult = (row: SweepResultsTable): SweepResult => {
  const params = JSON.parse(row.params) as Record<string, ParamValue>
  const job: SweepJob = { key: row.key, index: Number(row.job_index), policy: row.policy, params, trace: row.trace }
  const vmOrder = row.vm_order === null ? undefined : (JSON.parse(row.vm_order) as { file: string; sha256: string })
  const hostsFile =
    row.hosts_file === null || row.hosts_file === undefined ? undefined : (JSON.parse(row.hosts_file) as HostsFileRef)
  return {
    job: {
      ...job,
      ...(vmOrder === undefined ? {} : { vmOrder }),
      ...(hostsFile === undefined ? {} : { hostsFile }),
      ...(row.arrivals === null || row.arrivals === undefined ? {} : { arrivals: row.arrivals })
    },
    ...rowOutcome(row)
  }
}

const makeStore = (db: Kysely<SweepDatabase>, name: string): SweepStore => {
  const attempt = <A>(what: string, run: () => Promise<A>) =>
    Effect.tryPromise({
      try: run,
      catch: (cause) =>
        new SweepStoreError({
          store: name,
          message: `${name}: ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause
        })
    })
  const CHUNK = 500
  const chunks = <A>(items: ReadonlyArray<A>): Array<ReadonlyArray<A>> => {
    const out: Array<ReadonlyArray<A>> = []
    for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
    return out
  }
  return {
    name,
    finishedKeys: (keys) =>
      attempt("reading finished jobs", async () => {
        const found = new Set<string>()
        for (const chunk of chunks(keys)) {
          const rows = await db.selectFrom("sweep_results").select("key").where("key", "in", chunk).execute()
          for (const row of rows) found.add(row.key)
        }
        return found
      }),
    save: ({ job, metrics, timeline }) =>
      attempt(`saving job ${job.key}`, async () => {
        const row: SweepResultsTable = {
          key: job.key,
          job_index: job.index,
          policy: job.policy,
          // A job running user algorithms records which code: their references' content hashes.
          params: JSON.stringify(job.modules === undefined ? job.params : { ...job.params, modules: job.modules }),
          trace: job.trace,
          vm_order:
            job.vmOrder === undefined ? null : JSON.stringify({ file: job.vmOrder.file, sha256: job.vmOrder.sha256 }),
          hosts_file:
            job.hostsFile === undefined
              ? null
              : JSON.stringify({ file: job.hostsFile.file, sha256: job.hostsFile.sha256, hosts: job.hostsFile.hosts }),
          arrivals: job.arrivals ?? null,
          timeline: storedTimeline(timeline),
          finished_at: new Date().toISOString(),
          ...metricCells(metrics)
        }
        await db
          .insertInto("sweep_results")
          .values(row)
          .onConflict((conflict) => conflict.column("key").doNothing())
          .execute()
      }),
    load: (jobs) =>
      attempt("reading results", async () => {
        const byKey = new Map<string, Pick<SweepResult, "metrics" | "timeline">>()
        for (const chunk of chunks(jobs.map((job) => job.key))) {
          const rows = await db.selectFrom("sweep_results").selectAll().where("key", "in", chunk).execute()
          for (const row of rows) byKey.set(row.key, rowOutcome(row))
        }
        return jobs.flatMap((job) => {
          const outcome = byKey.get(job.key)
          return outcome === undefined ? [] : [{ job, ...outcome }]
        })
      }),
    loadAll: () =>
      attempt("reading results", async () => {
        const rows = await db.selectFrom("sweep_results").selectAll().orderBy("job_index").orderBy("key").execute()
        return rows.map(rowResult)
      }),
    saveStatistics: (gridKey, stored) =>
      attempt("saving the statistics", async () => {
        const row: SweepStatisticsTable = {
          grid_key: gridKey,
          baseline: stored.baseline ?? null,
          results: stored.results,
          computed_at: stored.computedAt,
          statistics: JSON.stringify(stored.statistics)
        }
        const { grid_key: _, ...update } = row
        await db
          .insertInto("sweep_statistics")
          .values(row)
          .onConflict((conflict) => conflict.column("grid_key").doUpdateSet(update))
          .execute()
      }),
    loadStatistics: (gridKey) =>
      attempt("reading the statistics", async () => {
        const row = await db
          .selectFrom("sweep_statistics")
          .selectAll()
          .where("grid_key", "=", gridKey)
          .executeTakeFirst()
        return row === undefined
          ? Option.none()
          : Option.some({
              baseline: row.baseline ?? undefined,
              results: Number(row.results),
              computedAt: row.computed_at,
              statistics: JSON.parse(row.statistics) as SweepStatistics
            })
      })
  }
}

/** Creates the table (and schema) when missing; concurrent shards may race, so retry. */
const createTable = async (db: Kysely<SweepDatabase>, schema: string | undefined): Promise<void> => {
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      if (schema !== undefined) await db.schema.createSchema(schema).ifNotExists().execute()
      const builder = schema === undefined ? db.schema : db.schema.withSchema(schema)
      let table = builder
        .createTable("sweep_results")
        .ifNotExists()
        .addColumn("key", "text", (column) => column.primaryKey())
        .addColumn("job_index", "integer", (column) => column.notNull())
        .addColumn("policy", "text", (column) => column.notNull())
        .addColumn("params", "text", (column) => column.notNull())
        .addColumn("trace", "text", (column) => column.notNull())
        .addColumn("vm_order", "text")
        .addColumn("hosts_file", "text")
        .addColumn("arrivals", "text")
        .addColumn("timeline", "text")
      for (const [, column] of [...METRIC_COLUMNS, ...OPTIONAL_METRIC_COLUMNS]) {
        table = table.addColumn(column, "double precision")
      }
      await table.addColumn("finished_at", "text", (column) => column.notNull()).execute()
      await builder
        .createTable("sweep_statistics")
        .ifNotExists()
        .addColumn("grid_key", "text", (column) => column.primaryKey())
        .addColumn("baseline", "text")
        .addColumn("results", "integer", (column) => column.notNull())
        .addColumn("computed_at", "text", (column) => column.notNull())
        .addColumn("statistics", "text", (column) => column.notNull())
        .execute()
      // Stores made before VM orders, timelines, hosts files, arrivals and refused VMs were recorded lack those
      // columns: they are added, and the rows already there have no value in them (NULL).
      const scoped = schema === undefined ? db : db.withSchema(schema)
      const added = [
        ["vm_order", "text"],
        ["timeline", "text"],
        ["hosts_file", "text"],
        ["arrivals", "text"],
        ...OPTIONAL_METRIC_COLUMNS.map(([, column]) => [column, "double precision"] as const)
      ] as const
      for (const [column, type] of added) {
        const hasColumn = await scoped
          .selectFrom("sweep_results")
          .select(column)
          .limit(1)
          .execute()
          .then(
            () => true,
            () => false
          )
        if (!hasColumn) await builder.alterTable("sweep_results").addColumn(column, type).execute()
      }
      return
    } catch (cause) {
      // Two shards creating the table at once: one loses on the catalog's unique index.
      if (attemptNo >= 3) throw cause
      await new Promise((resolve) => setTimeout(resolve, 100 * attemptNo))
    }
  }
}

/**
 * Opens (and prepares) the store at `target`: a `postgres://` / `postgresql://` URL, or a SQLite
 * file (`sqlite:PATH`, `sqlite:///PATH` or a plain path; its folder is created), as
 * `parseStoreConnection` reads it. Closed when the scope ends.
 */
export const openSweepStore = (
  target: string,
  options: SweepStoreOptions = {}
): Effect.Effect<SweepStore, SweepStoreError, Scope.Scope> => {
  const name = storeName(target)
  const fail = (cause: unknown) =>
    new SweepStoreError({
      store: name,
      message: `cannot open the store ${name}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause
    })
  const acquire = Effect.try({
    try: (): Kysely<SweepDatabase> => {
      const connection = Either.getOrThrowWith(parseStoreConnection(target), (reason) => new Error(reason))
      if (connection.dialect === "postgres") {
        const pool = new pg.Pool({ connectionString: connection.url, max: 4 })
        return new Kysely<SweepDatabase>({ dialect: new PostgresDialect({ pool }) })
      }
      if (connection.dialect === "mysql")
        throw new Error("sweep stores are SQLite files or PostgreSQL databases; MySQL holds only neat.conf's store")
      const file = connection.path
      if (file !== sqliteInMemory) mkdirSync(dirname(file), { recursive: true })
      const database = new Database(file)
      database.pragma("journal_mode = WAL")
      database.pragma("busy_timeout = 5000")
      return new Kysely<SweepDatabase>({ dialect: new SqliteDialect({ database }) })
    },
    catch: fail
  })
  return Effect.acquireRelease(acquire, (db) => Effect.promise(() => db.destroy())).pipe(
    Effect.tap((db) => Effect.tryPromise({ try: () => createTable(db, options.schema), catch: fail })),
    Effect.map((db) => makeStore(options.schema === undefined ? db : db.withSchema(options.schema), name))
  )
}

/** Identifies a grid by its jobs' keys (order aside), for the statistics kept in the store. */
export const gridKey = (jobs: ReadonlyArray<SweepJob>): string =>
  createHash("sha256")
    .update(
      jobs
        .map((job) => job.key)
        .sort()
        .join("\n")
    )
    .digest("hex")
    .slice(0, 20)
