/** `neat serve --mode sim`: the live stack over a simulated trace, end to end through the CLI. */
import { describe, expect, it } from "vitest"
import { neat } from "../../support/neatCli.js"

const base = ["serve", "--mode", "sim", "--global-manager-host", "127.0.0.1", "--global-manager-port", "0"]

describe("neat serve --mode sim", () => {
  it("runs the trace through the global manager and local managers, then prints the metrics", async () => {
    const run = await neat([
      ...base,
      "--os-admin-password",
      "pw",
      "--trace",
      "synthetic:vms=8,seed=2,days=0.25",
      "--hosts",
      "6",
      "--step-seconds",
      "0"
    ])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/71 intervals, \d+ requests \(\d+ accepted\)/)
    expect(run.stdout).toMatch(/energy \(kWh\)/)
  }, 60_000)

  it("names the missing trace and conflicting clock options in one line", async () => {
    const missing = await neat([...base, "--os-admin-password", "pw"])
    expect(missing.status).toBe(1)
    expect(missing.stderr.trim().split("\n")).toHaveLength(1)
    expect(missing.stderr).toMatch(/trace/)
    const both = await neat([
      ...base,
      "--os-admin-password",
      "pw",
      "--trace",
      "synthetic:vms=4,seed=1,days=0.25",
      "--step-seconds",
      "0",
      "--speedup",
      "10"
    ])
    expect(both.status).toBe(1)
    expect(both.stderr).toMatch(/step-seconds/)
  }, 60_000)
})
