/**
 * A user's algorithm module, written outside src/ as a user writes it, named by MODULE#EXPORT in
 * `neat sim --policy neat`, a `neat sweep` grid on worker threads, `neat decide` and `neat
 * algorithms`; and every bad reference reported in one line, exit status 1, no stack trace.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neat } from "../../support/neatCli.js"
import { writeUserModules } from "../../support/userModules.js"

const modules = writeUserModules()
afterAll(() => modules.remove())

const trace = "synthetic:vms=30,seed=1,days=0.5"
/** A low underload threshold, so that hosts are tested for overload (a detector that throws fails this run). */
const underload = "threshold:0.05"
const sim = (...algorithm: ReadonlyArray<string>) =>
  neat([
    "sim",
    "--policy",
    "neat",
    "--trace",
    trace,
    "--hosts",
    "20",
    "--underload",
    underload,
    "--format",
    "json",
    ...algorithm
  ])

/** The metrics without the run's wall time. */
const metrics = (stdout: string) => {
  // Everything but the time taken and the configuration (which names the algorithm as written).
  const { wallSeconds: _, wall_seconds: _s, configuration: _c, ...rest } = JSON.parse(stdout) as Record<string, number>
  return rest
}

describe("a user's algorithm module", () => {
  it("re-implements THR through the public API and runs in neat sim --policy neat exactly as the built-in", async () => {
    const [user, builtIn] = await Promise.all([
      sim("--overload", `${modules.thr}#thr:0.7`, "--placement", `${modules.firstFit}#firstFit`),
      sim("--overload", "threshold:0.7", "--placement", `${modules.firstFit}#firstFit:0.95`)
    ])
    expect(user.stderr).toBe("")
    expect(user.status).toBe(0)
    expect(builtIn.status).toBe(0)
    expect(metrics(user.stdout)).toEqual(metrics(builtIn.stdout))
    expect(metrics(user.stdout).migrations).toBeGreaterThan(0)
  }, 120_000)

  it("runs in a sweep grid beside built-ins on worker threads, the stored job recording the module's hash", async () => {
    const out = join(modules.dir, "sweep")
    const run = await neat(
      [
        "sweep",
        "--policy",
        "neat",
        "--param",
        `overload=threshold:0.7,${modules.thr}#thr:0.7`,
        "--param",
        "hosts=20",
        "--param",
        `underload=${underload}`,
        "--trace",
        trace,
        "--workers",
        "2",
        "--out",
        out,
        "--quiet"
      ],
      { timeoutMs: 120_000 }
    )
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const results = (
      JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as {
        results: Array<{
          params: Record<string, unknown>
          modules?: Record<string, string>
          metrics: Record<string, number>
        }>
      }
    ).results
    expect(results.map((result) => result.params.overload)).toEqual(["threshold:0.7", `${modules.thr}#thr:0.7`])
    expect(results[0]?.modules).toBeUndefined()
    expect(results[1]?.modules).toEqual({ [`${modules.thr}#thr`]: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })
    const { wallSeconds: _a, wall_seconds: _as, ...builtIn } = results[0]?.metrics ?? {}
    const { wallSeconds: _b, wall_seconds: _bs, ...user } = results[1]?.metrics ?? {}
    expect(user).toEqual(builtIn)
  }, 120_000)

  it("answers neat decide cases named by MODULE#EXPORT", async () => {
    const cases = [
      { algorithm: `${modules.thr}#thr`, params: { threshold: 0.5 }, input: { utilization: [0.2, 0.6] } },
      { algorithm: `${modules.thr}#thr:0.7`, input: { utilization_sequence: [0.2, 0.8, 0.6] } },
      {
        algorithm: `${modules.firstFit}#firstFit`,
        input: {
          hosts: [{ name: "h1", cpu_mhz_total: 3000, cpu_mhz_used: 2500, ram_mb_total: 4096, ram_mb_used: 0 }],
          inactive_hosts: [{ name: "h2", cpu_mhz_total: 3000, cpu_mhz_used: 0, ram_mb_total: 4096, ram_mb_used: 0 }],
          vms: [{ uuid: "vm-1", cpu_mhz: [900], ram_mb: 512 }]
        }
      }
    ]
    const run = await neat(["decide"], { stdin: JSON.stringify(cases) })
    expect(run.stderr).toBe("")
    expect(JSON.parse(run.stdout)).toEqual([true, [false, true, false], { "vm-1": "h2" }])
    const bad = await neat(["decide"], {
      stdin: JSON.stringify([{ algorithm: `${modules.broken}#badVerdict`, input: { utilization: [0.5] } }])
    })
    expect(bad.status).toBe(1)
    expect(bad.stderr).toBe(
      `neat: stdin: case 0: ${modules.broken}#badVerdict: decide returned "yes" as its verdict, expected true or false\n`
    )
  }, 120_000)

  it("gets one clear line, exit status 1 and no stack trace for every bad reference", async () => {
    const bad: ReadonlyArray<readonly [string, RegExp]> = [
      [`${modules.dir}/missing.ts#thr`, /missing\.ts#thr: no such module file/],
      [`${modules.thr}#nothing`, /thr\.ts#nothing: the module has no export named nothing/],
      [`${modules.broken}#notAFactory`, /#notAFactory: notAFactory is not a factory: it is 42/],
      [`${modules.throwsOnLoad}#x`, /#x: the module failed to load: cannot reach the licence server/],
      [
        `${modules.broken}#selectionNotDetector`,
        /#selectionNotDetector: the factory returned an object without a decide method/
      ],
      [`${modules.broken}#throwingDecide`, /#throwingDecide: decide threw: division by zero/],
      [`${modules.thr}#thr:high`, /overload: expected NAME:NUMBER or NAME:\{JSON\}/]
    ]
    // Two at a time: each is a process of its own.
    const runOne = (ref: string) =>
      neat(["sim", "--policy", "neat", "--trace", trace, "--hosts", "20", "--underload", underload, "--overload", ref])
    const runs: Array<Awaited<ReturnType<typeof neat>>> = []
    for (let i = 0; i < bad.length; i += 2) {
      runs.push(...(await Promise.all(bad.slice(i, i + 2).map(([ref]) => runOne(ref)))))
    }
    runs.forEach((run, i) => {
      expect(run.status, `${bad[i]![0]}: ${run.stdout.slice(0, 200)} ${run.stderr}`).toBe(1)
      expect(run.stderr).toMatch(/^neat: /)
      expect(run.stderr).toMatch(bad[i]![1])
      expect(run.stderr.trim().split("\n")).toHaveLength(1)
    })
    const sweep = await neat([
      "sweep",
      "--param",
      `overload=thr:0.8,${modules.dir}/missing.ts#thr`,
      "--out",
      join(modules.dir, "bad-sweep"),
      "--quiet"
    ])
    expect(sweep.status).toBe(1)
    expect(sweep.stderr).toMatch(/^neat: configuration: .*missing\.ts#thr: no such module file/)
  }, 180_000)

  it("neat algorithms lists the catalogue, as text or JSON", async () => {
    const [text, json] = await Promise.all([neat(["algorithms"]), neat(["algorithms", "--format", "json"])])
    expect(text.status).toBe(0)
    expect(text.stdout).toMatch(/^ {2}mhod - .*\n {6}state_config: array of number = \[0\.8\]/m)
    const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>
    expect(entries.find((entry) => entry.qualified_name === "overload/threshold")).toMatchObject({
      aliases: ["neat.locals.overload.trivial.threshold_factory"],
      defaults: { threshold: 0.8 },
      numeric_param: "threshold",
      runs_in: ["cloudsim", "neat", "live"]
    })
    expect(entries.find((entry) => entry.qualified_name === "placement/best_fit_decreasing")).toMatchObject({
      runs_in: ["neat", "live"]
    })
  }, 60_000)
})
