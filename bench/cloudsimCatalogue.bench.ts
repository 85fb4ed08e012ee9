/**
 * A PlanetLab day (20110303, CloudSim's VM order) under the `cloudsim` policy with catalogue
 * detectors: MHOD and OTF (Neat's stateful detectors, run through the generic path), CloudSim's THR
 * through the same generic path, and CloudSim's own THR on its optimised path for comparison.
 * Each configuration runs in a fresh child process (bundled by esbuild for plain node when
 * available): one warm-up, then `NEAT_BENCH_RUNS` (5) timed runs; the table gives the median and
 * the fastest of their wall and CPU times.
 *
 * Run: `npx tsx bench/cloudsimCatalogue.bench.ts [LABEL...]`; figures go to docs/performance.md
 * ("Catalogue detectors under the cloudsim policy"). Needs ../shared (or NEAT_SHARED_DIR).
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { runSimulation } from "../src/adapters/sim/runSimulation.js"
import { simulationOptionsFromParams } from "../src/adapters/sim/simulationParams.js"
import { readPlanetLabTrace } from "../src/adapters/sim/traces/planetLab.js"
import { parseVmOrder } from "../src/adapters/sim/traces/vmOrder.js"
import { describeError, InputError } from "../src/core/errors.js"
import { bundleForNode } from "./bundleForNode.js"

const self = fileURLToPath(import.meta.url)
const shared = process.env.NEAT_SHARED_DIR ?? resolve(dirname(self), "../../shared")
const dayDir = join(shared, "traces/planetlab/20110303")
const orderFile = join(shared, "reference/cloudsim-file-order-20110303.csv")

/** Label → the `neat sim --policy cloudsim` options it stands for. */
const configurations: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "MHOD-MMT": { overload: "mhod", selection: "mmt" },
  "MHOD-MMT-0.2": { overload: "mhod:0.2", selection: "mmt" },
  "OTF-MMT": { overload: "otf", selection: "mmt" },
  "THR-MMT-0.8 (catalogue path)": { overload: 'thr:{"threshold":0.8}', selection: "mmt" },
  "THR-MMT-0.8 (CloudSim's path)": { overload: "thr:0.8", selection: "mmt" }
}

const runs = Number(process.env.NEAT_BENCH_RUNS ?? "") > 0 ? Number(process.env.NEAT_BENCH_RUNS) : 5

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Child: one warm-up and `runs` timed runs; prints {wallMs, cpuMs, migrations} as JSON. */
const child = (label: string): void => {
  const order = parseVmOrder(readFileSync(orderFile, "utf8"), orderFile)
  if (Either.isLeft(order)) throw new Error(order.left.message)
  const trace = readPlanetLabTrace(dayDir, { order: order.right })
  if (trace instanceof InputError) throw new Error(trace.message)
  const options = simulationOptionsFromParams("cloudsim", configurations[label]!, trace)
  if (Either.isLeft(options)) throw new Error(describeError(options.left))
  const wallMs: Array<number> = []
  const cpuMs: Array<number> = []
  let migrations = 0
  for (let i = 0; i <= runs; i++) {
    const cpu = process.cpuUsage()
    const start = performance.now()
    migrations = runSimulation(options.right).metrics.migrations
    const used = process.cpuUsage(cpu)
    if (i === 0) continue
    wallMs.push(performance.now() - start)
    cpuMs.push((used.user + used.system) / 1000)
  }
  process.stdout.write(`${JSON.stringify({ wallMs, cpuMs, migrations })}\n`)
}

const parent = async (labels: ReadonlyArray<string>): Promise<void> => {
  if (!existsSync(dayDir) || !existsSync(orderFile)) {
    process.stderr.write(`cloudsimCatalogue.bench: shared traces not found under ${shared} (set NEAT_SHARED_DIR)\n`)
    process.exitCode = 1
    return
  }
  const bundle = await bundleForNode(self)
  const command = bundle === undefined ? [...process.execArgv, self] : [bundle]
  if (bundle === undefined) console.log("(esbuild not found: children run under tsx)")
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")
  console.log(`(load average before: ${load()}; ${runs} timed runs per configuration after one warm-up)`)
  console.log("| configuration | median run (s) | fastest run (s) | median CPU (s) | least CPU (s) | migrations |")
  console.log("|---|---:|---:|---:|---:|---:|")
  for (const label of labels) {
    const run = spawnSync(process.execPath, [...command, label], {
      encoding: "utf8",
      timeout: 1_800_000,
      env: { ...process.env, NEAT_BENCH_CHILD: "1" }
    })
    const line = run.stdout.trim().split("\n").pop() ?? ""
    if (run.status !== 0 || line === "") {
      console.log(`| ${label} | failed: ${run.stderr.trim().split("\n")[0] ?? ""} |`)
      continue
    }
    const result = JSON.parse(line) as { wallMs: Array<number>; cpuMs: Array<number>; migrations: number }
    const s = (ms: number) => (ms / 1000).toFixed(3)
    console.log(
      `| ${label} | ${s(median(result.wallMs))} | ${s(Math.min(...result.wallMs))} | ${s(median(result.cpuMs))} | ${s(Math.min(...result.cpuMs))} | ${result.migrations} |`
    )
  }
  console.log(`(load average after: ${load()})`)
}

const asked = process.argv.slice(2)
const unknown = asked.filter((label) => !(label in configurations))
if (process.env.NEAT_BENCH_CHILD === "1") child(asked[0]!)
else if (unknown.length > 0) {
  process.stderr.write(
    `cloudsimCatalogue.bench: unknown configuration ${unknown.join(", ")}; known: ${Object.keys(configurations).join(", ")}\n`
  )
  process.exitCode = 2
} else await parent(asked.length > 0 ? asked : Object.keys(configurations))
