/**
 * Runs a sweep: expands the grid (each day in its VM order), keeps this shard's share, skips the
 * jobs already in the store, runs the rest on worker threads (saving each result as soon as it
 * arrives, so an interrupted sweep resumes where it stopped), then writes every stored result of
 * the grid to CSV and JSON, and their statistics to summary.json, summary.csv and the store.
 */
import { availableParallelism } from "node:os"
import { Data, Effect, Either, Runtime } from "effect"
import type { ConfigError, InputError } from "../../../core/errors.js"
import type { SimulationMetrics } from "../SimulationResult.js"
import { expandGrid, jobLabel } from "./grid.js"
import { METRIC_COLUMNS } from "./metricColumns.js"
import { resultsToCsv, resultsToJson, writeTextFile } from "./output.js"
import { ProgressBar, type ProgressStream } from "./ProgressBar.js"
import type { RunnerRef, SweepGrid, SweepJob, SweepResult, SweepRunnerOutput } from "./SweepJob.js"
import { gridKey, openSweepStore, SweepStoreError } from "./SweepStore.js"
import { type Shard, selectShard } from "./shard.js"
import { computeStatistics } from "./statistics/computeStatistics.js"
import type { SweepStatistics } from "./statistics/SweepStatistics.js"
import { statisticsToCsv, statisticsToJson } from "./statistics/statisticsTables.js"
import { gridArrivals } from "./sweepArrivals.js"
import { checkHostsParameter, gridHostsFile } from "./sweepHosts.js"
import { resolveVmOrders } from "./vmOrders.js"
import { RunnerLoadError, WorkerPool } from "./WorkerPool.js"
import { prepareWorkerEntry } from "./workerBundle.js"

/** The runner could not be loaded, or the worker pool failed as a whole. */
export class SweepRunnerError extends Data.TaggedError("SweepRunnerError")<{ readonly message: string }> {}

export interface SweepOptions {
  readonly grid: SweepGrid
  readonly runner: RunnerRef
  /** A SQLite file (`sqlite:PATH` or a path) or a PostgreSQL URL. */
  readonly store: string
  /** PostgreSQL schema for the results table. */
  readonly storeSchema?: string | undefined
  /** Worker threads; the number of cores by default. */
  readonly workers?: number | undefined
  /** A job running longer fails (its worker is replaced); no limit by default. */
  readonly jobTimeoutSec?: number | undefined
  readonly shard?: Shard | undefined
  readonly csvFile?: string | undefined
  readonly jsonFile?: string | undefined
  /** The statistics of the results (summary.json, summary.csv). */
  readonly summaryJsonFile?: string | undefined
  readonly summaryCsvFile?: string | undefined
  /** The configuration the others are compared with: a label or NAME=VALUE pairs. */
  readonly baseline?: string | undefined
  /** Where progress goes (stderr by default); `false` for none. */
  readonly progress?: ProgressStream | false | undefined
}

export interface SweepSummary {
  /** Jobs in the whole grid. */
  readonly gridJobs: number
  /** Jobs of this shard. */
  readonly shardJobs: number
  /** This shard's jobs found already done in the store. */
  readonly skipped: number
  /** Jobs run now and saved. */
  readonly ran: number
  readonly failed: ReadonlyArray<{ readonly job: SweepJob; readonly message: string }>
  /** Every result of the grid in the store after the run (all shards'), in grid order. */
  readonly results: ReadonlyArray<SweepResult>
  /** Their statistics, as kept in the store and written to summary.json. */
  readonly statistics: SweepStatistics
  readonly store: string
}

const noMetrics = Object.fromEntries(
  METRIC_COLUMNS.map(([metric]) => [metric, Number.NaN])
) as unknown as SimulationMetrics

/**
 * The grid's jobs, each day in its VM order and every job on the grid's hosts, with the grid's
 * arrivals: the order and hosts files read, checked and hashed, the arrivals checked (synthetic
 * traces only), and a `hosts` parameter at odds with the hosts file refused.
 */
export const expandSweepGrid = (grid: SweepGrid): Effect.Effect<ReadonlyArray<SweepJob>, ConfigError | InputError> =>
  Effect.gen(function* () {
    const orders = yield* resolveVmOrders(grid.vmOrder ?? [], grid.traces)
    const jobs = expandGrid(grid, orders, {
      hostsFile: yield* gridHostsFile(grid),
      arrivals: yield* gridArrivals(grid)
    })
    yield* checkHostsParameter(jobs)
    return jobs
  })

