/**
 * A SQLite database for Kysely that prepares each distinct statement once. Kysely's SQLite driver
 * prepares a statement for every query, which costs as much as running it; the store issues the
 * same few statements over and over (a decision, a migration, a collector's samples).
 */
import type Database from "better-sqlite3"
import type { SqliteDatabase, SqliteStatement } from "kysely"

/** Distinct statements kept; queries beyond (generated IN lists of many lengths) are prepared each time. */
const capacity = 512

export const withStatementCache = (database: Database.Database): SqliteDatabase => {
  const statements = new Map<string, SqliteStatement>()
  return {
    close: () => database.close(),
    prepare: (sql) => {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = database.prepare(sql)
        if (statements.size < capacity) statements.set(sql, statement)
      }
      // Kysely runs each statement to completion (`all` or `run`) before the next query: a
      // cached statement is never busy when it is handed out again. The store never streams.
      return statement
    }
  }
}
