import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Fiber } from "effect"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { expandGrid } from "../../../../src/adapters/sim/sweep/grid.js"
import { describeFailures, runSweep, type SweepOptions } from "../../../../src/adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { fixtureMetrics } from "./fixtureRunner.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const log = join(dir, "ran.log")
process.env.NEAT_SWEEP_FIXTURE_LOG = log
const ranKeys = (): Array<string> =>
  existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
    : []
beforeEach(() => rmSync(log, { force: true }))

const runner = { module: fileURLToPath(new URL("./fixtureRunner.ts", import.meta.url)), exportName: "runFixtureJob" }
const grid: SweepGrid = {
  policies: ["cloudsim", "neat"],
  parameters: { overload: ["thr:0.8", "lr:1.2", "mad:2.5"], selection: ["mmt", "mc"] },
  traces: ["day1", "day2"]
}
let stores = 0
const options = (overrides: Partial<SweepOptions> = {}): SweepOptions => ({
  grid,
  runner,
  store: join(dir, `store-${stores++}.sqlite`),
  workers: 2,
  progress: false,
  ...overrides
})
const run = (sweep: SweepOptions) => Effect.runPromise(runSweep(sweep))

describe("runSweep", () => {
  it("runs every job on worker threads, stores the results and writes CSV and JSON", async () => {
    const csvFile = join(dir, "all.csv")
    const jsonFile = join(dir, "all.json")
    const summary = await run(options({ csvFile, jsonFile }))
    const jobs = expandGrid(grid)
    expect(summary).toMatchObject({ gridJobs: 24, shardJobs: 24, skipped: 0, ran: 24, failed: [] })
    expect(new Set(ranKeys())).toEqual(new Set(jobs.map((job) => job.key)))
    expect(summary.results.map((result) => result.job.key)).toEqual(jobs.map((job) => job.key))
    const first = jobs[0]!
    expect(summary.results[0]?.metrics.energyKwh).toBe(fixtureMetrics(first).energyKwh)
    expect(summary.results[0]?.metrics.meanTimeBeforeHostShutdownSec).toBeNaN()

    const csv = readFileSync(csvFile, "utf8").trimEnd().split("\n")
    expect(csv[0]).toBe(
      "key,index,policy,trace,vm_order,hosts_file,arrivals,overload,selection,energy_kwh,migrations,slatah_pct,pdm_pct,slav_pct,esv,host_shutdowns," +
        "mean_time_before_host_shutdown_sec,mean_time_before_migration_sec,overload_time_fraction,idle_time_fraction,vms,hosts,wall_seconds," +
        "vms_refused"
    )
    expect(csv.length).toBe(25)
    const cells = csv[1]?.split(",") ?? []
    expect(cells.slice(0, 9)).toEqual([first.key, "0", "cloudsim", "day1", "", "", "", "thr:0.8", "mmt"])
    expect(Number(cells[9])).toBe(fixtureMetrics(first).energyKwh)
    expect(cells[16]).toBe("")
    // A run whose VMs do not come and go refuses none: the column is empty.
    expect(cells[23]).toBe("")

    const json = JSON.parse(readFileSync(jsonFile, "utf8"))
    expect(json.jobs).toBe(24)
    expect(json.grid).toEqual(grid)
    expect(json.results.length).toBe(24)
    expect(json.results[0]).toMatchObject({ key: first.key, policy: "cloudsim", params: first.params, trace: "day1" })
    expect(json.results[0].metrics.migrations).toBe(fixtureMetrics(first).migrations)
    expect(json.results[0].metrics.meanTimeBeforeHostShutdownSec).toBeNull()
  })

  it("skips the jobs already in the store and runs only the missing ones", async () => {
    const store = join(dir, "resume.sqlite")
    const firstHalf = await run(options({ store, shard: { index: 0, count: 2 } }))
    expect(firstHalf).toMatchObject({ shardJobs: 12, ran: 12 })
    // A shard's output already holds every result of the grid found in the store.
    expect(firstHalf.results.length).toBe(12)
    rmSync(log, { force: true })
    const rest = await run(options({ store }))
    expect(rest).toMatchObject({ shardJobs: 24, skipped: 12, ran: 12 })
    const odd = expandGrid(grid).filter((job) => job.index % 2 === 1)
    expect(new Set(ranKeys())).toEqual(new Set(odd.map((job) => job.key)))
    rmSync(log, { force: true })
    const again = await run(options({ store }))
    expect(again).toMatchObject({ skipped: 24, ran: 0 })
    expect(ranKeys()).toEqual([])
    expect(again.results.length).toBe(24)
  })

  it("resumes after being interrupted mid-way: finished jobs are kept, the rest run", async () => {
    const store = join(dir, "interrupted.sqlite")
    const slow: SweepGrid = { ...grid, parameters: { ...grid.parameters, delayMs: [150] } }
    const fiber = Effect.runFork(runSweep(options({ store, grid: slow })))
    const deadline = Date.now() + 20_000
    while (ranKeys().length < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    await Effect.runPromise(Fiber.interrupt(fiber))
    const started = ranKeys()
    expect(started.length).toBeGreaterThanOrEqual(8)
    expect(started.length).toBeLessThan(24)
    rmSync(log, { force: true })

    const resumed = await run(options({ store, grid: slow }))
    expect(resumed.skipped).toBeGreaterThan(0)
    expect(resumed.skipped + resumed.ran).toBe(24)
    expect(ranKeys().length).toBe(resumed.ran)
    expect(resumed.results.length).toBe(24)
  })

  it("reports failed jobs without storing them, so a later run retries them", async () => {
    const store = join(dir, "failing.sqlite")
    const failing: SweepGrid = { policies: ["cloudsim", "neat"], parameters: { fail: [false, true] }, traces: ["day1"] }
    const summary = await run(options({ store, grid: failing }))
    expect(summary.ran).toBe(2)
    expect(summary.failed.map((failure) => failure.job.params.fail)).toEqual([true, true])
    expect(describeFailures(summary)).toEqual([
      "cloudsim fail=true @ day1: fixture failure for cloudsim",
      "neat fail=true @ day1: fixture failure for neat"
    ])
    rmSync(log, { force: true })
    const retry = await run(options({ store, grid: failing }))
    expect(retry).toMatchObject({ skipped: 2, ran: 0 })
    expect(ranKeys().length).toBe(2)
  })

  it("fails the jobs of a runner that answers without metrics", async () => {
    const one: SweepGrid = { policies: ["npa"], parameters: {}, traces: ["day1"] }
    const summary = await run(options({ grid: one, runner: { ...runner, exportName: "runWithoutMetrics" } }))
    expect(summary.ran).toBe(0)
    expect(summary.failed[0]?.message).toBe(
      "the runner's metrics lack a number for migrations, slatahPct, pdmPct, slavPct, esv, hostShutdowns, " +
        "meanTimeBeforeHostShutdownSec, meanTimeBeforeMigrationSec, overloadTimeFraction, idleTimeFraction, vms, hosts, wallSeconds"
    )
  })

  it("fails a job that runs past the time limit, replaces its worker and goes on", async () => {
    const mixed: SweepGrid = { policies: ["npa"], parameters: { delayMs: [10, 5000, 20] }, traces: ["day1"] }
    const summary = await run(options({ grid: mixed, workers: 1, jobTimeoutSec: 1 }))
    expect(summary.ran).toBe(2)
    expect(summary.failed.map(({ job, message }) => [job.params.delayMs, message])).toEqual([
      [5000, "the job took longer than 1 s"]
    ])
  })

  it("merges shards run one after another into one store", async () => {
    const store = join(dir, "shards.sqlite")
    for (const index of [2, 0, 1]) await run(options({ store, shard: { index, count: 3 } }))
    const merged = await run(options({ store }))
    expect(merged).toMatchObject({ skipped: 24, ran: 0 })
    expect(merged.results.map((result) => result.job.index)).toEqual(expandGrid(grid).map((job) => job.index))
  })

  it("fails clearly when the runner cannot be loaded", async () => {
    const missingExport = await Effect.runPromise(
      Effect.flip(runSweep(options({ runner: { ...runner, exportName: "notAFunction" } })))
    )
    expect(missingExport).toMatchObject({ _tag: "SweepRunnerError" })
    expect(missingExport.message).toContain("has no function export 'notAFunction'")
    const missingModule = await Effect.runPromise(
      Effect.flip(runSweep(options({ runner: { module: join(dir, "nowhere.ts"), exportName: "run" } })))
    )
    expect(missingModule.message).toContain("cannot load the runner module")
  })

  it("shows progress as lines when stderr is not a terminal, and as a bar redrawn in place when it is", async () => {
    const lines: Array<string> = []
    await run(options({ progress: { isTTY: false, write: (text: string) => lines.push(text) } }))
    expect(lines[0]).toMatch(/^sweep \[-+\] 0\/24 0% /)
    expect(lines[lines.length - 1]).toMatch(/^sweep \[#+\] 24\/24 100% .*elapsed\n$/)
    expect(lines.length).toBeLessThanOrEqual(12)
    const drawn: Array<string> = []
    await run(options({ progress: { isTTY: true, write: (text: string) => drawn.push(text) } }))
    expect(drawn.every((text) => text.startsWith("\r\x1b[2K"))).toBe(true)
    expect(drawn[drawn.length - 1]).toContain("24/24 100%")
  })
})
