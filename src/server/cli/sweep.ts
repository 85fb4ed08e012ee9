/**
 * `neat sweep`: runs a grid of simulations (policies × parameters × trace days, each day in its VM
 * order) on worker threads, stores every result (SQLite file or PostgreSQL), resumes where an
 * interrupted sweep stopped, runs one shard of the grid with `--shard K/N` (or a Kubernetes
 * Indexed Job's index), and writes CSV, JSON, the statistics per configuration (summary.json,
 * summary.csv, a table on stdout, the papers' table with `--table`) and optionally an HTML report.
 * Interrupted by SIGINT or SIGTERM, it says what is stored and exits 130 or 143. See docs/sweep.md.
 */
import { Command, HelpDoc, Options } from "@effect/cli"
import { Data, Effect } from "effect"
import { policyNames } from "../../adapters/sim/SimulationOptions.js"
import { parseHostsFlag } from "./hostsFlag.js"

/** Some jobs failed (the others are stored; a rerun retries only the failed ones). */
export class SweepJobsFailed extends Data.TaggedError("SweepJobsFailed")<{ readonly message: string }> {}

const policy = Options.choice("policy", policyNames).pipe(
  Options.withDescription("control policy to run (repeatable); default cloudsim"),
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
const hosts = Options.text("hosts").pipe(
  Options.withPseudoName("N|FILE.json"),
  Options.withDescription(
    "hosts of every job, as neat sim takes them: a number of CloudSim's G4/G5 (the default of jobs whose parameters name no hosts), " +
      "or a JSON file of the data centre's host types with their counts (docs/simulation.md); default 800 G4/G5"
  ),
  Options.mapTryCatch(
    (text) => {
      const parsed = parseHostsFlag(text)
      return "count" in parsed ? parsed.count : parsed.file
    },
    (error) => HelpDoc.p(error instanceof Error ? error.message : String(error))
  ),
  Options.optional
)
const arrivals = Options.text("arrivals").pipe(
  Options.withPseudoName("rate=R[,mean=H,...]"),
  Options.withDescription(
    "synthetic traces: VMs arriving during the run, as neat sim --arrivals takes them (a Poisson process of R VMs an hour, " +
      "exponential or lognormal lifetimes of mean H hours); every job's"
  ),
  Options.optional
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
const vmOrder = Options.text("vm-order").pipe(
  Options.withPseudoName("DIR|DAY=FILE"),
  Options.withDescription(
    "VM order (repeatable): a folder of <day>.csv files in neat sim --vm-order's format (a day without one keeps the default order), or one day's file"
  ),
  Options.repeated
)
export const baselineOption = Options.text("baseline").pipe(
  Options.withPseudoName("LABEL|NAME=VALUE..."),
  Options.withDescription(
    "compare every configuration with this one, paired over days: its label, or NAME=VALUE pairs (policy=NAME too) that name it"
  ),
  Options.optional
)
export const tableOption = Options.text("table").pipe(
  Options.withPseudoName("md|latex|csv:FILE"),
  Options.withDescription(
    "write the papers' table (mean ± 95 % half-width per configuration) as md, latex or csv; FILE - for stdout"
  ),
  Options.optional
)

const config = {
  policy,
  param,
  trace,
  days,
  hosts,
  arrivals,
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
  quiet,
  vmOrder,
  baseline: baselineOption,
  table: tableOption
}

/** The parsed flags. */
export type SweepFlags = Command.Command.ParseConfig<typeof config>

/** The worker pool, the stores and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/sweep.js"))

export const sweepCommand = Command.make("sweep", config, (options) =>
  Effect.flatMap(implementation, (loaded) => loaded.sweep(options))
).pipe(Command.withDescription("Run a grid of simulations in parallel, resumable and shardable, into a results store"))
