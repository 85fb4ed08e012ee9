import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { operatorStoreSuite } from "./operatorStoreSuite.js"
import { storeSuite } from "./storeSuite.js"

const directory = mkdtempSync(join(tmpdir(), "neat-store-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
let files = 0

storeSuite({ name: "SQLite in memory", layer: () => Store.layer("sqlite:///:memory:") })
operatorStoreSuite({ name: "SQLite in memory", layer: () => Store.layer("sqlite:///:memory:") })
storeSuite({
  name: "a SQLite file",
  layer: () => Store.layer(`sqlite:///${join(directory, `store-${++files}.db`)}`)
})

describe("Store.layer", () => {
  it.effect("keeps data in its file across openings, in WAL mode", () =>
    Effect.gen(function* () {
      const path = join(directory, "reopen.db")
      yield* Effect.provide(
        Effect.flatMap(Store, (store) => store.updateHost("compute1", 3000, 2, 4096)),
        Store.layer(path)
      )
      const hosts = yield* Effect.provide(
        Effect.flatMap(Store, (store) => store.selectHostIds()),
        Store.layer(`sqlite:///${path}`)
      )
      assert.deepStrictEqual(Object.keys(hosts), ["compute1"])
      const Database = (yield* Effect.promise(() => import("better-sqlite3"))).default
      const raw = new Database(path, { readonly: true })
      const mode = raw.pragma("journal_mode", { simple: true })
      const migrations = raw.prepare("select name from kysely_migration order by name").all()
      raw.close()
      assert.strictEqual(mode, "wal")
      assert.deepStrictEqual(migrations, [
        { name: "0001_neat_tables" },
        { name: "0002_decisions" },
        { name: "0003_live_cloud" },
        { name: "0004_vm_placements" },
        { name: "0005_plans" },
        { name: "0006_decision_actions" },
        { name: "0007_plan_details" }
      ])
    })
  )

  it.effect("fails with a StoreError naming the file it cannot open", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(Store, Store.layer(join(directory, "missing", "x.db"))))
      assert.strictEqual(error._tag, "StoreError")
      assert.include(error.message, join(directory, "missing", "x.db"))
    })
  )

  it.live("fails with a StoreError when PostgreSQL cannot be reached, after retrying", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(Store, Store.layer("postgresql://neat@127.0.0.1:1/neat")))
      assert.strictEqual(error._tag, "StoreError")
      assert.include(error.message, "migrate")
      assert.include(error.message, "ECONNREFUSED")
    })
  )

  it.live("fails with a StoreError when MySQL cannot be reached, after retrying", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(Store, Store.layer("mysql://neat:pw@127.0.0.1:1/neat")))
      assert.strictEqual(error._tag, "StoreError")
      assert.include(error.message, "migrate")
      assert.include(error.message, "ECONNREFUSED")
    })
  )

  it.effect("rejects an unsupported sql_connection", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(Store, Store.layer("oracle://neat@controller/neat")))
      assert.include(error.message, "unsupported database 'oracle'")
    })
  )
})
