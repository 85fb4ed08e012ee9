/**
 * How a simulated day grows with the data centre: the seeded synthetic workload (288 samples at
 * 300 s) on PlanetLab's host and VM types, per policy and size, each run in a fresh child process
 * (plain node on an esbuild bundle of this file, so the TypeScript loader is not counted) so its
 * peak RSS is its own. Each size runs once (one day of the largest sizes takes minutes); a child
 * exceeding the time box is stopped and reported as such.
 * Run: `npx tsx bench/simScale.bench.ts [policy:hosts:vms ...]` (default: the table in
 * docs/performance.md); NEAT_SCALE_TIMEOUT_SEC bounds each child (600 by default).
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { type HostType, planetLabHostTypes } from "../src/adapters/sim/Datacenter.js"
import { runSimulation } from "../src/adapters/sim/runSimulation.js"
import type { PolicyName } from "../src/adapters/sim/SimulationOptions.js"
import { generateSyntheticTrace } from "../src/adapters/sim/traces/synthetic.js"
import { bundleForNode } from "./bundleForNode.js"

const self = fileURLToPath(import.meta.url)

const defaultCases: ReadonlyArray<string> = [
  "npa:800:1052",
  "dvfs:800:1052",
  "cloudsim:800:1052",
  "cloudsim:1600:2104",
  "cloudsim:3200:4208",
  "cloudsim:1000:10000:x5",
  "cloudsim:2000:20000:x5",
  "cloudsim:4000:40000:x5",
  "npa:10000:100000:x5",
  "dvfs:10000:100000:x5",
  "npa:100000:1000000:x5",
  "dvfs:100000:1000000:x5"
]

interface Case {
  readonly policy: PolicyName
  readonly hosts: number
  readonly vms: number
  /** Each host is this many PlanetLab hosts in one box (cores, memory and power multiplied). */
  readonly boxes: number
}

/** `policy:hosts:vms[:xK]`, e.g. `npa:100000:1000000:x4`. */
const parseCase = (text: string): Case => {
  const [policy = "", hosts = "", vms = "", boxes = "x1"] = text.split(":")
  if (policy !== "npa" && policy !== "dvfs" && policy !== "cloudsim") throw new Error(`unknown policy in ${text}`)
  return { policy, hosts: Number(hosts), vms: Number(vms), boxes: Number(boxes.slice(1)) }
}

/** PlanetLab's host types, `boxes` of each in one host: ten PlanetLab VMs fit on a host at x5. */
const hostTypes = (boxes: number): ReadonlyArray<HostType> =>
  planetLabHostTypes.map((type) => ({
    ...type,
    name: boxes === 1 ? type.name : `${boxes} x ${type.name}`,
    cores: type.cores * boxes,
    ramMb: type.ramMb * boxes,
    power: type.power.map((watts) => watts * boxes)
  }))

/** Child: generate the trace, run the day once, print {generateSec, runSec, maxRssKb, energyKwh, migrations}. */
const child = (spec: string): void => {
  const { policy, hosts, vms, boxes } = parseCase(spec)
  const generating = performance.now()
  const trace = generateSyntheticTrace({ vms, seed: 42, samples: 288, intervalSec: 300 })
  const generateSec = (performance.now() - generating) / 1000
  const result = runSimulation({ trace, hosts, policy, hostTypes: hostTypes(boxes) })
  process.stdout.write(
    `${JSON.stringify({
      generateSec,
      runSec: result.metrics.wallSeconds,
      maxRssKb: process.resourceUsage().maxRSS,
      energyKwh: result.metrics.energyKwh,
      migrations: result.metrics.migrations
    })}\n`
  )
}

const parent = async (cases: ReadonlyArray<string>): Promise<void> => {
  const timeoutSec = Number(process.env.NEAT_SCALE_TIMEOUT_SEC ?? 600)
  const bundle = await bundleForNode(self)
  const command = bundle === undefined ? [...process.execArgv, self] : [bundle]
  if (bundle === undefined)
    console.log("(esbuild not found: children run under tsx, whose loader adds about 70 MB of RSS)")
  console.log("| policy | hosts | VMs | trace generation (s) | run (s) | peak RSS (MB) | energy (kWh) | migrations |")
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|")
  for (const text of cases) {
    const { policy, hosts, vms, boxes } = parseCase(text)
    const label = `| ${policy} | ${hosts}${boxes === 1 ? "" : ` (x${boxes})`} | ${vms}`
    const run = spawnSync(process.execPath, ["--max-old-space-size=8192", ...command, "--child", text], {
      encoding: "utf8",
      timeout: timeoutSec * 1000
    })
    const line = run.stdout.trim().split("\n").pop() ?? ""
    if (run.status !== 0 || line === "") {
      const why = run.signal === "SIGTERM" ? `stopped after ${timeoutSec} s` : (run.stderr.trim().split("\n")[0] ?? "")
      console.log(`${label} | | ${why} | | | |`)
      continue
    }
    const r = JSON.parse(line) as {
      generateSec: number
      runSec: number
      maxRssKb: number
      energyKwh: number
      migrations: number
    }
    console.log(
      `${label} | ${r.generateSec.toFixed(1)} | ${r.runSec.toFixed(2)} | ${(r.maxRssKb / 1024).toFixed(0)} | ${r.energyKwh.toFixed(1)} | ${r.migrations} |`
    )
  }
}

const args = process.argv.slice(2)
if (args[0] === "--child" && args[1] !== undefined) child(args[1])
else await parent(args.length > 0 ? args : defaultCases)
