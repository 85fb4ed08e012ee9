/**
 * `neat sweep`: runs a grid of simulations (policies × parameters × trace days) on worker threads,
 * stores every result (SQLite file or PostgreSQL), resumes where an interrupted sweep stopped,
 * runs one shard of the grid with `--shard K/N` (or a Kubernetes Indexed Job's index), and writes
 * CSV, JSON and optionally an HTML report. See docs/sweep.md.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Command, Options } from "@effect/cli"
import { Data, Effect, Either, Option } from "effect"
import { writeReport } from "../../adapters/sim/report/writeReport.js"
import { expandGrid, jobLabel } from "../../adapters/sim/sweep/grid.js"
import { expandDays, parseParams, readGridFile } from "../../adapters/sim/sweep/gridSpec.js"
import { describeFailures, runSweep, type SweepSummary } from "../../adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../adapters/sim/sweep/SweepJob.js"
import { parseShard, type Shard, shardFromEnv } from "../../adapters/sim/sweep/shard.js"
import { parseRunnerRef } from "../../adapters/sim/sweep/simulationRunnerRef.js"
import { loadedUserFactories, preloadAlgorithmRefs } from "../../algorithms/catalogue/preload.js"
import { ConfigError, InputError } from "../../core/errors.js"

/** Some jobs failed (the others are stored; a rerun retries only the failed ones). */
export class SweepJobsFailed extends Data.TaggedError("SweepJobsFailed")<{ readonly message: string }> {}

const policy = Options.text("policy").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("control policy to run (repeatable): cloudsim, neat, npa, dvfs; default cloudsim"),
  Options.repeated
)
const param = Options.text("param").pipe(
  Options.withPseudoName("NAME=V1,V2"),
  Options.withDescription(
    "a parameter and its values (repeatable), e.g. overload=thr:0.8,lr:1.2,./my.ts#myDetector selection=mmt,mc"
  ),
  Options.repeated
)
const trace = Options.text("trace").pipe(
  Options.withPseudoName("SPEC"),
  Options.withDescription(
    "trace (repeatable): PlanetLab directory, CSV file or synthetic:vms=N,seed=S; with --days, the folder of the days; default synthetic"
  ),
  Options.repeated
)
const days = Options.text("days").pipe(
  Options.withPseudoName("all|DAY,DAY"),
  Options.withDescription("trace days under the single --trace folder: 'all' or names, e.g. 20110303,20110306"),
  Options.optional
)
const gridFile = Options.text("grid").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("JSON grid {policies, parameters, traces} instead of --policy/--param/--trace"),
  Options.optional
)
const out = Options.text("out").pipe(
  Options.withPseudoName("DIR"),
  Options.withDescription("folder for sweep.csv, sweep.json and the default store sweep.sqlite"),
  Options.withDefault("sweep-results")
)
const store = Options.text("store").pipe(
  Options.withPseudoName("FILE|URL"),
  Options.withDescription(
    "results store: a SQLite file or a postgresql:// URL (env NEAT_SWEEP_STORE); default DIR/sweep.sqlite"
  ),
  Options.optional
)
const storeSchema = Options.text("store-schema").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("PostgreSQL schema for the sweep_results table"),
  Options.optional
)
const workers = Options.integer("workers").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("worker threads; default the number of cores"),
  Options.optional
)
const jobTimeout = Options.integer("job-timeout").pipe(
  Options.withPseudoName("SECONDS"),
  Options.withDescription("fail a job that runs longer (its worker is replaced); no limit by default"),
  Options.optional
)
const shard = Options.text("shard").pipe(
  Options.withPseudoName("K/N"),
  Options.withDescription("run only shard K (0-based) of N"),
  Options.optional
)
const shards = Options.integer("shards").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("run the shard given by JOB_COMPLETION_INDEX (Kubernetes Indexed Job) out of N"),
  Options.optional
)
const runner = Options.text("runner").pipe(
  Options.withPseudoName("MODULE#EXPORT"),
  Options.withDescription("module and export that run one job; default the simulator"),
  Options.optional
)
const report = Options.text("report").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("also write an HTML report of the stored results"),
  Options.optional
)
const quiet = Options.boolean("quiet").pipe(Options.withDescription("no progress bar"))

const config = {
  policy,
  param,
  trace,
  days,
  grid: gridFile,
  out,
  store,
  storeSchema,
  workers,
  jobTimeout,
  shard,
  shards,
  runner,
  report,
  quiet
}

type Parsed = {
  readonly policy: ReadonlyArray<string>
  readonly param: ReadonlyArray<string>
  readonly trace: ReadonlyArray<string>
  readonly days: Option.Option<string>
  readonly grid: Option.Option<string>
}

/**
 * Loads the user algorithms the grid names (a missing module fails here, before any worker starts)
 * and records their content hashes in the grid, so that each stored job says which code it ran.
 */
const withUserModules = (grid: SweepGrid): Effect.Effect<SweepGrid, ConfigError> =>
  Effect.gen(function* () {
    const refs = Object.values(grid.parameters).flatMap((values) =>
      values.filter((value): value is string => typeof value === "string")
    )
    yield* preloadAlgorithmRefs(refs)
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
      return yield* readGridFile(options.grid.value)
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
    return { policies, parameters, traces }
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

export const sweepCommand = Command.make("sweep", config, (options) =>
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
    const summary = yield* runSweep({
      grid,
      runner: runnerRef,
      store: storeTarget,
      storeSchema: Option.getOrUndefined(options.storeSchema),
      workers: Option.getOrUndefined(options.workers),
      jobTimeoutSec: Option.getOrUndefined(options.jobTimeout),
      shard: shardInfo,
      csvFile,
      jsonFile,
      progress: options.quiet ? false : process.stderr
    })
    const files = [csvFile, jsonFile]
    if (Option.isSome(options.report)) {
      const empty = {
        timeSec: new Float64Array(0),
        activeHosts: new Int32Array(0),
        powerW: new Float64Array(0),
        overloadedHosts: new Int32Array(0),
        migrations: new Int32Array(0)
      }
      yield* writeReport(
        options.report.value,
        summary.results.map(({ job, metrics }) => ({
          label: jobLabel(job),
          result: { metrics, timeline: empty }
        })),
        { title: "Neat sweep report" }
      )
      files.push(options.report.value)
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
).pipe(Command.withDescription("Run a grid of simulations in parallel, resumable and shardable, into a results store"))
