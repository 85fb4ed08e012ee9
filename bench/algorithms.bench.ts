/**
 * Time-boxed benchmarks of Neat's algorithms at realistic sizes: utilisation histories of 30 and
 * 100 samples, VM selection among 20 VMs, best fit decreasing of 100 VMs over 1000 hosts.
 * Run: `npx tsx bench/algorithms.bench.ts` (about 30 s on a busy 2-core machine). Figures go to docs/performance.md.
 */
import { Either } from "effect"
import { Bench } from "tinybench"
import { makeDetector, makePlacer, makeSelector } from "../src/algorithms/registry.js"
import { nextUniform, prngState } from "../src/algorithms/selection/prng.js"
import type { AlgorithmContext, PlacementHost, PlacementInput } from "../src/algorithms/types.js"
import type { VmSample } from "../src/core/Vm.js"

let rng = prngState(2012)
const uniform = (): number => {
  const [value, next] = nextUniform(rng)
  rng = next
  return value
}
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/** A host history drifting around 60% with noise, fractions of capacity. */
const history = (length: number): ReadonlyArray<number> =>
  Array.from({ length }, (_, i) =>
    round(Math.min(1, Math.max(0, 0.6 + 0.2 * Math.sin(i / 7) + 0.2 * (uniform() - 0.5))), 3)
  )

const vmSamples = (count: number, length: number): ReadonlyArray<VmSample> =>
  Array.from({ length: count }, (_, v) => ({
    uuid: `vm-${String(v).padStart(4, "0")}`,
    cpuMhz: Array.from({ length }, () => Math.round(uniform() * 2500)),
    ramMb: [512, 1024, 1740, 2048][Math.floor(uniform() * 4)]!
  }))

const host = (h: number, active: boolean): PlacementHost => {
  const cpuMhz = [6000, 12000, 24000][h % 3]!
  const ramMb = [8192, 16384, 32768][(h >> 1) % 3]!
  return {
    name: `host-${String(h).padStart(4, "0")}`,
    cpuMhz,
    cpuUsedMhz: active ? Math.round(uniform() * 0.75 * cpuMhz) : 0,
    ramMb,
    ramUsedMb: active ? Math.round(uniform() * 0.8 * ramMb) : 0
  }
}

const ctx: AlgorithmContext = { timeStepSec: 300, migrationTimeSec: 600 }
const detectors = [
  ["underload/threshold", { threshold: 0.3 }],
  ["underload/last_n_average_threshold", { threshold: 0.3, n: 2 }],
  ["overload/threshold", { threshold: 0.8 }],
  ["overload/last_n_average_threshold", { threshold: 0.8, n: 2 }],
  ["overload/mad_threshold", { threshold: 2.5, limit: 10 }],
  ["overload/iqr_threshold", { threshold: 1.5, limit: 10 }],
  ["overload/loess", { threshold: 1, param: 1.2, length: 10 }],
  ["overload/loess_robust", { threshold: 1, param: 1.2, length: 10 }]
] as const
const selectors = [
  ["random", { seed: 1 }],
  ["minimum_utilization", {}],
  ["minimum_migration_time", {}],
  ["minimum_migration_time_max_cpu", { last_n: 2 }]
] as const

const bench = new Bench({ time: 300, warmupTime: 50 })
let sink = 0

for (const length of [30, 100]) {
  const utilization = history(length)
  for (const [name, params] of detectors) {
    const [family, bare] = name.split("/") as ["underload" | "overload", string]
    const detector = Either.getOrThrow(makeDetector(family, bare, params, ctx))
    bench.add(`${name} (history ${length})`, () => {
      if (detector.decide(utilization, detector.initialState)[0]) sink++
    })
  }
  const vms = vmSamples(20, length)
  for (const [name, params] of selectors) {
    const selector = Either.getOrThrow(makeSelector(name, params, ctx))
    bench.add(`selection/${name} (20 VMs, history ${length})`, () => {
      sink += selector.select(vms, selector.initialState)[0].length
    })
  }
}

const bfd = Either.getOrThrow(
  makePlacer("best_fit_decreasing", { cpu_threshold: 0.8, ram_threshold: 0.95, last_n_vm_cpu: 2 }, ctx)
)
const placement: PlacementInput = {
  hosts: Array.from({ length: 1000 }, (_, h) => host(h, true)),
  inactiveHosts: Array.from({ length: 100 }, (_, h) => host(1000 + h, false)),
  vms: vmSamples(100, 30)
}
const [placed] = bfd.place(placement, bfd.initialState)
console.log(
  `best fit decreasing: ${placed === undefined ? "no placement" : `${Object.keys(placed).length} VMs placed`}`
)
bench.add("placement/best_fit_decreasing (1000 hosts + 100 inactive, 100 VMs)", () => {
  if (bfd.place(placement, bfd.initialState)[0] !== undefined) sink++
})

await bench.run()

const micros = (ms: number) => (ms * 1000).toFixed(2)
console.log(`node ${process.version}, ${new Date().toISOString()}`)
console.log("| algorithm | median µs | p99 µs | samples |")
console.log("|---|---:|---:|---:|")
for (const task of bench.tasks) {
  const result = task.result
  if (!("latency" in result)) {
    console.log(`| ${task.name} | failed | | |`)
    continue
  }
  console.log(
    `| ${task.name} | ${micros(result.latency.p50)} | ${micros(result.latency.p99)} | ${result.latency.samplesCount} |`
  )
}
if (sink < 0) console.log(sink)
