import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { expandGrid } from "../../../../src/adapters/sim/sweep/grid.js"
import { METRIC_COLUMNS } from "../../../../src/adapters/sim/sweep/metricColumns.js"
import { openSweepStore, storeName } from "../../../../src/adapters/sim/sweep/SweepStore.js"
import { fixtureMetrics } from "./fixtureRunner.js"
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

  it("adds the vm_order and timeline columns to a store made before they were recorded", async () => {
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
    expect(all.map((result) => [result.job, result.metrics.energyKwh, result.timeline])).toEqual([
      [job, 12.5, undefined]
    ])
    const columns = new Database(old).prepare("PRAGMA table_info(sweep_results)").all() as Array<{ name: string }>
    expect(columns.map((column) => column.name)).toEqual(expect.arrayContaining(["vm_order", "timeline"]))
  })

  it("adds the hosts_file, arrivals and vms_refused columns to a store of the previous release; its rows keep no value there", async () => {
    const old = join(dir, "before-hosts.sqlite")
    const db = new Database(old)
    db.exec(
      "CREATE TABLE sweep_results (key text primary key, job_index integer not null, policy text not null, " +
        "params text not null, trace text not null, vm_order text, timeline text, " +
        METRIC_COLUMNS.map(([, column]) => `${column} double precision`).join(", ") +
        ", finished_at text not null)"
    )
    const [stored] = expandGrid({ policies: ["npa"], parameters: {}, traces: ["d1"] })
    db.prepare(
      "INSERT INTO sweep_results (key, job_index, policy, params, trace, energy_kwh, finished_at) " +
        "VALUES (?, 0, 'npa', '{}', 'd1', 12.5, 'then')"
    ).run(stored!.key)
    db.close()
    const hostsFile = { file: "hosts.json", sha256: "ab".repeat(32), hosts: 2 }
    const [fresh] = expandGrid({ policies: ["npa"], parameters: {}, traces: ["d1"] }, undefined, {
      hostsFile: { ...hostsFile, path: "/data/hosts.json" }
    })
    expect(fresh!.key).not.toBe(stored!.key)
    const [loaded, all] = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(openSweepStore(old), (store) =>
          Effect.zipRight(
            store.save({ job: fresh!, metrics: { ...fixtureMetrics(fresh!), vmsRefused: 4 } as never }),
            Effect.all([store.load([stored!, fresh!]), store.loadAll()])
          )
        )
      )
    )
    const refused = (metrics: object) => (metrics as { vmsRefused?: number }).vmsRefused
    expect(loaded.map((result) => [result.metrics.energyKwh, refused(result.metrics)])).toEqual([
      [12.5, undefined],
      [fixtureMetrics(fresh!).energyKwh, 4]
    ])
    // Read back without the grid, the job states its hosts file (not where it was read).
    const byKey = new Map(all.map((result) => [result.job.key, result]))
    expect(
      [stored!, fresh!].map(({ key }) => [byKey.get(key)?.job.hostsFile, refused(byKey.get(key)!.metrics)])
    ).toEqual([
      [undefined, undefined],
      [hostsFile, 4]
    ])
    const columns = new Database(old).prepare("PRAGMA table_info(sweep_results)").all() as Array<{ name: string }>
    expect(columns.map((column) => column.name)).toEqual(
      expect.arrayContaining(["hosts_file", "arrivals", "vms_refused"])
    )
  })

  it("adds the timeline column to a store with VM orders, whose old rows read back without a timeline", async () => {
    const old = join(dir, "before-timelines.sqlite")
    const db = new Database(old)
    db.exec(
      "CREATE TABLE sweep_results (key text primary key, job_index integer not null, policy text not null, " +
        "params text not null, trace text not null, vm_order text, finished_at text not null, " +
        METRIC_COLUMNS.map(([, column]) => `${column} double precision`).join(", ") +
        ")"
    )
    const [stored, fresh] = expandGrid({ policies: ["npa", "dvfs"], parameters: {}, traces: ["d1"] })
    db.prepare(
      "INSERT INTO sweep_results (key, job_index, policy, params, trace, energy_kwh, finished_at) " +
        "VALUES (?, 0, 'npa', '{}', 'd1', 12.5, 'then')"
    ).run(stored!.key)
    db.close()
    const timeline = { timeSec: [0, 300], activeHosts: [2, 1], powerW: [300, 150], migrations: [0, 1] }
    const loaded = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(openSweepStore(old), (store) =>
          Effect.zipRight(
            store.save({ job: fresh!, metrics: { ...fixtureMetrics(fresh!) }, timeline }),
            store.load([stored!, fresh!])
          )
        )
      )
    )
    expect(loaded.map((result) => [result.metrics.energyKwh, result.timeline])).toEqual([
      [12.5, undefined],
      [fixtureMetrics(fresh!).energyKwh, timeline]
    ])
    const columns = new Database(old).prepare("PRAGMA table_info(sweep_results)").all() as Array<{ name: string }>
    expect(columns.map((column) => column.name)).toContain("timeline")
  })

  it("hides a PostgreSQL password in the store's name", () => {
    expect(storeName("postgresql://neat:secret@db:5432/sweeps")).toBe("postgresql://neat:***@db:5432/sweeps")
    expect(storeName("sqlite:out/r.sqlite")).toBe("out/r.sqlite")
  })
})
