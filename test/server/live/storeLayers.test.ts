/** The store-backed live services on SQLite, and on PostgreSQL when NEAT_TEST_PG_URL is set. */
import pg from "pg"
import { afterAll } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { describeWithRequirement, postgresEnv } from "../../support/requirement.js"
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
