/**
 * SQLite's lock waits without blocking the event loop. better-sqlite3 is synchronous: with a long
 * busy timeout, a lock held by another connection (a backup, a `sqlite3` session, a collector's
 * long write) freezes the whole process, `/healthz` included, for as long as it waits. Here SQLite
 * waits a few milliseconds itself (`sqliteBusyTimeoutMs`); past that, the statement is retried
 * after asynchronous pauses (1, 2, 4 ... 100 ms) until `sqliteBusyBudgetMs`, so the process keeps
 * answering meanwhile. The store's single connection stays reserved for the waiting statement (its
 * transaction, if any), so the store's own order of writes is unchanged.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type TransactionSettings
} from "kysely"

/** How long SQLite itself waits for a lock before answering SQLITE_BUSY, milliseconds. */
export const sqliteBusyTimeoutMs = 10

/** How long a statement waits for a lock in all, milliseconds, before its error is returned. */
export const sqliteBusyBudgetMs = 30_000

const isBusy = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { readonly code?: unknown }).code === "SQLITE_BUSY"

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `attempt` until it does not fail with SQLITE_BUSY, pausing between tries, within `budgetMs`. */
export const retryWhileBusy = async <A>(attempt: () => Promise<A>, budgetMs: number): Promise<A> => {
  const deadline = Date.now() + budgetMs
  let delayMs = 1
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      if (!isBusy(error) || Date.now() + delayMs > deadline) throw error
      await pause(delayMs)
      delayMs = Math.min(delayMs * 2, 100)
    }
  }
}

class RetryingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly budgetMs: number
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return retryWhileBusy(() => this.inner.executeQuery<R>(query), this.budgetMs)
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

const innerOf = (connection: DatabaseConnection): DatabaseConnection =>
  connection instanceof RetryingConnection ? connection.inner : connection

/** Kysely's SQLite driver whose statements (transaction commands included) wait for locks asynchronously. */
class RetryingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly budgetMs: number
  ) {}

  init(): Promise<void> {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RetryingConnection(await this.inner.acquireConnection(), this.budgetMs)
  }

  // The inner driver runs `begin`, `commit` and `rollback` through the connection it is given: the
  // retrying one, so they wait for locks too.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings)
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection)
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection))
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }
}

/** `SqliteDialect` whose statements wait for locks without blocking the event loop. */
export class BusyRetryingSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new RetryingDriver(super.createDriver(), sqliteBusyBudgetMs)
  }
}
