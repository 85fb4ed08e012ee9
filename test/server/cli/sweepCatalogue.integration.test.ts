/**
 * End to end: a sweep grid mixing CloudSim's own detectors with catalogue ones (OTF, MHOD with JSON
 * parameters, a Neat selection) under the cloudsim policy, run by the simulator on worker threads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neatSync } from "../../support/neatCli.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-catalogue-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("neat sweep with catalogue algorithms under the cloudsim policy", () => {
  it("runs every job on worker threads and records each configuration", () => {
    const grid = join(dir, "grid.json")
    const overload = ["thr:0.8", "otf:0.2", 'mhod:{"otf":0.2,"state_config":[1.0]}']
    writeFileSync(
      grid,
      JSON.stringify({
        policies: ["cloudsim"],
        parameters: { overload, selection: ["mmt", "minimum_utilization"] },
        traces: ["synthetic:vms=60,seed=3,days=1"]
      })
    )
    const out = join(dir, "out")
    const run = neatSync(["sweep", "--grid", grid, "--workers", "2", "--quiet", "--out", out])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(run.stdout).toContain("sweep: 6 jobs in the grid; 0 already stored, 6 run, 0 failed")
    const results = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")).results as ReadonlyArray<{
      readonly params: { readonly overload: string; readonly selection: string }
      readonly metrics: { readonly migrations: number }
    }>
    expect(results.map((r) => r.params.overload).sort()).toEqual([...overload, ...overload].sort())
    for (const result of results) expect(result.metrics.migrations).toBeGreaterThan(0)
  })

  it("refuses a grid naming an unknown detector, naming it", () => {
    const grid = join(dir, "bad.json")
    writeFileSync(
      grid,
      JSON.stringify({
        policies: ["cloudsim"],
        parameters: { overload: ["nosuch"] },
        traces: ["synthetic:vms=10,seed=1"]
      })
    )
    const run = neatSync(["sweep", "--grid", grid, "--workers", "1", "--quiet", "--out", join(dir, "bad")])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('unknown detector "nosuch"')
  })
})
