/**
 * A sweep keeps the timelines its runner returns with the results (store and sweep.json), so a
 * resumed sweep and `neat report` re-rendering from either source draw the "Over time" section.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { renderSweepReport } from "../../../../src/adapters/sim/report/renderSweepReport.js"
import { runSweep } from "../../../../src/adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { loadSweepSource } from "../../../../src/adapters/sim/sweep/sweepSource.js"
import { neat } from "../../../support/neatCli.js"
import { sampleStatistics } from "./sampleSweep.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-timelines-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const grid: SweepGrid = { policies: ["fixture"], parameters: { level: [1, 2] }, traces: ["/days/d1", "/days/d2"] }
const runner = { module: join(import.meta.dirname, "timelineRunner.ts"), exportName: "runTimelineJob" }
const store = join(dir, "sweep.sqlite")
const json = join(dir, "sweep.json")
const sweep = () => Effect.runPromise(runSweep({ grid, runner, store, jsonFile: json, workers: 1, progress: false }))
const expectedHosts = [
  [10, 20, 30],
  [20, 40, 60],
  [10, 20, 30],
  [20, 40, 60]
]

describe("a sweep's timelines", () => {
  it("reach the results of the jobs run now and of those found in the store", async () => {
    const first = await sweep()
    expect(first.ran).toBe(4)
    expect(first.results.map((result) => result.timeline?.activeHosts)).toEqual(expectedHosts)
    const rows = first.results
    const page = renderSweepReport({ rows, statistics: sampleStatistics(rows) })
    // Both configurations' mean timelines, in each of the three charts.
    expect(page.split("<polyline").length - 1).toBe(6)

    const again = await sweep()
    expect(again.ran).toBe(0)
    expect(again.results.map((result) => result.timeline)).toEqual(first.results.map((result) => result.timeline))
    expect(renderSweepReport({ rows: again.results, statistics: sampleStatistics(again.results) })).toContain(
      "<h2>Over time</h2>"
    )
  }, 120_000)

  it("are read back from the store and from sweep.json", async () => {
    for (const source of [store, json]) {
      const { results } = await Effect.runPromise(loadSweepSource(source))
      expect(
        results.map((result) => result.timeline?.activeHosts),
        source
      ).toEqual(expectedHosts)
      expect(results[1]?.timeline, source).toEqual({
        timeSec: [0, 300, 600],
        activeHosts: [20, 40, 60],
        powerW: [1000, 2000, 3000],
        migrations: [2, 0, 2]
      })
    }
  }, 60_000)

  it("are written with snake_case keys (camelCase aliases for one release), and a previous release's sweep.json still reads", async () => {
    const written = JSON.parse(readFileSync(json, "utf8")) as {
      results: Array<{ metrics: Record<string, unknown>; timeline: Record<string, unknown> }>
    }
    const [first] = written.results
    expect(Object.keys(first!.metrics).slice(0, 2)).toEqual(["energy_kwh", "migrations"])
    expect(first!.metrics.energyKwh).toBe(first!.metrics.energy_kwh)
    expect(first!.timeline.active_hosts).toEqual([10, 20, 30])
    expect(first!.timeline.activeHosts).toEqual([10, 20, 30])
    // The previous release wrote camelCase only.
    const old = join(dir, "old-sweep.json")
    const camelOnly = {
      ...written,
      results: written.results.map((result) => ({
        ...result,
        metrics: Object.fromEntries(Object.entries(result.metrics).filter(([key]) => !key.includes("_"))),
        timeline: Object.fromEntries(Object.entries(result.timeline).filter(([key]) => !key.includes("_")))
      }))
    }
    writeFileSync(old, JSON.stringify(camelOnly))
    const fromOld = await Effect.runPromise(loadSweepSource(old))
    const fromNew = await Effect.runPromise(loadSweepSource(json))
    expect(fromOld.results).toEqual(fromNew.results)
  }, 60_000)

  it("are drawn by neat report re-rendering from the SQLite store and from sweep.json", async () => {
    for (const [name, source] of [
      ["sqlite", store],
      ["json", json]
    ] as const) {
      const html = join(dir, `report-${name}.html`)
      const run = await neat(["report", source, "--report", html])
      expect(run.stderr, source).toBe("")
      expect(run.status, source).toBe(0)
      const page = readFileSync(html, "utf8")
      expect(page, source).toContain("<h2>Over time</h2>")
      expect(page.split("<polyline").length - 1, source).toBe(6)
    }
  }, 120_000)
})
