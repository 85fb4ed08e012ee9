/**
 * The sweep store and sharded sweeps on PostgreSQL (NEAT_TEST_PG_URL, exported by
 * .ci/services/postgres.sh). Each test file run uses its own schema and drops it afterwards.
 */
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { expandGrid } from "../../../../src/adapters/sim/sweep/grid.js"
import { runSweep } from "../../../../src/adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { describeWithRequirement, postgresEnv } from "../../../support/requirement.js"
import { storeContract } from "./storeContract.js"

describeWithRequirement("PostgreSQL sweep store", postgresEnv, ({ NEAT_TEST_PG_URL: url }) => {
  const prefix = `neat_sweep_${process.pid}_${Date.now().toString(36)}`
  const schemas: Array<string> = []
  const schema = (name: string): string => {
    const full = `${prefix}_${name}`
    schemas.push(full)
    return full
  }
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    for (const name of schemas) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
    await client.end()
  })

  describe("store contract and shards", () => {
    const contractSchema = schema("contract")
    storeContract(() => ({ store: url, options: { schema: contractSchema } }))

    it("merges shards running at the same time into the shared store", async () => {
      const shared = schema("shards")
      const grid: SweepGrid = {
        policies: ["cloudsim", "neat"],
        parameters: { overload: ["thr:0.8", "lr:1.2", "mad:2.5"] },
        traces: ["d1", "d2"]
      }
      const runner = {
        module: fileURLToPath(new URL("./fixtureRunner.ts", import.meta.url)),
        exportName: "runFixtureJob"
      }
      const shard = (index: number) =>
        runSweep({
          grid,
          runner,
          store: url,
          storeSchema: shared,
          workers: 1,
          progress: false,
          shard: { index, count: 3 }
        })
      const summaries = await Effect.runPromise(
        Effect.all([shard(0), shard(1), shard(2)], { concurrency: "unbounded" })
      )
      expect(summaries.map((summary) => summary.ran)).toEqual([4, 4, 4])
      const merged = await Effect.runPromise(
        runSweep({ grid, runner, store: url, storeSchema: shared, progress: false })
      )
      expect(merged).toMatchObject({ skipped: 12, ran: 0 })
      expect(merged.results.map((result) => result.job.key)).toEqual(expandGrid(grid).map((job) => job.key))
      expect(merged.store).toBe(url.replace(/:[^:@/]+@/, ":***@"))
    })
  })
})
