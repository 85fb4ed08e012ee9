import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neatNodeArgs, neatSync } from "../../support/neatCli.js"
import { projectRoot as root } from "../../support/projectRoot.js"

/** End to end: the CLI in child processes, with the test fixture runner (no simulator). */

const fixture = join(root, "test/adapters/sim/sweep/fixtureRunner.ts")
const dir = mkdtempSync(join(tmpdir(), "neat-sweep-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("neat sweep", () => {
  it("runs a grid, writes CSV, JSON and a report, and resumes from its store", () => {
    const out = join(dir, "out")
    const args = [
      "sweep",
      "--policy",
      "cloudsim",
      "--policy",
      "neat",
      "--param",
      "overload=thr:0.8,lr:1.2",
      "--trace",
      "synthetic:vms=10,seed=1",
      "--runner",
      `${fixture}#runFixtureJob`,
      "--workers",
      "2",
      "--out",
      out,
      "--report",
      join(out, "report.html")
    ]
    const first = neatSync(args)
    expect(first.stderr).toContain("sweep [")
    expect(first.status).toBe(0)
    expect(first.stdout).toContain("sweep: 4 jobs in the grid; 0 already stored, 4 run, 0 failed")
    expect(readFileSync(join(out, "sweep.csv"), "utf8").trimEnd().split("\n").length).toBe(5)
    expect(JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")).results.length).toBe(4)
    expect(existsSync(join(out, "sweep.sqlite"))).toBe(true)
    // The report compares configurations: each is named by its policy and parameters.
    const report = readFileSync(join(out, "report.html"), "utf8")
    expect(report).toContain("Neat sweep report")
    expect(report).toContain("neat overload=lr:1.2")

    // The same grid as shard 1 of 2 of a Kubernetes Indexed Job: its jobs are all stored already.
    const again = neatSync([...args, "--quiet", "--shards", "2"], { env: { JOB_COMPLETION_INDEX: "1" } })
    expect(again.status).toBe(0)
    expect(again.stdout).toContain("sweep: 4 jobs in the grid, 2 in shard 1/2; 2 already stored, 0 run, 0 failed")
    expect(again.stderr).toBe("")
  })

  it("resumes after the process is killed mid-way: stored jobs are not run again", async () => {
    const out = join(dir, "killed")
    const log = join(dir, "killed.log")
    const args = [
      "sweep",
      "--param",
      `x=${Array.from({ length: 30 }, (_, i) => i).join(",")}`,
      "--param",
      "delayMs=200",
      "--runner",
      `${fixture}#runFixtureJob`,
      "--workers",
      "2",
      "--out",
      out,
      "--quiet"
    ]
    const env = { NEAT_SWEEP_FIXTURE_LOG: log }
    const child = spawn(process.execPath, neatNodeArgs(args), {
      cwd: root,
      env: { ...process.env, ...env },
      detached: true,
      stdio: "ignore"
    })
    const started = () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter((line) => line !== "").length
        : 0
    const deadline = Date.now() + 40_000
    while (started() < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    const exited = new Promise((resolve) => child.once("exit", resolve))
    // The whole process group, worker threads included, as a crash or an evicted pod would.
    // (Never -0: that would be this test runner's own group.)
    const pid = child.pid
    if (pid === undefined || pid <= 0) throw new Error("the sweep process did not start")
    process.kill(-pid, "SIGKILL")
    await exited
    const before = started()
    expect(before).toBeGreaterThanOrEqual(8)
    expect(before).toBeLessThan(30)
    rmSync(log)

    const resumed = neatSync(args, { env })
    expect(resumed.status).toBe(0)
    const stored = Number(/; (\d+) already stored, (\d+) run/.exec(resumed.stdout)?.[1])
    const ran = Number(/; (\d+) already stored, (\d+) run/.exec(resumed.stdout)?.[2])
    expect(stored).toBeGreaterThan(0)
    expect(stored + ran).toBe(30)
    expect(started()).toBe(ran)
    expect(resumed.stdout).toContain("(30 of 30 results)")
  })
})
