/**
 * What `neat sweep` runs: the grid, the worker pool and the stores, loaded by the command's handler
 * (sweep.ts), so that other commands and `--help` never load them.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect, Either, Option } from "effect"
import { expandGrid, gridBlocks } from "../../../adapters/sim/sweep/grid.js"
import { expandDays, parseParams, readGridFile } from "../../../adapters/sim/sweep/gridSpec.js"
import { writeSweepHtmlReport } from "../../../adapters/sim/sweep/htmlReport.js"
import {
  countStoredJobs,
  describeFailures,
  runSweep,
  type SweepOptions,
  type SweepSummary
} from "../../../adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../adapters/sim/sweep/SweepJob.js"
import { parseShard, type Shard, shardFromEnv } from "../../../adapters/sim/sweep/shard.js"
import { parseRunnerRef } from "../../../adapters/sim/sweep/simulationRunnerRef.js"
import { formatStatisticsText } from "../../../adapters/sim/sweep/statistics/statisticsTables.js"
import { parseTableTarget, writeTable } from "../../../adapters/sim/sweep/statistics/tableTarget.js"
import { parseAlgorithmRef } from "../../../algorithms/catalogue/catalogue.js"
import { loadedUserFactories, preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
import type { AlgorithmFamily } from "../../../algorithms/registry.js"
import { ConfigError, InputError } from "../../../core/errors.js"

import { type SweepFlags, SweepJobsFailed } from "../sweep.js"

type Parsed = {
  readonly policy: ReadonlyArray<string>
  readonly param: ReadonlyArray<string>
  readonly trace: ReadonlyArray<string>
  readonly days: Option.Option<string>
  readonly grid: Option.Option<string>
  readonly vmOrder: ReadonlyArray<string>
  readonly hosts: Option.Option<number | string>
  readonly arrivals: Option.Option<string>
}

/**
 * The grid on `--hosts` (a number of hosts, or a hosts file) and with `--arrivals`, both read and
 * checked when the sweep starts.
 */
const withHosts = (grid: SweepGrid, options: Pick<Parsed, "hosts" | "arrivals">): SweepGrid => {
  const hosts = Option.isSome(options.hosts) ? { ...grid, hosts: options.hosts.value } : grid
  return Option.isSome(options.arrivals) ? { ...hosts, arrivals: options.arrivals.value } : hosts
}

/**
 * Loads the user algorithms the grid names (a missing module fails here, before any worker starts)
 * and records their content hashes in the grid, so that each stored job says which code it ran.
 */
const algorithmFamilies: ReadonlyArray<AlgorithmFamily> = ["underload", "overload", "selection", "placement"]

const withUserModules = (grid: SweepGrid): Effect.Effect<SweepGrid, ConfigError> =>
  Effect.gen(function* () {
    const refs = gridBlocks(grid).flatMap((block) =>
      Object.values(block.parameters).flatMap((values) =>
        values.filter((value): value is string => typeof value === "string")
      )
    )
    yield* preloadAlgorithmRefs(refs)
    // Every algorithm reference parsed now, by the one parser, rather than failing job by job.
    for (const block of gridBlocks(grid)) {
      for (const family of algorithmFamilies) {
        for (const value of block.parameters[family] ?? []) {
          if (typeof value === "string") yield* parseAlgorithmRef(family, value, family)
        }
      }
    }
    const loaded = loadedUserFactories(refs)
    if (loaded.length === 0) return grid
    return { ...grid, modules: Object.fromEntries(loaded.map((factory) => [factory.ref, factory.contentHash])) }
  })

const buildGrid = (options: Parsed): Effect.Effect<SweepGrid, ConfigError | InputError> =>
  Effect.gen(function* () {
    if (Option.isSome(options.grid)) {
      if (
        options.policy.length > 0 ||
        options.param.length > 0 ||
        options.trace.length > 0 ||
        Option.isSome(options.days)
      ) {
        return yield* new ConfigError({
          field: "grid",
          message: "give either --grid or --policy/--param/--trace/--days"
        })
      }
      const fromFile = yield* readGridFile(options.grid.value)
      const orders = [...(fromFile.vmOrder ?? []), ...options.vmOrder]
      return withHosts(orders.length === 0 ? fromFile : { ...fromFile, vmOrder: orders }, options)
    }
    const parameters = yield* parseParams(options.param)
    let traces: ReadonlyArray<string> = options.trace.length > 0 ? options.trace : ["synthetic"]
    if (Option.isSome(options.days)) {
      const [root] = options.trace
      if (root === undefined || options.trace.length !== 1) {
        return yield* new ConfigError({
          field: "days",
          message: "needs exactly one --trace: the folder holding the days"
        })
      }
      traces = yield* expandDays(root, options.days.value)
    }
    const policies = options.policy.length > 0 ? options.policy : ["cloudsim"]
    return withHosts(
      options.vmOrder.length === 0
        ? { policies, parameters, traces }
        : { policies, parameters, traces, vmOrder: options.vmOrder },
      options
    )
  })

const resolveShard = (
  text: Option.Option<string>,
  count: Option.Option<number>
): Either.Either<Shard | undefined, ConfigError> => {
  if (Option.isSome(text) && Option.isSome(count)) {
    return Either.left(new ConfigError({ field: "shard", message: "give either --shard K/N or --shards N, not both" }))
  }
  if (Option.isSome(text)) return parseShard(text.value)
  if (Option.isSome(count)) return shardFromEnv(count.value)
  return Either.right(undefined)
}

