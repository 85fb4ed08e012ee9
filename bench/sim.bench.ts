/**
 * A PlanetLab day (20110303, CloudSim's VM order) per policy: time of one run and the peak RSS of
 * a process that loads the trace and runs it, next to CloudSim 3.0.3's own figures from the
 * reference CSV. Each policy runs in a fresh child process so that its peak RSS is its own; the
 * child runs this file bundled by esbuild under plain node, so the TypeScript loader's own memory
 * is not counted (without esbuild it runs under tsx and says so).
 * Run: `npx tsx bench/sim.bench.ts` (about a minute on a busy 2-core machine); figures go to
 * docs/performance.md. Needs ../shared (or NEAT_SHARED_DIR). `npx tsx bench/sim.bench.ts NEAT`
 * (or any other label) runs one policy in this process and prints its JSON line.
 *
 * `npx tsx bench/sim.bench.ts --instructions [LABEL...]` counts instead the instructions of one
 * warm run under valgrind's cachegrind (V8 single-threaded, so its compiler counts too): the
 * count of 5 timed runs less that of 2, over 3. Unlike time, it does not move with the other load
 * of a shared machine (a few minutes per policy; needs valgrind).
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { Bench } from "tinybench"
import { runSimulation } from "../src/adapters/sim/runSimulation.js"
import type { SimulationOptions } from "../src/adapters/sim/SimulationOptions.js"
import { readPlanetLabTrace } from "../src/adapters/sim/traces/planetLab.js"
import { parseVmOrder } from "../src/adapters/sim/traces/vmOrder.js"
import { InputError } from "../src/core/errors.js"
import { bundleForNode } from "./bundleForNode.js"

const self = fileURLToPath(import.meta.url)
const shared = process.env.NEAT_SHARED_DIR ?? resolve(dirname(self), "../../shared")
const dayDir = join(shared, "traces/planetlab/20110303")
const orderFile = join(shared, "reference/cloudsim-file-order-20110303.csv")
const referenceFile = join(shared, "reference/cloudsim-3.0.3-20110303.csv")

const policies: Readonly<Record<string, Omit<SimulationOptions, "trace">>> = {
  "THR-MMT-0.8": { overload: { name: "thr", param: 0.8 }, selection: "mmt" },
  "IQR-MMT-1.5": { overload: { name: "iqr", param: 1.5 }, selection: "mmt" },
  "MAD-MMT-2.5": { overload: { name: "mad", param: 2.5 }, selection: "mmt" },
  "LR-MMT-1.2": { overload: { name: "lr", param: 1.2 }, selection: "mmt" },
  "LR-MC-1.2": { overload: { name: "lr", param: 1.2 }, selection: "mc" },
  "LR-MU-1.2": { overload: { name: "lr", param: 1.2 }, selection: "mu" },
  "LR-RS-1.2": { overload: { name: "lr", param: 1.2 }, selection: "rs", seed: 1 },
  "THR-MMT-1.0": { overload: { name: "thr", param: 1.0 }, selection: "mmt" },
  NPA: { policy: "npa" },
  DVFS: { policy: "dvfs" },
  // Neat's own loop with its shipped configuration (config/neat.conf); CloudSim has no counterpart.
  NEAT: { policy: "neat" }
}

/** Timed runs per policy (the neat policy runs Neat's whole control loop, so fewer); NEAT_BENCH_RUNS overrides. */
const timedRuns = (label: string): number =>
  Number(process.env.NEAT_BENCH_RUNS ?? "") > 0 ? Number(process.env.NEAT_BENCH_RUNS) : label === "NEAT" ? 3 : 5

/** Child: load, run the policy a few times, print {meanMs, minMs, cpuMeanMs, cpuMinMs, maxRssKb} as JSON. */
const child = async (label: string): Promise<void> => {
  const order = parseVmOrder(readFileSync(orderFile, "utf8"), orderFile)
  if (Either.isLeft(order)) throw new Error(order.left.message)
  const trace = readPlanetLabTrace(dayDir, { order: order.right })
  if (trace instanceof InputError) throw new Error(trace.message)
  const options: SimulationOptions = { trace, ...policies[label] }
  const bench = new Bench({ iterations: timedRuns(label), time: 0, warmupIterations: 1, warmupTime: 0 })
  // CPU time of each call (the first is the warm-up): on a shared machine wall time mostly measures the other load.
  const cpuMs: Array<number> = []
  bench.add(label, () => {
    const before = process.cpuUsage()
    runSimulation(options)
    const used = process.cpuUsage(before)
    cpuMs.push((used.user + used.system) / 1000)
  })
  await bench.run()
  const timedCpu = cpuMs.slice(1)
  const cpuMeanMs = timedCpu.reduce((a, b) => a + b, 0) / Math.max(1, timedCpu.length)
  const cpuMinMs = Math.min(...timedCpu)
  const result = bench.tasks[0]?.result
  if (result === undefined || !("latency" in result)) throw new Error(`${label}: the benchmark did not complete`)
  process.stdout.write(
    `${JSON.stringify({ meanMs: result.latency.mean, minMs: result.latency.min, cpuMeanMs, cpuMinMs, maxRssKb: process.resourceUsage().maxRSS })}\n`
  )
}

