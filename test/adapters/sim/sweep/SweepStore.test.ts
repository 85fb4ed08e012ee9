import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { expandGrid } from "../../../../src/adapters/sim/sweep/grid.js"
import { openSweepStore, storeName } from "../../../../src/adapters/sim/sweep/SweepStore.js"
import { storeContract } from "./storeContract.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-store-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("SQLite sweep store", () => {
  let n = 0
  const file = join(dir, "nested", "results.sqlite")
  storeContract(() => ({ store: n++ === 0 ? `sqlite:${join(dir, "first.sqlite")}` : file }))

  it("names a file it cannot open", async () => {
    const blocker = join(dir, "blocker")
    writeFileSync(blocker, "")
    const error = await Effect.runPromise(Effect.flip(Effect.scoped(openSweepStore(join(blocker, "x.sqlite")))))
    expect(error._tag).toBe("SweepStoreError")
    expect(error.message).toContain("cannot open the store")
  })

  it("adds the vm_order column to a store made before VM orders were recorded", async () => {
    const old = join(dir, "old.sqlite")
    const db = new Database(old)
    db.exec(
      "CREATE TABLE sweep_results (key text primary key, job_index integer not null, policy text not null, " +
        "params text not null, trace text not null, energy_kwh double precision, finished_at text not null)"
    )
    const [job] = expandGrid({ policies: ["npa"], parameters: {}, traces: ["d1"] })
    db.prepare("INSERT INTO sweep_results VALUES (?, 0, 'npa', '{}', 'd1', 12.5, 'then')").run(job!.key)
    db.close()
    const all = await Effect.runPromise(Effect.scoped(Effect.flatMap(openSweepStore(old), (store) => store.loadAll())))
    expect(all.map((result) => [result.job, result.metrics.energyKwh])).toEqual([[job, 12.5]])
    const columns = new Database(old).prepare("PRAGMA table_info(sweep_results)").all() as Array<{ name: string }>
    expect(columns.map((column) => column.name)).toContain("vm_order")
  })

  it("hides a PostgreSQL password in the store's name", () => {
    expect(storeName("postgresql://neat:secret@db:5432/sweeps")).toBe("postgresql://neat:***@db:5432/sweeps")
    expect(storeName("sqlite:out/r.sqlite")).toBe("out/r.sqlite")
  })
})