const summaryLines = (summary: SweepSummary, shardInfo: Shard | undefined, files: ReadonlyArray<string>): string => {
  const scope = shardInfo === undefined ? "" : `, ${summary.shardJobs} in shard ${shardInfo.index}/${shardInfo.count}`
  return [
    `sweep: ${summary.gridJobs} jobs in the grid${scope}; ${summary.skipped} already stored, ${summary.ran} run, ${summary.failed.length} failed`,
    `store: ${summary.store} (${summary.results.length} of ${summary.gridJobs} results)`,
    ...(files.length > 0 ? [`wrote: ${files.join(", ")}`] : [])
  ].join("\n")
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const
type StopSignal = keyof typeof SIGNAL_EXIT_CODES

/**
 * Notes which stop signal arrived while `effect` runs (the runtime interrupts the command on it),
 * and when the command is interrupted so, says how many results are stored and that running the
 * same command again resumes, and sets the exit status to 128 + the signal's number.
 */
const reportStopSignal = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  sweep: Pick<SweepOptions, "grid" | "store" | "storeSchema">
): Effect.Effect<A, E, R> => {
  let received: StopSignal | undefined
  const signals = Object.keys(SIGNAL_EXIT_CODES) as Array<StopSignal>
  const removeListeners = () => {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener)
  }
  // Only the first signal is caught: a second one finds no listener and ends the process at once.
  const listeners = signals.map(
    (signal) =>
      [
        signal,
        () => {
          received ??= signal
          removeListeners()
        }
      ] as const
  )
  const tell = Effect.suspend(() => {
    if (received === undefined) return Effect.void
    const signal = received
    return countStoredJobs(sweep).pipe(
      Effect.map(
        ({ stored, jobs, store }) =>
          `neat sweep: interrupted by ${signal}; ${stored} of ${jobs} results are stored in ${store}. ` +
          "Run the same command again to resume: stored jobs are not run again.\n"
      ),
      Effect.catchAll(() =>
        Effect.succeed(
          `neat sweep: interrupted by ${signal}; the finished results are stored. Run the same command again to resume.\n`
        )
      ),
      Effect.flatMap((text) =>
        Effect.sync(() => {
          process.stderr.write(text)
          process.exitCode = SIGNAL_EXIT_CODES[signal]
        })
      )
    )
  })
  return Effect.acquireUseRelease(
    Effect.sync(() => {
      for (const [signal, listener] of listeners) process.on(signal, listener)
    }),
    () => effect.pipe(Effect.onInterrupt(() => tell)),
    () => Effect.sync(removeListeners)
  )
}

/** Runs `neat sweep` with its parsed flags. */
export const sweep = (options: SweepFlags) =>
  Effect.gen(function* () {
    const grid = yield* Effect.flatMap(buildGrid(options), withUserModules)
    if (expandGrid(grid).length === 0) return yield* new ConfigError({ field: "grid", message: "the grid has no job" })
    const shardInfo = yield* resolveShard(options.shard, options.shards)
    const runnerRef = yield* parseRunnerRef(Option.getOrUndefined(options.runner))
    if (Option.isSome(options.workers) && options.workers.value < 1) {
      return yield* new ConfigError({ field: "workers", message: "must be at least 1" })
    }
    if (Option.isSome(options.jobTimeout) && options.jobTimeout.value < 1) {
      return yield* new ConfigError({ field: "job-timeout", message: "must be at least 1 second" })
    }
    const tableTarget = Option.isSome(options.table)
      ? Option.some(yield* parseTableTarget(options.table.value))
      : Option.none()
    const outDir = options.out
    yield* Effect.try({
      try: () => mkdirSync(outDir, { recursive: true }),
      catch: (cause) => new InputError({ file: outDir, message: `cannot create the folder: ${String(cause)}` })
    })
    const csvFile = join(outDir, "sweep.csv")
    const jsonFile = join(outDir, "sweep.json")
    const storeTarget = Option.getOrElse(
      options.store,
      () => process.env.NEAT_SWEEP_STORE ?? join(outDir, "sweep.sqlite")
    )
    const sweepOptions: SweepOptions = {
      grid,
      runner: runnerRef,
      store: storeTarget,
      storeSchema: Option.getOrUndefined(options.storeSchema),
      workers: Option.getOrUndefined(options.workers),
      jobTimeoutSec: Option.getOrUndefined(options.jobTimeout),
      shard: shardInfo,
      csvFile,
      jsonFile,
      summaryJsonFile: join(outDir, "summary.json"),
      summaryCsvFile: join(outDir, "summary.csv"),
      baseline: Option.getOrUndefined(options.baseline),
      progress: options.quiet ? false : process.stderr
    }
    const summary = yield* reportStopSignal(runSweep(sweepOptions), sweepOptions)
    const files = [csvFile, jsonFile, join(outDir, "summary.json"), join(outDir, "summary.csv")]
    if (Option.isSome(tableTarget)) {
      const written = yield* writeTable(tableTarget.value, summary.statistics)
      if (written !== undefined) files.push(written)
    }
    if (Option.isSome(options.report)) {
      yield* writeSweepHtmlReport(options.report.value, summary.results, summary.statistics)
      files.push(options.report.value)
    }
    if (summary.statistics.configurations.length > 0) {
      yield* Effect.sync(() => process.stdout.write(`${formatStatisticsText(summary.statistics)}\n`))
    }
    yield* Effect.sync(() => process.stdout.write(`${summaryLines(summary, shardInfo, files)}\n`))
    if (summary.failed.length > 0) {
      const lines = describeFailures(summary)
      yield* Effect.sync(() => process.stderr.write(`${lines.slice(0, 10).join("\n")}\n`))
      return yield* new SweepJobsFailed({
        message: `${summary.failed.length} of ${summary.shardJobs} jobs failed; they are not stored, so running the same command again retries them`
      })
    }
  })
