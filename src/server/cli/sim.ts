/**
 * `neat sim`: one trace-driven simulation of CloudSim's PlanetLab data centre under a control
 * policy; prints the study's metrics as a table or as one JSON object, and with `--report` writes
 * the HTML report. See docs/simulation.md.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { formatMetricsJson, formatMetricsTable } from "../../adapters/sim/formatMetrics.js"
import { writeReport } from "../../adapters/sim/report/writeReport.js"
import { runSimulationEffect } from "../../adapters/sim/runSimulation.js"
import { policyNames } from "../../adapters/sim/SimulationOptions.js"
import { simulationOptionsFromParams } from "../../adapters/sim/simulationParams.js"
import { loadTrace } from "../../adapters/sim/traces/loadTrace.js"
import { loadPlanetLab } from "../../adapters/sim/traces/planetLab.js"
import { preloadAlgorithmRefs } from "../../algorithms/catalogue/preload.js"

const trace = Options.text("trace").pipe(
  Options.withDescription(
    "workload: a PlanetLab day directory (one file per VM), a CSV file (vm,time,cpu_percent[,ram_mb]) " +
      "or synthetic[:vms=N,seed=S,days=D] (the built-in seeded workload)"
  ),
  Options.withDefault("synthetic")
)
const vmOrder = Options.file("vm-order", { exists: "yes" }).pipe(
  Options.withDescription("file of 'index,filename' lines giving each VM's trace file (default: sorted names)"),
  Options.optional
)
const report = Options.file("report").pipe(
  Options.withDescription("write a self-contained HTML report (metrics, energy vs SLAV, timelines) to this file"),
  Options.optional
)
const hosts = Options.integer("hosts").pipe(Options.withDescription("number of hosts"), Options.withDefault(800))
const policy = Options.choice("policy", policyNames).pipe(
  Options.withDescription("control policy"),
  Options.withDefault("cloudsim" as const)
)
const overload = Options.text("overload").pipe(
  Options.withDescription(
    "overload detector NAME[:PARAM]: thr (threshold, 0.8 by default), iqr, mad, lr, lrr (safety parameter); " +
      "for --policy neat any catalogue detector NAME[:NUMBER or :JSON] (threshold, mad_threshold, otf, mhod, ...); " +
      "a user's MODULE#EXPORT[:NUMBER or :JSON] (see neat algorithms, docs/plugins.md)"
  ),
  Options.optional
)
const selection = Options.text("selection").pipe(
  Options.withDescription(
    "VM selection: mmt (default), mu, mc, rs; for --policy neat a registry selection NAME[:JSON] " +
      "(minimum_migration_time_max_cpu, minimum_migration_time, minimum_utilization, random) or MODULE#EXPORT"
  ),
  Options.optional
)
const underload = Options.text("underload").pipe(
  Options.withDescription(
    "--policy neat: underload detector NAME[:NUMBER or :JSON] (last_n_average_threshold:0.5) or MODULE#EXPORT"
  ),
  Options.optional
)
const placement = Options.text("placement").pipe(
  Options.withDescription("--policy neat: VM placement NAME[:JSON] (best_fit_decreasing) or MODULE#EXPORT"),
  Options.optional
)
const seed = Options.integer("seed").pipe(Options.withDescription("seed of random selection (rs)"), Options.optional)
const format = Options.choice("format", ["table", "json"] as const).pipe(Options.withDefault("table" as const))

export const simCommand = Command.make(
  "sim",
  { trace, vmOrder, hosts, policy, overload, selection, underload, placement, seed, format, report },
  (options) =>
    Effect.gen(function* () {
      const given = { overload: options.overload, selection: options.selection, underload: options.underload }
      const params: Record<string, string | number> = { hosts: options.hosts }
      for (const [name, value] of Object.entries({ ...given, placement: options.placement })) {
        if (Option.isSome(value)) params[name] = value.value
      }
      if (Option.isSome(options.seed)) params.seed = options.seed.value
      // A user's algorithm (MODULE#EXPORT) is loaded before the options are built, whatever the policy.
      yield* preloadAlgorithmRefs(Object.values(params).filter((value) => typeof value === "string"))
      const loaded = yield* loadTrace(options.trace, {
        planetLab: loadPlanetLab,
        vmOrder: Option.getOrUndefined(options.vmOrder)
      })
      const result = yield* runSimulationEffect(yield* simulationOptionsFromParams(options.policy, params, loaded))
      yield* Console.log(
        options.format === "json" ? formatMetricsJson(result.metrics) : formatMetricsTable(result.metrics)
      )
      if (Option.isSome(options.report)) {
        const chosen = Object.values(given).flatMap((value) => (Option.isSome(value) ? [value.value] : []))
        const label = chosen.length === 0 ? options.policy : `${options.policy} ${chosen.join(" ")}`
        yield* writeReport(options.report.value, [{ label, result }], { title: `neat sim: ${options.trace}` })
        yield* Console.error(`report: ${options.report.value}`)
      }
    })
).pipe(Command.withDescription("Simulate a workload under a consolidation policy and print its metrics"))
