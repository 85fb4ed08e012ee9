/** A sweep hands the timelines its runner returns to the report, for the jobs it ran itself. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { renderSweepReport } from "../../../../src/adapters/sim/report/renderSweepReport.js"
import { runSweep } from "../../../../src/adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { sampleStatistics } from "./sampleSweep.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-timelines-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const grid: SweepGrid = { policies: ["fixture"], parameters: { level: [1, 2] }, traces: ["/days/d1", "/days/d2"] }
const runner = { module: join(import.meta.dirname, "timelineRunner.ts"), exportName: "runTimelineJob" }
const sweep = (store: string) => Effect.runPromise(runSweep({ grid, runner, store, workers: 1, progress: false }))

describe("a sweep's timelines", () => {
  it("reach the results of the jobs run now, not of those found in the store", async () => {
    const store = join(dir, "sweep.sqlite")
    const first = await sweep(store)
    expect(first.ran).toBe(4)
    expect(first.results.map((result) => result.timeline?.activeHosts)).toEqual([
      [10, 20, 30],
      [20, 40, 60],
      [10, 20, 30],
      [20, 40, 60]
    ])
    const rows = first.results
    const page = renderSweepReport({ rows, statistics: sampleStatistics(rows) })
    // Both configurations' mean timelines, in each of the three charts.
    expect(page.split("<polyline").length - 1).toBe(6)

    const again = await sweep(store)
    expect(again.ran).toBe(0)
    expect(again.results.every((result) => result.timeline === undefined)).toBe(true)
    expect(renderSweepReport({ rows: again.results, statistics: sampleStatistics(again.results) })).not.toContain(
      "Over time"
    )
  }, 120_000)
})