/** Whether the shared material is there; says what is missing otherwise. */
const sharedFound = (): boolean => {
  if (existsSync(dayDir) && existsSync(orderFile) && existsSync(referenceFile)) return true
  process.stderr.write(`sim.bench: shared traces not found under ${shared} (set NEAT_SHARED_DIR)\n`)
  process.exitCode = 1
  return false
}

const parent = async (): Promise<void> => {
  if (!sharedFound()) return
  const [header = "", ...rows] = readFileSync(referenceFile, "utf8").trim().split(/\r?\n/)
  const columns = header.split(",")
  const cloudsim = (label: string): { wall: string; rss: string } => {
    const [policy = "", selection = "", parameter = ""] = label.split("-")
    const row = rows
      .map((line) => line.split(","))
      .find(
        (f) =>
          f[columns.indexOf("trace_file_order")] === "listFiles" &&
          f[columns.indexOf("policy")] === policy &&
          f[columns.indexOf("selection")] === selection &&
          f[columns.indexOf("parameter")] === parameter
      )
    return { wall: row?.[columns.indexOf("wall_clock_s")] ?? "?", rss: row?.[columns.indexOf("peak_rss_kb")] ?? "?" }
  }
  const bundle = await bundleForNode(self)
  const command = bundle === undefined ? [...process.execArgv, self] : [bundle]
  if (bundle === undefined)
    console.log("(esbuild not found: children run under tsx, whose loader adds about 70 MB of RSS)")
  console.log(
    `(load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")})`
  )
  console.log(
    "| policy | mean run (s) | fastest run (s) | mean CPU (s) | least CPU (s) | peak RSS (MB) | CloudSim 3.0.3 run (s) | CloudSim peak RSS (MB) |"
  )
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|")
  for (const label of Object.keys(policies)) {
    const run = spawnSync(process.execPath, [...command, label], { encoding: "utf8", timeout: 300_000 })
    const line = run.stdout.trim().split("\n").pop() ?? ""
    if (run.status !== 0 || line === "") {
      console.log(`| ${label} | failed: ${run.stderr.trim().split("\n")[0] ?? ""} |`)
      continue
    }
    const result = JSON.parse(line) as {
      meanMs: number
      minMs: number
      cpuMeanMs: number
      cpuMinMs: number
      maxRssKb: number
    }
    const reference = cloudsim(label)
    const referenceRss = reference.rss === "?" ? "?" : (Number(reference.rss) / 1024).toFixed(0)
    console.log(
      `| ${label} | ${(result.meanMs / 1000).toFixed(3)} | ${(result.minMs / 1000).toFixed(3)} | ${(result.cpuMeanMs / 1000).toFixed(3)} | ${(result.cpuMinMs / 1000).toFixed(3)} | ${(result.maxRssKb / 1024).toFixed(0)} | ${reference.wall} | ${referenceRss} |`
    )
  }
  console.log(
    `(load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")})`
  )
}

/** Instructions of one warm run of each policy, under cachegrind. */
const instructions = async (labels: ReadonlyArray<string>): Promise<void> => {
  if (!sharedFound()) return
  const bundle = await bundleForNode(self)
  const command = bundle === undefined ? [...process.execArgv, self] : [bundle]
  /** Instructions of the child with `runs` timed runs, or why it could not be counted. */
  const instructionsOf = (label: string, runs: number): number | string => {
    const run = spawnSync(
      "valgrind",
      [
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        process.execPath,
        "--single-threaded",
        ...command,
        label
      ],
      { encoding: "utf8", timeout: 1_800_000, env: { ...process.env, NEAT_BENCH_RUNS: String(runs) } }
    )
    if (run.error !== undefined) return `valgrind did not run (${run.error.message})`
    const refs = /I\s+refs:\s+([\d,]+)/.exec(run.stderr)
    return refs?.[1] === undefined
      ? `failed: ${run.stderr.trim().split("\n").pop() ?? ""}`
      : Number(refs[1].replaceAll(",", ""))
  }
  console.log("| policy | instructions per warm run (millions) |")
  console.log("|---|---:|")
  for (const label of labels) {
    const fewer = instructionsOf(label, 2)
    const more = instructionsOf(label, 5)
    const cell =
      typeof fewer === "number" && typeof more === "number"
        ? ((more - fewer) / 3 / 1e6).toFixed(0)
        : String(typeof fewer === "string" ? fewer : more)
    console.log(`| ${label} | ${cell} |`)
  }
}

/** Whether some name is not a policy of this benchmark; says which, and the known ones. */
const unknown = (names: ReadonlyArray<string>): boolean => {
  const wrong = names.filter((name) => !(name in policies))
  if (wrong.length === 0) return false
  process.stderr.write(`sim.bench: unknown policy ${wrong.join(", ")}; known: ${Object.keys(policies).join(", ")}\n`)
  process.exitCode = 2
  return true
}

const label = process.argv[2]
if (label === "--instructions") {
  const asked = process.argv.slice(3)
  if (!unknown(asked))
    await instructions(asked.length > 0 ? asked : Object.keys(policies).filter((name) => name !== "NEAT"))
} else if (label === undefined) await parent()
else if (!unknown([label])) await child(label)
