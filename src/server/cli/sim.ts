/**
 * `neat sim`: one trace-driven simulation of CloudSim's PlanetLab data centre under a control
 * policy; prints the study's metrics as a table or as one JSON object, and with `--report` writes
 * the HTML report. See docs/simulation.md.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { formatMetricsJson, formatMetricsTable } from "../../adapters/sim/formatMetrics.js"
import { parseOverload } from "../../adapters/sim/parseOverload.js"
import { writeReport } from "../../adapters/sim/report/writeReport.js"
import { runSimulationEffect } from "../../adapters/sim/runSimulation.js"
import { cloudsimSelectionNames, policyNames } from "../../adapters/sim/SimulationOptions.js"
import { loadTrace } from "../../adapters/sim/traces/loadTrace.js"
import { loadPlanetLab } from "../../adapters/sim/traces/planetLab.js"

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
  Options.withDescription("overload detector NAME[:PARAM]: thr (threshold), iqr, mad, lr, lrr (safety parameter)"),
  Options.withDefault("thr:0.8")
)
const selection = Options.choice("selection", cloudsimSelectionNames).pipe(
  Options.withDescription("VM selection: mmt, mu, mc, rs"),
  Options.withDefault("mmt" as const)
)
const seed = Options.integer("seed").pipe(
  Options.withDescription("seed of random selection (rs)"),
  Options.withDefault(1)
)
const format = Options.choice("format", ["table", "json"] as const).pipe(Options.withDefault("table" as const))

export const simCommand = Command.make(
  "sim",
  { trace, vmOrder, hosts, policy, overload, selection, seed, format, report },
  (options) =>
    Effect.gen(function* () {
      const detector = yield* parseOverload(options.overload)
      const loaded = yield* loadTrace(options.trace, {
        planetLab: loadPlanetLab,
        vmOrder: Option.getOrUndefined(options.vmOrder)
      })
      const result = yield* runSimulationEffect({
        trace: loaded,
        hosts: options.hosts,
        policy: options.policy,
        overload: detector,
        selection: options.selection,
        seed: options.seed
      })
      yield* Console.log(
        options.format === "json" ? formatMetricsJson(result.metrics) : formatMetricsTable(result.metrics)
      )
      if (Option.isSome(options.report)) {
        const label = options.policy === "cloudsim" ? `${options.overload}-${options.selection}` : options.policy
        yield* writeReport(options.report.value, [{ label, result }], { title: `neat sim: ${options.trace}` })
        yield* Console.error(`report: ${options.report.value}`)
      }
    })
).pipe(Command.withDescription("Simulate a workload under a consolidation policy and print its metrics"))
