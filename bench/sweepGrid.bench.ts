/**
 * The issue's sweep target: 5 detectors (THR 0.8, IQR 1.5, MAD 2.5, LR 1.2, LRR 1.2) × 4
 * selections (MMT, MC, MU, RS) × the 10 PlanetLab days, run by the sweep engine (`runSweep`: worker
 * threads, SQLite store) on 2 workers. Prints the grid's wall time, its CPU time (all threads; on
 * a shared machine the wall time mostly measures the other load), the distribution of the runs'
 * own times per selection, and the machine's load average before and after.
 * Run: `npx tsx bench/sweepGrid.bench.ts` (about a minute); figures go to docs/performance.md.
 * Needs ../shared (or NEAT_SHARED_DIR).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { runSweep } from "../src/adapters/sim/sweep/runSweep.js"

const self = fileURLToPath(import.meta.url)
const shared = process.env.NEAT_SHARED_DIR ?? resolve(dirname(self), "../../shared")
const planetLab = join(shared, "traces/planetlab")
if (!existsSync(planetLab)) {
  process.stderr.write(`sweepGrid.bench: ${planetLab} not found (set NEAT_SHARED_DIR)\n`)
  process.exit(1)
}
const days = readdirSync(planetLab)
  .filter((day) => /^\d{8}$/.test(day))
  .sort()
const workers = Number(process.env.NEAT_BENCH_WORKERS ?? 2)
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")

const dir = mkdtempSync(join(tmpdir(), "neat-grid-"))
try {
  const loadBefore = load()
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const summary = await Effect.runPromise(
    runSweep({
      grid: {
        policies: ["cloudsim"],
        parameters: {
          overload: ["thr:0.8", "iqr:1.5", "mad:2.5", "lr:1.2", "lrr:1.2"],
          selection: ["mmt", "mc", "mu", "rs"],
          seed: [1]
        },
        traces: days.map((day) => join(planetLab, day))
      },
      runner: { module: join(dirname(self), "sweepGridRunner.ts"), exportName: "runGridJob" },
      store: join(dir, "grid.sqlite"),
      workers,
      jobTimeoutSec: 300,
      progress: false
    })
  )
  const wall = (performance.now() - started) / 1000
  // CPU time of the whole process, worker threads included: what the grid costs without other load.
  const cpu = process.cpuUsage(cpuBefore)
  const cpuSec = (cpu.user + cpu.system) / 1e6
  const loadAfter = load()
  if (summary.failed.length > 0) {
    for (const { job, message } of summary.failed) console.log(`failed: ${job.key}: ${message}`)
    process.exitCode = 1
  }
  const runs = summary.results.map((r) => ({ selection: String(r.job.params.selection), s: r.metrics.wallSeconds }))
  const quantile = (xs: ReadonlyArray<number>, q: number): number =>
    xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0
  const row = (label: string, xs: Array<number>): string => {
    xs.sort((a, b) => a - b)
    const sum = xs.reduce((a, b) => a + b, 0)
    return `| ${label} | ${xs.length} | ${sum.toFixed(1)} | ${(sum / xs.length).toFixed(3)} | ${quantile(xs, 0).toFixed(3)} | ${quantile(xs, 0.5).toFixed(3)} | ${quantile(xs, 0.9).toFixed(3)} | ${(xs[xs.length - 1] ?? 0).toFixed(3)} |`
  }
  console.log(`grid: ${summary.gridJobs} jobs, ${summary.ran} ran, ${workers} workers, wall ${wall.toFixed(1)} s`)
  console.log(
    `CPU time (all threads): ${cpuSec.toFixed(1)} s, i.e. ${(cpuSec / workers).toFixed(1)} s on ${workers} idle cores`
  )
  console.log(`load average before: ${loadBefore}; after: ${loadAfter}`)
  console.log("| runs | count | sum (s) | mean (s) | min (s) | median (s) | p90 (s) | max (s) |")
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|")
  for (const selection of ["mmt", "mc", "mu", "rs"]) {
    console.log(
      row(
        selection.toUpperCase(),
        runs.filter((r) => r.selection === selection).map((r) => r.s)
      )
    )
  }
  console.log(
    row(
      "all",
      runs.map((r) => r.s)
    )
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
