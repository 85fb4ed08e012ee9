/** `neat sim` with several runs: repeated --overload/--selection, a --grid file, one report comparing them. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Option } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { planSimRuns, type SimRunOptions } from "../../../src/server/cli/simRuns.js"
import { neat } from "../../support/neatCli.js"

const work = mkdtempSync(join(tmpdir(), "neat-sim-runs-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const none: SimRunOptions = {
  trace: Option.none(),
  vmOrder: Option.none(),
  hosts: 800,
  policy: Option.none(),
  overload: [],
  selection: [],
  underload: Option.none(),
  placement: Option.none(),
  seed: Option.none(),
  grid: Option.none()
}

const plan = (options: Partial<SimRunOptions>) => Effect.runPromise(Effect.either(planSimRuns({ ...none, ...options })))

describe("planSimRuns", () => {
  it("is one run as before without repeated options", async () => {
    const runs = await plan({ overload: ["lr:1.2"] })
    expect(runs).toMatchObject({
      right: [
        {
          label: "cloudsim lr:1.2",
          policy: "cloudsim",
          params: { hosts: 800, overload: "lr:1.2" },
          trace: "synthetic",
          day: "synthetic"
        }
      ]
    })
  })

  it("runs every combination of repeated overloads and selections, overloads outer", async () => {
    const runs = await plan({
      trace: Option.some("/traces/20110303"),
      overload: ["thr:0.8", "lr:1.2"],
      selection: ["mmt", "mc"],
      seed: Option.some(3)
    })
    expect(runs._tag).toBe("Right")
    if (runs._tag !== "Right") return
    expect(runs.right.map((run) => run.label)).toEqual([
      "cloudsim thr:0.8 mmt",
      "cloudsim thr:0.8 mc",
      "cloudsim lr:1.2 mmt",
      "cloudsim lr:1.2 mc"
    ])
    expect(runs.right.every((run) => run.day === "20110303" && run.params.seed === 3)).toBe(true)
  })

  it("refuses a value given twice", async () => {
    const runs = await plan({ selection: ["mmt", "mmt"] })
    expect(runs).toMatchObject({ left: { _tag: "ConfigError", field: "selection", message: "'mmt' given twice" } })
  })

  it("takes a grid file's jobs, --hosts as their default, and refuses other run options beside it", async () => {
    const grid = join(work, "grid.json")
    writeFileSync(
      grid,
      JSON.stringify({
        policies: ["cloudsim"],
        parameters: { overload: ["thr:0.8", "lr:1.2"] },
        traces: ["/days/20110303", "/days/20110306"]
      })
    )
    const runs = await plan({ grid: Option.some(grid), hosts: 50 })
    expect(runs._tag).toBe("Right")
    if (runs._tag !== "Right") return
    expect(runs.right.map((run) => `${run.label} @ ${run.day}`)).toEqual([
      "cloudsim overload=thr:0.8 @ 20110303",
      "cloudsim overload=lr:1.2 @ 20110303",
      "cloudsim overload=thr:0.8 @ 20110306",
      "cloudsim overload=lr:1.2 @ 20110306"
    ])
    expect(runs.right[0]?.params).toEqual({ hosts: 50, overload: "thr:0.8" })

    const mixed = await plan({ grid: Option.some(grid), overload: ["mad"], trace: Option.some("x") })
    expect(mixed).toMatchObject({ left: { _tag: "ConfigError", field: "grid" } })
    if (mixed._tag === "Left") expect(mixed.left.message).toContain("drop --trace, --overload")

    writeFileSync(grid, JSON.stringify({ policies: [], traces: ["x"] }))
    const bad = await plan({ grid: Option.some(grid) })
    expect(bad).toMatchObject({ left: { _tag: "InputError", file: grid } })
  })
})

describe("neat sim with several runs", () => {
  it("prints every combination's metrics and writes one report comparing their timelines", async () => {
    const report = join(work, "runs.html")
    const run = await neat([
      "sim",
      "--trace",
      "synthetic:vms=30,seed=5",
      "--hosts",
      "20",
      "--overload",
      "thr:0.8",
      "--overload",
      "lr:1.2",
      "--selection",
      "mmt",
      "--selection",
      "mc",
      "--format",
      "json",
      "--report",
      report
    ])
    expect(run.status).toBe(0)
    const printed = JSON.parse(run.stdout) as Array<{ run: string; trace: string; metrics: { vms: number } }>
    expect(printed.map((entry) => entry.run)).toEqual([
      "cloudsim thr:0.8 mmt",
      "cloudsim thr:0.8 mc",
      "cloudsim lr:1.2 mmt",
      "cloudsim lr:1.2 mc"
    ])
    expect(printed.every((entry) => entry.metrics.vms === 30)).toBe(true)
    const html = readFileSync(report, "utf8")
    expect(html).toContain("4 runs; synthetic:vms=30,seed=5: 20 hosts, 30 VMs.")
    // Four timelines in each of the four charts.
    expect(html.split("<polyline").length - 1).toBe(16)
    for (const label of printed.map((entry) => entry.run)) expect(html).toContain(label)
  })

  it("runs a grid file's jobs and states each day's facts in the report", async () => {
    const grid = join(work, "days.json")
    writeFileSync(
      grid,
      JSON.stringify({
        policies: ["cloudsim"],
        parameters: { overload: ["thr:0.8", "lr:1.2"] },
        traces: ["synthetic:vms=20,seed=1", "synthetic:vms=24,seed=2"]
      })
    )
    const report = join(work, "days.html")
    const run = await neat(["sim", "--grid", grid, "--hosts", "16", "--report", report])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain("== cloudsim overload=lr:1.2 @ synthetic:vms=24,seed=2")
    const html = readFileSync(report, "utf8")
    expect(html).toContain("synthetic:vms=20,seed=1: 16 hosts, 20 VMs; synthetic:vms=24,seed=2: 16 hosts, 24 VMs.")
    expect(html.split('<td class="day">').length - 1).toBe(4)

    const mixed = await neat(["sim", "--grid", grid, "--overload", "mad"])
    expect(mixed.status).toBe(1)
    expect(mixed.stderr).toContain("drop --overload")
    expect(mixed.stderr).not.toContain("    at ")
  })
})
