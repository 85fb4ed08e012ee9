/**
 * `neat sim`: a trace-driven simulation of CloudSim's PlanetLab data centre under a control
 * policy; prints the study's metrics as a table or as one JSON object, and with `--report` writes
 * the HTML report. Repeated `--overload`/`--selection` values (every combination) or a sweep grid
 * file (`--grid`) give several runs, compared in one report. See docs/simulation.md.
 */
import { Command, HelpDoc, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { formatMetricsJson, formatMetricsTable, formatServerGroups } from "../../adapters/sim/formatMetrics.js"
import type { SimServerGroups } from "../../adapters/sim/ServerGroupsFile.js"
import { policyNames } from "../../adapters/sim/SimulationOptions.js"
import type { SimulationResult } from "../../adapters/sim/SimulationResult.js"
import type { Trace } from "../../adapters/sim/Trace.js"
import { ConfigError } from "../../core/errors.js"
import { parseHostsFlag } from "./hostsFlag.js"
import { markPhase } from "./phases.js"
import { DEFAULT_POLICY, DEFAULT_TRACE } from "./simDefaults.js"
import type { RunConfiguration, SimRun } from "./simRuns.js"

/** The simulator and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/sim.js"))

const trace = Options.text("trace").pipe(
  Options.withPseudoName("SPEC"),
  Options.withDescription(
    "workload: a PlanetLab day directory (one file per VM), a CSV file (vm,time,cpu_percent[,ram_mb]), " +
      "a public data set as FORMAT:PATH (gwa:, azure:, alibaba:, google:; the format is detected when no prefix is given; " +
      `see docs/traces.md) or synthetic[:vms=N,seed=S,days=D] (the built-in seeded workload); default ${DEFAULT_TRACE}`
  ),
  Options.optional
)
const vmOrder = Options.file("vm-order", { exists: "yes" }).pipe(
  Options.withDescription("file of 'index,filename' lines giving each VM's trace file (default: sorted names)"),
  Options.optional
)
// Reading a public data set's trace (gwa, azure, alibaba, google): which VMs, which time, which interval.
const vms = Options.integer("vms").pipe(
  Options.withDescription("data sets: keep N VMs, chosen reproducibly by a hash of their ids seeded with --seed"),
  Options.optional
)
const from = Options.text("from").pipe(
  Options.withPseudoName("SECONDS|DATE"),
  Options.withDescription(
    "data sets: start of the time window (seconds of the trace's clock, or an ISO date with a zone for gwa)"
  ),
  Options.optional
)
const to = Options.text("to").pipe(
  Options.withPseudoName("SECONDS|DATE"),
  Options.withDescription("data sets: end of the time window, exclusive"),
  Options.optional
)
const interval = Options.float("interval").pipe(
  Options.withPseudoName("SECONDS"),
  Options.withDescription("data sets: the scheduling interval; readings are averaged over each (default 300)"),
  Options.optional
)
const mipsPerCore = Options.float("mips-per-core").pipe(
  Options.withDescription("data sets: MIPS of one core, for VMs sized in cores (azure, alibaba; default 2660)"),
  Options.optional
)
const report = Options.file("report").pipe(
  Options.withDescription(
    "write a self-contained HTML report (metrics, energy vs SLAV, timelines of every run) to this file"
  ),
  Options.optional
)
const grid = Options.file("grid", { exists: "yes" }).pipe(
  Options.withDescription(
    "run every job of a sweep grid file {policies, parameters, traces} (as neat sweep --grid reads it) " +
      "instead of --trace/--policy/--overload/--selection"
  ),
  Options.optional
)
const hosts = Options.text("hosts").pipe(
  Options.withPseudoName("N|FILE.json"),
  Options.withDescription(
    "number of hosts (CloudSim's G4/G5, alternating), or a JSON file of host types with their cores, MHz per core, " +
      'memory, power curve and counts: {"hosts": [{"name", "count", "cores", "mhz_per_core", "ram_mb", ' +
      '"power_w": [11 watts, 0 % to 100 %] or {"idle", "max"}}]} (docs/simulation.md)'
  ),
  Options.withDefault("800"),
  Options.mapTryCatch(parseHostsFlag, (error) => HelpDoc.p(error instanceof Error ? error.message : String(error)))
)
const arrivals = Options.text("arrivals").pipe(
  Options.withPseudoName("rate=R[,mean=H,...]"),
  Options.withDescription(
    "synthetic workload: VMs arriving during the run, a Poisson process of R VMs an hour, each living " +
      "an exponential (default) or lognormal lifetime of mean H hours (24), seeded (the workload's seed by default); " +
      "the workload's VMs are there at the start, with lifetimes too"
  ),
  Options.optional
)
const policy = Options.choice("policy", policyNames).pipe(
  Options.withDescription(`control policy; default ${DEFAULT_POLICY}`),
  Options.optional
)
const overload = Options.text("overload").pipe(
  Options.withPseudoName("NAME[:PARAMS]"),
  Options.withDescription(
    "overload detector NAME[:PARAM]: thr (threshold, 0.8 by default), iqr, mad, lr, lrr (safety parameter), " +
      "or any catalogue detector NAME[:NUMBER or :JSON] (threshold, mad_threshold, otf, mhod, ...), in every policy, " +
      "or a user's MODULE#EXPORT[:NUMBER or :JSON] (see neat algorithms, docs/plugins.md); " +
      "repeat it for one run per detector"
  ),
  Options.repeated
)
const selection = Options.text("selection").pipe(
  Options.withPseudoName("NAME[:PARAMS]"),
  Options.withDescription(
    "VM selection: mmt (default), mu, mc, rs, or any catalogue selection NAME[:NUMBER or :JSON] " +
      "(minimum_migration_time_max_cpu, minimum_migration_time, minimum_utilization, random), in every policy, " +
      "or MODULE#EXPORT; repeat it for one run per selection (with repeated --overload: every combination)"
  ),
  Options.repeated
)
const underload = Options.text("underload").pipe(
  Options.withPseudoName("NAME[:PARAMS]"),
  Options.withDescription(
    "--policy neat: underload detector NAME[:NUMBER or :JSON] (last_n_average_threshold:0.5) or MODULE#EXPORT"
  ),
  Options.optional
)
const placement = Options.text("placement").pipe(
  Options.withPseudoName("NAME[:PARAMS]"),
  Options.withDescription("--policy neat: VM placement NAME[:JSON] (best_fit_decreasing) or MODULE#EXPORT"),
  Options.optional
)
const serverGroups = Options.file("server-groups", { exists: "yes" }).pipe(
  Options.withDescription(
    '--policy neat: server groups the placement keeps, a JSON file {"groups": [{"name", "policy", "vms": [...]}]} ' +
      "naming VMs of the trace; policy affinity, anti-affinity, soft-affinity or soft-anti-affinity"
  ),
  Options.optional
)
const seed = Options.integer("seed").pipe(
  Options.withDescription("seed of random selection (rs) and of a data set's VM sample (--vms)"),
  Options.optional
)
const format = Options.choice("format", ["table", "json"] as const).pipe(
  Options.withDescription("table for reading, json (snake_case keys) for tools"),
  Options.withDefault("table" as const)
)

/** The server groups' cost in snake_case, as every other key of the JSON. */
const serverGroupsJson = (groups: NonNullable<SimulationResult["serverGroups"]>) => ({
  groups: groups.groups,
  members: groups.members,
  broken_at_start: groups.brokenAtStart,
  refused_requests: groups.refusedRequests,
  vms_kept: groups.vmsKept
})

/** A run's metrics, stating the configuration that produced them (and the server groups' cost, if any). */
const formatRun = (
  run: SimRun,
  result: SimulationResult,
  format: "table" | "json",
  several: boolean,
  configuration: RunConfiguration,
  describe: (configuration: RunConfiguration) => string
): string => {
  const groups = result.serverGroups
  const extra = groups === undefined ? {} : { server_groups: serverGroupsJson(groups) }
  if (format === "json") {
    if (!several) return formatMetricsJson(result.metrics, { configuration, ...extra })
    return `{"run":${JSON.stringify(run.label)},"trace":${JSON.stringify(run.trace)},"configuration":${JSON.stringify(configuration)},"metrics":${formatMetricsJson(result.metrics, extra)}}`
  }
  const heading = several ? `== ${run.label} @ ${run.day}\n` : ""
  const groupsLine = groups === undefined ? "" : `\n${formatServerGroups(groups)}`
  return `${heading}${describe(configuration)}\n${formatMetricsTable(result.metrics)}${groupsLine}`
}

export const simCommand = Command.make(
  "sim",
  {
    trace,
    vmOrder,
    hosts,
    arrivals,
    policy,
    overload,
    selection,
    underload,
    placement,
    serverGroups,
    seed,
    vms,
    from,
    to,
    interval,
    mipsPerCore,
    grid,
    format,
    report
  },
  (options) =>
    Effect.gen(function* () {
      markPhase("start to command")
      const {
        describeRunConfiguration,
        fleetHostCount,
        fleetHostTypeOf,
        loadHostsFile,
        loadPlanetLab,
        parseArrivalsSpec,
        loadServerGroups,
        loadTrace,
        planSimRuns,
        preloadAlgorithmRefs,
        readOptionsFromFlags,
        describeReadOptions,
        runConfiguration,
        runSimulationEffect,
        simulationOptionsFromParams,
        withDefaultSignals,
        writeReport
      } = yield* implementation
      markPhase("sim modules")
      // --hosts: a count, or a file of the data centre's own host types.
      const hostsFile = "file" in options.hosts ? options.hosts.file : undefined
      const fleet = hostsFile === undefined ? undefined : yield* loadHostsFile(hostsFile)
      const hostCount = "count" in options.hosts ? options.hosts.count : fleet === undefined ? 0 : fleetHostCount(fleet)
      const arrivalSpec = Option.getOrUndefined(options.arrivals)
      const arrivalModel = arrivalSpec === undefined ? undefined : yield* parseArrivalsSpec(arrivalSpec)
      const runs = yield* planSimRuns({ ...options, hosts: hostCount })
      // A user's algorithm (MODULE#EXPORT) is loaded before any run's options are built, whatever the policy.
      yield* preloadAlgorithmRefs(
        runs.flatMap((run) => Object.values(run.params).filter((value): value is string => typeof value === "string"))
      )
      const read = yield* readOptionsFromFlags({
        vms: Option.getOrUndefined(options.vms),
        seed: Option.getOrUndefined(options.seed),
        from: Option.getOrUndefined(options.from),
        to: Option.getOrUndefined(options.to),
        intervalSec: Option.getOrUndefined(options.interval),
        mipsPerCore: Option.getOrUndefined(options.mipsPerCore)
      })
      // A run's configuration names how its data set was read, when it was sampled or windowed.
      const readWords = describeReadOptions(read)
      const configurationOf = (run: SimRun): RunConfiguration & { readonly hosts_file?: string } => {
        const configuration = runConfiguration(run, Option.getOrUndefined(options.vmOrder))
        const read =
          readWords === "" ? configuration : { ...configuration, trace: `${configuration.trace} (${readWords})` }
        return hostsFile === undefined ? read : { ...read, hosts_file: hostsFile }
      }
      // Every trace loaded and every run's options checked before the first simulation starts.
      const traces = new Map<string, Trace>()
      for (const run of runs) {
        if (traces.has(run.trace)) continue
        traces.set(
          run.trace,
          yield* loadTrace(run.trace, {
            planetLab: loadPlanetLab,
            vmOrder: Option.getOrUndefined(options.vmOrder),
            arrivals: arrivalModel,
            read
          })
        )
      }
      markPhase("traces read")
      // The groups name VMs of each trace: checked against every trace before anything runs.
      const groupsOf = new Map<string, SimServerGroups>()
      if (Option.isSome(options.serverGroups)) {
        const other = runs.find((run) => run.policy !== "neat")
        if (other !== undefined) {
          return yield* new ConfigError({
            field: "server-groups",
            message: `server groups are kept by the neat policy's placement only (--policy neat), not by ${other.policy}`
          })
        }
        for (const [spec, loaded] of traces) {
          groupsOf.set(spec, yield* loadServerGroups(options.serverGroups.value, loaded))
        }
      }
      const planned = []
      for (const run of runs) {
        const simulation = yield* simulationOptionsFromParams(run.policy, run.params, traces.get(run.trace) as Trace)
        const groups = groupsOf.get(run.trace)
        if (fleet !== undefined && run.params.hosts !== hostCount) {
          return yield* new ConfigError({
            field: "hosts",
            message: `run ${run.label} asks for ${String(run.params.hosts)} hosts, but ${hostsFile} describes ${hostCount}`
          })
        }
        const machines = fleet === undefined ? {} : { hostTypes: fleet.types, hostTypeOf: fleetHostTypeOf(fleet) }
        planned.push({
          run,
          options: { ...simulation, ...machines, ...(groups === undefined ? {} : { serverGroups: groups }) }
        })
      }
      const several = runs.length > 1
      const results: Array<{ run: SimRun; result: SimulationResult }> = []
      const lines: Array<string> = []
      for (const { run, options: simulation } of planned) {
        const result = yield* withDefaultSignals(runSimulationEffect(simulation))
        results.push({ run, result })
        markPhase(several ? `simulation: ${run.label}` : "simulation")
        const configuration = configurationOf(run)
        const text = formatRun(run, result, options.format, several, configuration, describeRunConfiguration)
        if (several && options.format === "json") lines.push(text)
        else yield* Console.log(several && results.length > 1 ? `\n${text}` : text)
      }
      if (lines.length > 0) yield* Console.log(`[${lines.join(",\n")}]`)
      if (Option.isSome(options.report)) {
        // Several runs: the title names the inputs they share; each run's label names its policy and algorithms.
        const order = Option.match(options.vmOrder, { onNone: () => "", onSome: (file) => `, VM order ${file}` })
        // A single run's title is its whole configuration (algorithms with their parameters included).
        const only = results.length === 1 ? results[0]!.run : undefined
        const title =
          only !== undefined
            ? `neat sim: ${describeRunConfiguration(configurationOf(only))}`
            : Option.isSome(options.grid)
              ? `neat sim: ${options.grid.value}`
              : `neat sim: ${Option.getOrElse(options.trace, () => DEFAULT_TRACE)}${order}`
        yield* writeReport(
          options.report.value,
          results.map(({ run, result }) => ({ label: run.label, result, day: run.day })),
          { title }
        )
        yield* Console.error(`report: ${options.report.value}`)
        markPhase("report")
      }
    })
).pipe(Command.withDescription("Simulate a workload under consolidation policies and print their metrics"))
