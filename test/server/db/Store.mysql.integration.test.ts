/** The Store suite on a real MySQL or MariaDB server (NEAT_TEST_MYSQL_URL), in a database of its own per run. */
import { Effect, Layer } from "effect"
import mysql from "mysql2/promise"
import { afterAll } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { describeWithRequirement, mysqlEnv } from "../../support/requirement.js"
import { operatorStoreSuite } from "./operatorStoreSuite.js"
import { storeSuite } from "./storeSuite.js"

describeWithRequirement("Store on MySQL", mysqlEnv, ({ NEAT_TEST_MYSQL_URL: serverUrl }) => {
  const database = `neat_test_${process.pid}_${Date.now().toString(36)}`
  const url = new URL(serverUrl)
  url.pathname = `/${database}`

  const withConnection = async <A>(f: (connection: mysql.Connection) => Promise<A>): Promise<A> => {
    const connection = await mysql.createConnection(serverUrl)
    try {
      return await f(connection)
    } finally {
      await connection.end()
    }
  }

  /** Creates this run's database, or empties its tables (they exist once the first test has migrated it). */
  const resetTables = () =>
    withConnection(async (connection) => {
      await connection.query(`create database if not exists \`${database}\``)
      const [rows] = await connection.query<Array<mysql.RowDataPacket>>(
        "select table_name as name from information_schema.tables where table_schema = ? and table_name not like 'kysely_migration%'",
        [database]
      )
      await connection.query("set foreign_key_checks = 0")
      for (const row of rows) await connection.query(`truncate table \`${database}\`.\`${String(row.name)}\``)
      await connection.query("set foreign_key_checks = 1")
    })

  afterAll(() => withConnection((connection) => connection.query(`drop database if exists \`${database}\``)))

  const backend = {
    name: "MySQL",
    layer: () => Layer.unwrapEffect(Effect.promise(resetTables).pipe(Effect.as(Store.layer(url.toString()))))
  }
  storeSuite(backend)
  operatorStoreSuite(backend)
})
