/** `neat sim` end to end: a tiny PlanetLab-style directory, JSON output, and clear errors. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neat, neatSync } from "../../support/neatCli.js"

const work = mkdtempSync(join(tmpdir(), "neat-sim-cli-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const traceDir = join(work, "day")
mkdirSync(traceDir)
for (const [name, percent] of [
  ["a", 40],
  ["b", 60],
  ["c", 20],
  ["d", 80]
] as const) {
  writeFileSync(join(traceDir, name), `${Array.from({ length: 288 }, () => String(percent)).join("\n")}\n`)
}

describe("neat sim", () => {
  it("with NEAT_PHASES set, says on stderr where the run's time went, phase by phase", () => {
    const run = neatSync(["sim", "--trace", traceDir, "--hosts", "4", "--format", "json"], {
      env: { NEAT_PHASES: "1" }
    })
    expect(run.status).toBe(0)
    expect(typeof (JSON.parse(run.stdout) as Record<string, unknown>).energy_kwh).toBe("number")
    const lines = run.stderr.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^neat: phases \(wall ms, (main thread|process) CPU ms; NEAT_PHASES\)$/)
    const phases = lines.slice(1).map((line) => /^neat: {3}(.+?) +(\d+) +(\d+)$/.exec(line)?.slice(1))
    expect(phases.map((phase) => phase?.[0])).toEqual([
      "start to command",
      "sim modules",
      "traces read",
      "simulation",
      "exit",
      "total"
    ])
    // The total is the sum of the phases (each rounded).
    const cpu = phases.map((phase) => Number(phase?.[2]))
    const sum = cpu.slice(0, -1).reduce((a, b) => a + b, 0)
    expect(Math.abs(sum - cpu[cpu.length - 1]!)).toBeLessThanOrEqual(cpu.length)
  })

  it("prints no phases when NEAT_PHASES is 0 or empty", () => {
    for (const value of ["0", ""]) {
      const run = neatSync(["sim", "--trace", traceDir, "--hosts", "4", "--format", "json"], {
        env: { NEAT_PHASES: value }
      })
      expect(run).toMatchObject({ status: 0, stderr: "" })
    }
  })

  it("prints one JSON object with the study's metrics in snake_case, the configuration first", () => {
    const run = neatSync(["sim", "--trace", traceDir, "--hosts", "4", "--format", "json"])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const metrics = JSON.parse(run.stdout) as Record<string, unknown>
    expect(Object.keys(metrics)[0]).toBe("configuration")
    expect(metrics.configuration).toEqual({
      policy: "cloudsim",
      overload: "thr:0.8",
      selection: "mmt",
      underload: null,
      placement: null,
      seed: null,
      hosts: 4,
      trace: traceDir,
      vm_order: null
    })
    for (const key of [
      "energy_kwh",
      "migrations",
      "slatah_pct",
      "pdm_pct",
      "slav_pct",
      "esv",
      "host_shutdowns",
      "mean_time_before_migration_sec",
      "overload_time_fraction",
      "idle_time_fraction",
      "vms",
      "hosts",
      "wall_seconds"
    ]) {
      expect(typeof metrics[key], key).toBe("number")
    }
    // The camelCase keys of the previous release stay, deprecated, for one release.
    expect(metrics.energyKwh).toBe(metrics.energy_kwh)
    for (const key of [
      "energyKwh",
      "migrations",
      "slatahPct",
      "pdmPct",
      "slavPct",
      "esv",
      "hostShutdowns",
      "vms",
      "hosts",
      "wallSeconds"
    ]) {
      expect(typeof metrics[key], key).toBe("number")
    }
    expect(metrics.vms).toBe(4)
    expect(metrics.hosts).toBe(4)
  })

  it("follows a VM order file and reports bad options in one line", () => {
    const order = join(work, "order.csv")
    writeFileSync(order, "0,d\n1,c\n2,b\n3,a\n")
    const table = neatSync(["sim", "--trace", traceDir, "--vm-order", order, "--hosts", "4", "--policy", "dvfs"])
    expect(table.status).toBe(0)
    expect(table.stdout).toMatch(/energy \(kWh\)\s+\d/)

    const badOverload = neatSync(["sim", "--trace", traceDir, "--overload", "zzz:1"])
    expect(badOverload.status).toBe(1)
    expect(badOverload.stderr).toContain('overload: unknown detector "zzz"')

    writeFileSync(order, "0,d\n1,nope\n")
    const badOrder = neatSync(["sim", "--trace", traceDir, "--vm-order", order])
    expect(badOrder.status).toBe(1)
    expect(badOrder.stderr).toContain(`${order}, line 2, filename: 'nope' is not in the trace`)
  })

  it("simulates the built-in synthetic workload by default and writes a self-contained report", () => {
    const report = join(work, "report.html")
    const run = neatSync([
      "sim",
      "--trace",
      "synthetic:vms=60,seed=7",
      "--hosts",
      "40",
      "--report",
      report,
      "--format",
      "json"
    ])
    expect(run.status).toBe(0)
    const metrics = JSON.parse(run.stdout) as Record<string, number>
    expect(metrics.vms).toBe(60)
    expect(metrics.migrations).toBeGreaterThan(0)
    const html = readFileSync(report, "utf8")
    expect(html).toContain("<svg")
    expect(html).not.toMatch(/(src|href)="https?:/)
  })

  it("reads a CSV trace and names the line of a bad row", () => {
    const rows = ["vm,time,cpu_percent"]
    for (const vm of ["x", "y"]) for (let k = 0; k < 12; k++) rows.push(`${vm},${k * 300},${vm === "x" ? 30 : 70}`)
    const csv = join(work, "trace.csv")
    writeFileSync(csv, `${rows.join("\n")}\n`)
    const run = neatSync(["sim", "--trace", csv, "--hosts", "2", "--format", "json"])
    expect(run.status).toBe(0)
    expect((JSON.parse(run.stdout) as Record<string, number>).vms).toBe(2)

    writeFileSync(csv, `${rows.join("\n")}\nx,3600,lots\n`)
    const bad = neatSync(["sim", "--trace", csv])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain(`${csv}, line ${rows.length + 1}`)
    expect(bad.stderr).not.toContain("    at ")
  })

  it("runs Neat's loop with registry algorithms and names a bad one", async () => {
    const run = await neat([
      "sim",
      "--trace",
      traceDir,
      "--hosts",
      "4",
      "--policy",
      "neat",
      "--overload",
      "threshold:0.9",
      "--format",
      "json"
    ])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const metrics = JSON.parse(run.stdout) as Record<string, unknown>
    expect(metrics.vms).toBe(4)
    const bad = neatSync([
      "sim",
      "--trace",
      traceDir,
      "--hosts",
      "4",
      "--policy",
      "neat",
      "--placement",
      "best_fit_decreasing:{oops"
    ])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain("placement: parameters are not JSON")
    expect(bad.stderr).not.toContain("    at ")
  })

  it("keeps server groups from --server-groups under the neat policy and reports their cost", () => {
    const groups = join(work, "groups.json")
    writeFileSync(groups, JSON.stringify({ groups: [{ name: "web", policy: "anti-affinity", vms: ["a", "b"] }] }))
    const run = neatSync(["sim", "--trace", traceDir, "--hosts", "4", "--policy", "neat", "--server-groups", groups])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /\nserver groups: 1 \(2 VMs\), \d+ hard groups broken by the initial placement; \d+ requests refused and \d+ VMs kept in place by a group\n?$/
    )
    const json = neatSync([
      "sim",
      "--trace",
      traceDir,
      "--hosts",
      "4",
      "--policy",
      "neat",
      "--server-groups",
      groups,
      "--format",
      "json"
    ])
    expect((JSON.parse(json.stdout) as { server_groups: { groups: number } }).server_groups.groups).toBe(1)

    const otherPolicy = neatSync(["sim", "--trace", traceDir, "--hosts", "4", "--server-groups", groups])
    expect(otherPolicy.status).toBe(1)
    expect(otherPolicy.stderr).toContain(
      "server-groups: server groups are kept by the neat policy's placement only (--policy neat), not by cloudsim"
    )
    writeFileSync(groups, JSON.stringify({ groups: [{ name: "web", policy: "anti-affinity", vms: ["a", "zz"] }] }))
    const unknown = neatSync([
      "sim",
      "--trace",
      traceDir,
      "--hosts",
      "4",
      "--policy",
      "neat",
      "--server-groups",
      groups
    ])
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain(`${groups}: group "web": VM "zz" is not in the trace`)
    expect(unknown.stderr).not.toContain("    at ")
  })
})
