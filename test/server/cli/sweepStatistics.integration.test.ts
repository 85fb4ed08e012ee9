/**
 * End to end, in child processes with the fixture runner (no simulator): a sweep's statistics
 * (summary.json, summary.csv, the papers' table, the store), `neat report` re-rendering them from
 * SQLite, PostgreSQL and JSON without running anything, and the exit statuses of an interrupted
 * sweep.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Option } from "effect"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { expandGrid } from "../../../src/adapters/sim/sweep/grid.js"
import { gridKey, openSweepStore } from "../../../src/adapters/sim/sweep/SweepStore.js"
import type { SweepStatistics } from "../../../src/adapters/sim/sweep/statistics/SweepStatistics.js"
import { neat, neatNodeArgs } from "../../support/neatCli.js"
import { projectRoot as root } from "../../support/projectRoot.js"
import { itWithRequirement, postgresEnv } from "../../support/requirement.js"

const fixture = join(root, "test/adapters/sim/sweep/fixtureRunner.ts")
const dir = mkdtempSync(join(tmpdir(), "neat-sweep-stats-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const traces = [
  "synthetic:vms=10,seed=1",
  "synthetic:vms=10,seed=2",
  "synthetic:vms=10,seed=3",
  "synthetic:vms=10,seed=4"
]
const gridArgs = [
  "--policy",
  "cloudsim",
  "--param",
  "overload=thr:0.8,lr:1.2,mad:2.5",
  ...traces.flatMap((trace) => ["--trace", trace]),
  "--runner",
  `${fixture}#runFixtureJob`,
  "--workers",
  "2",
  "--quiet"
]
const grid = { policies: ["cloudsim"], parameters: { overload: ["thr:0.8", "lr:1.2", "mad:2.5"] }, traces }
const readJson = (file: string): SweepStatistics => JSON.parse(readFileSync(file, "utf8")) as SweepStatistics

describe("sweep statistics", () => {
  const out = join(dir, "out")

  it("writes summary.json, summary.csv and the papers' table, prints them, and keeps them in the store", async () => {
    const run = await neat([
      "sweep",
      ...gridArgs,
      "--out",
      out,
      "--baseline",
      "overload=thr:0.8",
      "--table",
      `md:${join(dir, "table.md")}`
    ])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const summary = readJson(join(out, "summary.json"))
    expect(summary.configurations.map((c) => [c.label, c.n])).toEqual([
      ["cloudsim overload=thr:0.8", 4],
      ["cloudsim overload=lr:1.2", 4],
      ["cloudsim overload=mad:2.5", 4]
    ])
    expect(summary.configurations[1]?.config).toEqual({ policy: "cloudsim", overload: "lr:1.2" })
    const energy = summary.configurations[0]?.metrics.energy_kwh
    expect(Object.keys(energy ?? {})).toEqual(["mean", "sd", "ci95", "median", "q1", "q3"])
    expect(summary.comparisons.map((c) => [c.label, c.baseline, c.n])).toEqual([
      ["cloudsim overload=lr:1.2", "cloudsim overload=thr:0.8", 4],
      ["cloudsim overload=mad:2.5", "cloudsim overload=thr:0.8", 4]
    ])
    expect(Object.keys(summary.comparisons[0]?.metrics.energy_kwh ?? {})).toEqual([
      "mean_diff",
      "ci95",
      "relative",
      "p_t",
      "p_wilcoxon"
    ])
    expect(readFileSync(join(out, "summary.csv"), "utf8").split("\n")[0]).toMatch(/^label,n,metric,mean,sd,ci95_low/)
    const table = readFileSync(join(dir, "table.md"), "utf8")
    expect(table.split("\n")[0]).toMatch(/^\| Configuration \| n \| Energy \(kWh\) \|/)
    expect(table).toContain("| cloudsim overload=mad:2.5 | 4 |")
    expect(run.stdout).toContain("against cloudsim overload=thr:0.8, paired over the days both ran:")
    expect(run.stdout).toContain(
      `wrote: ${join(out, "sweep.csv")}, ${join(out, "sweep.json")}, ${join(out, "summary.json")}`
    )

    const stored = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(openSweepStore(join(out, "sweep.sqlite")), (store) =>
          store.loadStatistics(gridKey(expandGrid(grid)))
        )
      )
    )
    expect(Option.getOrThrow(stored)).toMatchObject({ baseline: "overload=thr:0.8", results: 12, statistics: summary })
  }, 60_000)

  it("neat report re-renders from the SQLite store, the sweep.json and the folder, with no run", async () => {
    const expected = readJson(join(out, "summary.json"))
    for (const source of [join(out, "sweep.sqlite"), join(out, "sweep.json"), out]) {
      const target = join(dir, `report-${source.length}`)
      const run = await neat(["report", source, "--baseline", "cloudsim overload=thr:0.8", "--out", target])
      expect(run.stderr, source).toBe("")
      expect(run.status, source).toBe(0)
      expect(readJson(join(target, "summary.json")), source).toEqual(expected)
      expect(run.stdout).toContain("report: 12 results from")
    }
    // Another baseline, and the table alone on stdout.
    const md = await neat(["report", join(out, "sweep.json"), "--baseline", "overload=lr:1.2", "--table", "md:-"])
    expect(md.status).toBe(0)
    expect(md.stdout.split("\n")[0]).toMatch(/^\| Configuration/)
    expect(md.stderr).toContain("report: 12 results from")
    const withHtml = await neat(["report", out, "--report", join(dir, "report.html")])
    expect(withHtml.status).toBe(0)
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("cloudsim overload=lr:1.2")
  }, 180_000)

  it("refuses bad sources, baselines and tables with one clear line", async () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
      [["report", join(dir, "missing.sqlite")], /missing\.sqlite: no such store, sweep\.json or folder/],
      [["report", join(out, "sweep.csv")], /sweep\.csv.*cannot open the store|file is not a database/],
      [["report", out, "--baseline", "overload=iqr:1.5"], /baseline: no configuration has these values/],
      [["report", out, "--table", "html:x.html"], /table: expected FORMAT:FILE/],
      [["sweep", ...gridArgs, "--out", out, "--baseline", "nothing"], /baseline: no configuration is labelled so/],
      [["sweep", ...gridArgs, "--out", out, "--vm-order", join(dir, "none")], /no such folder of VM orders/]
    ]
    for (const [args, message] of cases) {
      const run = await neat(args)
      expect(run.status, args.join(" ")).toBe(1)
      expect(run.stderr, args.join(" ")).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
  }, 240_000)

  itWithRequirement(
    "neat report re-renders from PostgreSQL",
    postgresEnv,
    async ({ NEAT_TEST_PG_URL: url }) => {
      const schema = `neat_report_${process.pid}_${Date.now().toString(36)}`
      try {
        const pgOut = join(dir, "pg")
        const run = await neat(["sweep", ...gridArgs, "--out", pgOut, "--store", url, "--store-schema", schema])
        expect(run.status).toBe(0)
        const report = await neat(["report", url, "--store-schema", schema, "--out", join(dir, "pg-report")])
        expect(report.stderr).toBe("")
        expect(report.status).toBe(0)
        expect(readJson(join(dir, "pg-report", "summary.json"))).toEqual(readJson(join(pgOut, "summary.json")))
        expect(report.stdout).not.toContain(url.match(/:[^:@/]+@/)?.[0] ?? "\u0000")
      } finally {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        await client.end()
      }
    },
    120_000
  )
})

describe("an interrupted sweep", () => {
  for (const [signal, status] of [
    ["SIGINT", 130],
    ["SIGTERM", 143]
  ] as const) {
    it(`exits ${status} on ${signal}, saying how many results are stored and that rerunning resumes`, async () => {
      const out = join(dir, signal)
      const log = join(dir, `${signal}.log`)
      const args = [
        "sweep",
        "--param",
        `x=${Array.from({ length: 30 }, (_, i) => i).join(",")}`,
        "--param",
        "delayMs=150",
        "--runner",
        `${fixture}#runFixtureJob`,
        "--workers",
        "2",
        "--out",
        out,
        "--quiet"
      ]
      const child = spawn(process.execPath, neatNodeArgs(args), {
        cwd: root,
        env: { ...process.env, NEAT_SWEEP_FIXTURE_LOG: log },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stderr = ""
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      const started = () =>
        existsSync(log)
          ? readFileSync(log, "utf8")
              .split("\n")
              .filter((l) => l !== "").length
          : 0
      const deadline = Date.now() + 40_000
      while (started() < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(started()).toBeGreaterThanOrEqual(6)
      child.kill(signal)
      expect(await exited).toBe(status)
      const match = new RegExp(
        `interrupted by ${signal}; (\\d+) of 30 results are stored in (\\S+)\\. Run the same command again to resume`
      ).exec(stderr)
      expect(match, stderr).not.toBeNull()
      const stored = Number(match?.[1])
      expect(stored).toBeGreaterThan(0)
      expect(stored).toBeLessThan(30)
      expect(match?.[2]).toBe(join(out, "sweep.sqlite"))
    }, 60_000)
  }
})
