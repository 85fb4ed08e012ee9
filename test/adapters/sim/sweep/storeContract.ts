/** The behaviour every sweep store must show, run against SQLite and PostgreSQL. */
import { Effect, Option } from "effect"
import { expect, it } from "vitest"
import type { SampledTimeline } from "../../../../src/adapters/sim/report/sampledTimeline.js"
import { expandGrid } from "../../../../src/adapters/sim/sweep/grid.js"
import { openSweepStore, type SweepStoreOptions } from "../../../../src/adapters/sim/sweep/SweepStore.js"
import { fixtureMetrics } from "./fixtureRunner.js"

const jobs = expandGrid({
  policies: ["cloudsim", "neat"],
  parameters: { overload: ["thr:0.8", "lr:1.2"] },
  traces: ["d1", "d2"]
})

export const storeContract = (target: () => { store: string; options?: SweepStoreOptions }) => {
  const withStore = <A>(
    use: (store: Effect.Effect.Success<ReturnType<typeof openSweepStore>>) => Effect.Effect<A, unknown>
  ) => {
    const { store, options } = target()
    return Effect.runPromise(Effect.scoped(Effect.flatMap(openSweepStore(store, options), use)))
  }

  it("saves results, knows which jobs are finished and loads them back in job order", async () => {
    await withStore((store) =>
      Effect.gen(function* () {
        expect((yield* store.finishedKeys(jobs.map((job) => job.key))).size).toBe(0)
        for (const job of [jobs[5]!, jobs[1]!, jobs[3]!]) yield* store.save({ job, metrics: fixtureMetrics(job) })
        const finished = yield* store.finishedKeys(jobs.map((job) => job.key))
        expect(finished).toEqual(new Set([jobs[1]!.key, jobs[3]!.key, jobs[5]!.key]))
        const loaded = yield* store.load(jobs)
        expect(loaded.map((result) => result.job.index)).toEqual([1, 3, 5])
        const first = loaded[0]!
        const expected = fixtureMetrics(jobs[1]!)
        expect(first.metrics.energyKwh).toBe(expected.energyKwh)
        expect(first.metrics.migrations).toBe(expected.migrations)
        expect(first.metrics.slavPct).toBeCloseTo(expected.slavPct, 12)
        // NaN (nothing to average) survives the round trip as NaN.
        expect(first.metrics.meanTimeBeforeHostShutdownSec).toBeNaN()
      })
    )
  })

  it("keeps the first result when a job is saved twice, and persists across openings", async () => {
    const job = jobs[0]!
    await withStore((store) => store.save({ job, metrics: { ...fixtureMetrics(job), energyKwh: 1 } }))
    await withStore((store) => store.save({ job, metrics: { ...fixtureMetrics(job), energyKwh: 2 } }))
    const loaded = await withStore((store) => store.load([job]))
    expect(loaded.map((result) => result.metrics.energyKwh)).toEqual([1])
  })

  it("keeps a job's sampled timeline as plain numbers, and none for a job saved without one", async () => {
    const [withTimeline, without] = [jobs[6]!, jobs[7]!]
    // A runner in plain JavaScript may hand typed arrays (JSON would write them as objects).
    const timeline = {
      timeSec: Float64Array.from([0, 300, 600]),
      activeHosts: [4, 3.5, 2],
      powerW: Float64Array.from([812.25, Number.NaN, 640]),
      migrations: [1, 0, 2]
    } as unknown as SampledTimeline
    await withStore((store) =>
      Effect.gen(function* () {
        yield* store.save({ job: withTimeline, metrics: fixtureMetrics(withTimeline), timeline })
        yield* store.save({ job: without, metrics: fixtureMetrics(without) })
      })
    )
    const [loaded, all] = await withStore((store) => Effect.all([store.load([withTimeline, without]), store.loadAll()]))
    const expected = {
      timeSec: [0, 300, 600],
      activeHosts: [4, 3.5, 2],
      powerW: [812.25, Number.NaN, 640],
      migrations: [1, 0, 2]
    }
    expect(loaded.map((result) => result.timeline)).toEqual([expected, undefined])
    expect(Array.isArray(loaded[0]?.timeline?.powerW)).toBe(true)
    expect(all.find((result) => result.job.key === withTimeline.key)?.timeline).toEqual(expected)
    expect(all.find((result) => result.job.key === without.key)).not.toHaveProperty("timeline")
  })

  it("reads back every result with its recorded VM order, and keeps a grid's latest statistics", async () => {
    const job = { ...jobs[2]!, vmOrder: { file: "d1.csv", sha256: "ab12", path: "/somewhere/d1.csv" } }
    const statistics = {
      configurations: [{ label: "npa", config: { policy: "npa" }, n: 1, metrics: {} }],
      comparisons: []
    }
    await withStore((store) =>
      Effect.gen(function* () {
        yield* store.save({ job, metrics: fixtureMetrics(job) })
        const all = yield* store.loadAll()
        const indices = all.map((result) => result.job.index)
        expect(indices).toEqual([...indices].sort((a, b) => a - b))
        const back = all.find((result) => result.job.key === job.key)
        const { path: _, ...recorded } = job.vmOrder
        expect(back?.job).toEqual({ ...jobs[2]!, vmOrder: recorded })
        expect(all.find((result) => result.job.key === jobs[0]!.key)?.job).toEqual(jobs[0])
        expect(back?.metrics.energyKwh).toBe(fixtureMetrics(job).energyKwh)

        const grid = `grid-${Date.now()}`
        expect(Option.isNone(yield* store.loadStatistics(grid))).toBe(true)
        yield* store.saveStatistics(grid, {
          baseline: undefined,
          results: 1,
          computedAt: "2026-12-07T00:00:00Z",
          statistics: { configurations: [], comparisons: [] }
        })
        const latest = { baseline: "npa", results: 2, computedAt: "2026-12-07T00:01:00Z", statistics }
        yield* store.saveStatistics(grid, latest)
        expect(Option.getOrThrow(yield* store.loadStatistics(grid))).toEqual(latest)
      })
    )
  })
}