/** The jobs of this grid that are in the store: what an interrupted sweep has kept. */
export const countStoredJobs = (
  options: Pick<SweepOptions, "grid" | "store" | "storeSchema">
): Effect.Effect<
  { readonly stored: number; readonly jobs: number; readonly store: string },
  SweepStoreError | ConfigError | InputError
> =>
  Effect.scoped(
    Effect.gen(function* () {
      const all = yield* expandSweepGrid(options.grid)
      const store = yield* openSweepStore(options.store, { schema: options.storeSchema })
      const finished = yield* store.finishedKeys(all.map((job) => job.key))
      return { stored: finished.size, jobs: all.length, store: store.name }
    })
  )

export const runSweep = (
  options: SweepOptions
): Effect.Effect<SweepSummary, SweepStoreError | SweepRunnerError | InputError | ConfigError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const all = yield* expandSweepGrid(options.grid)
      // A baseline that names no configuration is refused before anything runs.
      if (options.baseline !== undefined) {
        yield* computeStatistics(
          all.map((job) => ({ job, metrics: noMetrics })),
          options.baseline
        )
      }
      const mine = selectShard(all, options.shard)
      const store = yield* openSweepStore(options.store, { schema: options.storeSchema })
      const finished = yield* store.finishedKeys(mine.map((job) => job.key))
      const todo = mine.filter((job) => !finished.has(job.key))
      const failed: Array<{ job: SweepJob; message: string }> = []
      let ran = 0

      if (todo.length > 0) {
        const progress =
          options.progress === false ? undefined : new ProgressBar(todo.length, options.progress ?? process.stderr)
        progress?.start()
        const runtime = yield* Effect.runtime<never>()
        const save = Runtime.runPromise(runtime)
        const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), todo.length))
        yield* Effect.acquireUseRelease(
          Effect.promise(() => prepareWorkerEntry(options.runner)).pipe(
            Effect.map((entry) => ({ entry, pool: new WorkerPool(entry, workers, options.jobTimeoutSec) }))
          ),
          ({ pool }) =>
            Effect.tryPromise({
              try: () =>
                pool.run(todo, {
                  onDone: async (job, metrics) => {
                    const { timeline, ...plain } = metrics as SweepRunnerOutput
                    const saved = await save(Effect.either(store.save({ job, metrics: plain, timeline })))
                    if (Either.isLeft(saved)) throw saved.left
                    ran++
                    progress?.tick()
                  },
                  onFailed: async (job, message) => {
                    failed.push({ job, message })
                    progress?.tick(true)
                  }
                }),
              catch: (cause) =>
                cause instanceof SweepStoreError
                  ? cause
                  : new SweepRunnerError({
                      message: cause instanceof RunnerLoadError ? cause.message : `the sweep stopped: ${String(cause)}`
                    })
            }),
          ({ entry, pool }) => Effect.promise(() => pool.terminate()).pipe(Effect.ensuring(Effect.sync(entry.dispose)))
        )
      }

      // Timelines come back from the store, for jobs run now and jobs found already stored alike.
      const results = yield* store.load(all)
      if (options.csvFile !== undefined) yield* writeTextFile(options.csvFile, resultsToCsv(options.grid, results))
      if (options.jsonFile !== undefined) {
        yield* writeTextFile(options.jsonFile, resultsToJson(options.grid, all.length, results))
      }
      const statistics = yield* computeStatistics(results, options.baseline)
      yield* store.saveStatistics(gridKey(all), {
        baseline: options.baseline,
        results: results.length,
        computedAt: new Date().toISOString(),
        statistics
      })
      if (options.summaryJsonFile !== undefined) {
        yield* writeTextFile(options.summaryJsonFile, statisticsToJson(statistics))
      }
      if (options.summaryCsvFile !== undefined) {
        yield* writeTextFile(options.summaryCsvFile, statisticsToCsv(statistics))
      }
      failed.sort((a, b) => a.job.index - b.job.index)
      return {
        gridJobs: all.length,
        shardJobs: mine.length,
        skipped: mine.length - todo.length,
        ran,
        failed,
        results,
        statistics,
        store: store.name
      }
    })
  )

/** One line per failed job, for people. */
export const describeFailures = (summary: SweepSummary): ReadonlyArray<string> =>
  summary.failed.map(({ job, message }) => `${jobLabel(job)}: ${message}`)
