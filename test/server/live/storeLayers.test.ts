/** The store-backed live services on SQLite, on PostgreSQL (NEAT_TEST_PG_URL) and on MySQL (NEAT_TEST_MYSQL_URL). */

import { Effect, Layer } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { describeWithRequirement, mysqlEnv, postgresEnv } from "../../support/requirement.js"
import { storeLayersSuite } from "./storeLayers.js"

storeLayersSuite("SQLite", () => Store.layer("sqlite:///:memory:"))

describeWithRequirement("store-backed live services on PostgreSQL", postgresEnv, ({ NEAT_TEST_PG_URL: url }) => {
  // A fresh schema per test, dropped at the end.
  const schemas: Array<string> = []
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`)
    } finally {
      await client.end()
    }
  })
  storeLayersSuite("PostgreSQL", () => {
    const schema = `neat_live_${process.pid}_${Date.now().toString(36)}_${schemas.length}`
    schemas.push(schema)
    return Store.layer(url, { pgSchema: schema })
  })
})

describeWithRequirement("store-backed live services on MySQL", mysqlEnv, ({ NEAT_TEST_MYSQL_URL: url }) => {
  // A fresh database per test, dropped at the end.
  const databases: Array<string> = []
  const admin = async (statements: ReadonlyArray<string>) => {
    const connection = await mysql.createConnection(url)
    try {
      for (const statement of statements) await connection.query(statement)
    } finally {
      await connection.end()
    }
  }
  afterAll(() => admin(databases.map((name) => `drop database if exists \`${name}\``)))
  storeLayersSuite("MySQL", () => {
    const database = `neat_live_${process.pid}_${Date.now().toString(36)}_${databases.length}`
    databases.push(database)
    const target = new URL(url)
    target.pathname = `/${database}`
    return Layer.unwrapEffect(
      Effect.promise(() => admin([`create database \`${database}\``])).pipe(Effect.as(Store.layer(target.toString())))
    )
  })
})
