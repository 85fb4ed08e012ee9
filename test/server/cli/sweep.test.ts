import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const fixture = join(root, "test/adapters/sim/sweep/fixtureRunner.ts")
const dir = mkdtempSync(join(tmpdir(), "neat-sweep-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const neat = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ["--import", "tsx", join(root, "src/server/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000
  })

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
    const first = neat(args)
    expect(first.stderr).toContain("sweep [")
    expect(first.status).toBe(0)
    expect(first.stdout).toContain("sweep: 4 jobs in the grid; 0 already stored, 4 run, 0 failed")
    expect(readFileSync(join(out, "sweep.csv"), "utf8").trimEnd().split("\n").length).toBe(5)
    expect(JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")).results.length).toBe(4)
    expect(existsSync(join(out, "sweep.sqlite"))).toBe(true)
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("neat overload=lr:1.2 @ synthetic:vms=10,seed=1")

    // The same grid as shard 1 of 2 of a Kubernetes Indexed Job: its jobs are all stored already.
    const again = neat([...args, "--quiet", "--shards", "2"], { JOB_COMPLETION_INDEX: "1" })
    expect(again.status).toBe(0)
    expect(again.stdout).toContain("sweep: 4 jobs in the grid, 2 in shard 1/2; 2 already stored, 0 run, 0 failed")
    expect(again.stderr).toBe("")
  })
})
