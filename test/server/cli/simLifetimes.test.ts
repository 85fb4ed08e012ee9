/** `neat sim --hosts FILE.json` and `--arrivals` end to end: results, the configuration they state, clear errors. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neatSync } from "../../support/neatCli.js"

const work = mkdtempSync(join(tmpdir(), "neat-sim-lifetimes-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const hostsFile = join(work, "dc.json")
writeFileSync(
  hostsFile,
  JSON.stringify({
    hosts: [
      {
        name: "big",
        count: 20,
        cores: 16,
        mhz_per_core: 2600,
        ram_mb: 65536,
        power_w: [110, 140, 160, 180, 200, 225, 250, 280, 310, 340, 370]
      },
      { name: "old", count: 10, cores: 4, mhz_per_core: 2600, ram_mb: 16384, power_w: { idle: 90, max: 210 } }
    ]
  })
)
const badFile = join(work, "bad.json")
writeFileSync(
  badFile,
  JSON.stringify({
    hosts: [{ name: "x", count: 2, cores: 4, mhz_per_core: 2000, ram_mb: 8192, power_w: { idle: 90 } }]
  })
)

describe("neat sim with a hosts file and arrivals", () => {
  it("simulates the file's hosts and VMs that come and go, and says so in its configuration", () => {
    const args = ["sim", "--trace", "synthetic:vms=60,seed=3", "--hosts", hostsFile, "--arrivals", "rate=4,mean=5"]
    const run = neatSync([...args, "--format", "json"])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.configuration).toMatchObject({ hosts: 30, hosts_file: hostsFile })
    expect(result.hosts).toBe(30)
    expect(result.vms).toBeGreaterThan(60)
    expect(result.vms_refused).toBe(0)
    // Seeded: the same command gives the same numbers.
    const again = JSON.parse(neatSync([...args, "--format", "json"]).stdout)
    expect(again.energy_kwh).toBe(result.energy_kwh)
    expect(again.vms).toBe(result.vms)
    const table = neatSync(args)
    expect(table.stdout).toContain(`hosts file ${hostsFile}`)
    expect(table.stdout).toMatch(/VMs refused\s+0/)
  })

  it("names the file and the field of a bad hosts file, exit status 1", () => {
    const run = neatSync(["sim", "--trace", "synthetic:vms=10", "--hosts", badFile])
    expect(run.status).toBe(1)
    expect(run.stderr.trim()).toBe(
      `neat: ${badFile}, hosts[0].power_w.max: expected a number of watts >= idle (90), got nothing`
    )
  })

  it("refuses --arrivals for a trace that is not the synthetic workload, and a bad spec", () => {
    const other = neatSync(["sim", "--trace", hostsFile, "--arrivals", "rate=4"])
    expect(other.status).toBe(1)
    expect(other.stderr).toMatch(/neat: .*(arrivals|trace)/)
    const bad = neatSync(["sim", "--arrivals", "rate=0"])
    expect(bad.status).toBe(1)
    expect(bad.stderr.trim()).toBe(
      "neat: configuration: arrivals: rate must be a positive number of VMs per hour, got '0' (rate=0)"
    )
  })
})
