/**
 * What-if on a simulated history, through the CLI: `neat serve --mode sim` with a store in a file
 * records its run and logs the `neat whatif` command that replays it; that command replays it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neat } from "../../support/neatCli.js"

const directory = mkdtempSync(join(tmpdir(), "neat-sim-history-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const serve = ["serve", "--mode", "sim", "--global-manager-host", "127.0.0.1", "--global-manager-port", "0"]
const trace = ["--trace", "synthetic:vms=8,seed=2,days=0.25", "--hosts", "6", "--step-seconds", "0"]

describe("what-if on the history of neat serve --mode sim", () => {
  it("replays the run the simulated stack recorded, with the command it logged", async () => {
    const store = join(directory, "neat.db")
    const run = await neat([
      ...serve,
      ...trace,
      "--os-admin-password",
      "pw",
      "--sql-connection",
      `sqlite:///${store}`,
      "--intervals",
      "12"
    ])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/12 intervals/)
    const logged = /replay it with neat whatif --since (\d+s) --until (\S+)/.exec(run.stdout + run.stderr)
    expect(logged, run.stdout + run.stderr).not.toBeNull()
    expect(logged![1]).toBe(`${13 * 300}s`)
    const config = join(directory, "neat.conf")
    writeFileSync(config, `[DEFAULT]\nsql_connection = sqlite:///${store}\nlocal_manager_interval = 300\n`)
    const whatif = await neat([
      "whatif",
      "--config",
      config,
      "--since",
      logged![1]!,
      "--until",
      logged![2]!,
      "--vm-capacity-mhz",
      "1000",
      "--vm-ram-mb",
      "613"
    ])
    expect(whatif.status, whatif.stderr).toBe(0)
    expect(whatif.stdout).toMatch(/ +recorded +replay\n/)
    expect(whatif.stdout).toMatch(/hosts +6 +6\n/)
    expect(whatif.stdout).not.toContain("NaN")
  }, 120_000)

  it("names a bad interval count", async () => {
    const bad = await neat([...serve, ...trace, "--os-admin-password", "pw", "--intervals", "0"])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/intervals.*positive integer/)
  }, 60_000)
})
