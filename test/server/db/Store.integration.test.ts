/** The Store suite on a real PostgreSQL server (NEAT_TEST_PG_URL), in a schema of its own per run. */
import { Effect, Layer } from "effect"
import pg from "pg"
import { afterAll } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { describeWithRequirement, postgresEnv } from "../../support/requirement.js"
import { operatorStoreSuite } from "./operatorStoreSuite.js"
import { storeSuite } from "./storeSuite.js"

describeWithRequirement("Store on PostgreSQL", postgresEnv, ({ NEAT_TEST_PG_URL: url }) => {
  const schema = `neat_test_${process.pid}_${Date.now().toString(36)}`

  const withClient = async <A>(f: (client: pg.Client) => Promise<A>): Promise<A> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return await f(client)
    } finally {
      await client.end()
    }
  }

  /** Empties the tables of this run's schema (they exist once the first test has migrated it). */
  const resetTables = () =>
    withClient(async (client) => {
      const { rows } = await client.query<{ tablename: string }>(
        "select tablename from pg_tables where schemaname = $1 and tablename not like 'kysely_migration%'",
        [schema]
      )
      if (rows.length === 0) return
      const tables = rows.map((row) => `"${schema}"."${row.tablename}"`).join(", ")
      await client.query(`truncate ${tables} restart identity cascade`)
    })

  afterAll(() => withClient((client) => client.query(`drop schema if exists "${schema}" cascade`)))

  const backend = {
    name: "PostgreSQL",
    layer: () => Layer.unwrapEffect(Effect.promise(resetTables).pipe(Effect.as(Store.layer(url, { pgSchema: schema }))))
  }
  storeSuite(backend)
  operatorStoreSuite(backend)
})
