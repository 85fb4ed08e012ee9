/**
 * `neat sweep --hosts N|FILE.json`: jobs run on a data set's own machines, every result states the
 * hosts it ran on, and the VMs refused on arrival are kept with it (store, CSV, JSON).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { fleetHostTypeOf, loadHostsFile } from "../../../../src/adapters/sim/HostsFile.js"
import { runSimulation } from "../../../../src/adapters/sim/runSimulation.js"
import { simulationOptionsFromParams } from "../../../../src/adapters/sim/simulationParams.js"
import { runSweep, type SweepOptions } from "../../../../src/adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { openSweepStore } from "../../../../src/adapters/sim/sweep/SweepStore.js"
import { simulationRunnerRef } from "../../../../src/adapters/sim/sweep/simulationRunnerRef.js"
import { readSweepJson } from "../../../../src/adapters/sim/sweep/sweepSource.js"
import { loadTrace } from "../../../../src/adapters/sim/traces/loadTrace.js"
import { parseArrivalsSpec } from "../../../../src/adapters/sim/traces/syntheticArrivals.js"
import { describeError } from "../../../../src/core/errors.js"
import { sweepCommand } from "../../../../src/server/cli/sweep.js"
import { runCommandInProcess } from "../../../support/neatCli.js"
import { GWA_HEADER, gwaRow, writeText } from "../traces/datasets.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-hosts-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Three GWA VMs of one 2000 MHz core and 1 GB, 300 s apart: vm 1 there from the start, vm 2
 * arriving at the third interval, vm 3 at the fourth; all stay to the end (six intervals).
 */
const gwaDir = join(dir, "gwa")
mkdirSync(gwaDir)
const vmFile = (name: string, firstSample: number) =>
  writeText(join(gwaDir, `${name}.csv`), [
    GWA_HEADER,
    ...Array.from({ length: 6 - firstSample }, (_, k) => gwaRow((firstSample + k) * 300, 1, 2000, 50, 1048576))
  ])
vmFile("1", 0)
vmFile("2", 2)
vmFile("3", 3)
const trace = `gwa:${gwaDir}`

/** Two hosts of one 2500 MHz core: one 2000 MHz VM each, so the third VM to arrive finds no room. */
const hostsFile = join(dir, "two-hosts.json")
writeFileSync(
  hostsFile,
  JSON.stringify({
    hosts: [{ name: "one-core", count: 2, cores: 1, mhz_per_core: 2500, ram_mb: 4096, power_w: { idle: 50, max: 100 } }]
  })
)

let stores = 0
const sweep = (grid: SweepGrid, overrides: Partial<SweepOptions> = {}) => {
  const out = join(dir, `out-${stores++}`)
  mkdirSync(out)
  const options: SweepOptions = {
    grid,
    runner: simulationRunnerRef,
    store: join(out, "sweep.sqlite"),
    workers: 1,
    progress: false,
    csvFile: join(out, "sweep.csv"),
    jsonFile: join(out, "sweep.json"),
    ...overrides
  }
  return Effect.runPromise(runSweep(options)).then((summary) => ({ summary, out, options }))
}

/** A CSV line's cells (quoted cells hold commas; no line breaks in these files). */
const cellsOf = (line: string): Array<string> => {
  const cells: Array<string> = []
  let at = 0
  for (;;) {
    const quoted = line[at] === '"'
    const end = quoted ? line.indexOf('",', at + 1) : line.indexOf(",", at)
    const stop = end < 0 ? line.length : quoted ? end + 1 : end
    const cell = line.slice(at, stop)
    cells.push(quoted ? cell.slice(1, -1).replace(/""/g, '"') : cell)
    if (end < 0) return cells
    at = stop + 1
  }
}

const csvRows = (file: string): ReadonlyArray<Record<string, string>> => {
  const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\n")
  const names = cellsOf(header!)
  return rows.map((row) => Object.fromEntries(cellsOf(row).map((cell, i) => [names[i]!, cell])))
}

describe("neat sweep --hosts", () => {
  it("runs every job on a hosts file's machines, states the file and counts the VMs refused on arrival", async () => {
    const grid: SweepGrid = { policies: ["cloudsim", "npa"], parameters: {}, traces: [trace], hosts: hostsFile }
    const { summary, out, options } = await sweep(grid)
    expect(summary).toMatchObject({ gridJobs: 2, ran: 2, failed: [] })

    // The same runs made directly on the file's machines: the sweep used them. CloudSim's policy
    // consolidates vm 1 and vm 2 on one host before vm 3 arrives (one migration), so vm 3 takes the
    // other; NPA never migrates, so vm 3 finds both hosts taken and is refused.
    const loaded = await Effect.runPromise(loadTrace(trace))
    const fleet = await Effect.runPromise(loadHostsFile(hostsFile))
    for (const result of summary.results) {
      const direct = runSimulation({
        ...Either.getOrThrow(simulationOptionsFromParams(result.job.policy, {}, loaded)),
        hosts: 2,
        hostTypes: fleet.types,
        hostTypeOf: fleetHostTypeOf(fleet)
      })
      expect(result.metrics.hosts).toBe(2)
      expect(result.metrics.energyKwh).toBe(direct.metrics.energyKwh)
      expect(result.job.hostsFile).toMatchObject({ file: "two-hosts.json", hosts: 2 })
      expect((result.metrics as { vmsRefused?: number }).vmsRefused).toBe(result.job.policy === "npa" ? 1 : 0)
      expect((direct.metrics as { vmsRefused?: number }).vmsRefused).toBe(result.job.policy === "npa" ? 1 : 0)
    }

    const rows = csvRows(join(out, "sweep.csv"))
    const sha256 = summary.results[0]!.job.hostsFile!.sha256
    expect(sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(rows.map((row) => [row.policy, row.hosts_file, row.hosts, row.vms, row.vms_refused])).toEqual([
      ["cloudsim", `two-hosts.json sha256:${sha256}`, "2", "3", "0"],
      ["npa", `two-hosts.json sha256:${sha256}`, "2", "3", "1"]
    ])
    const json = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"))
    expect(json.grid.hosts).toBe(hostsFile)
    expect(json.results[0].hosts_file).toEqual({ file: "two-hosts.json", sha256, hosts: 2 })
    expect(json.results.map((result: { metrics: { vms_refused: number } }) => result.metrics.vms_refused)).toEqual([
      0, 1
    ])
    // sweep.json reads back with both (neat report).
    const back = await Effect.runPromise(readSweepJson(join(out, "sweep.json")))
    expect(back[0]!.job.hostsFile).toEqual({ file: "two-hosts.json", sha256, hosts: 2 })
    expect(back.map((result) => (result.metrics as { vmsRefused?: number }).vmsRefused)).toEqual([0, 1])
    // The statistics state the hosts of each configuration.
    expect(summary.statistics.configurations[0]!.config.hosts_file).toEqual({
      file: "two-hosts.json",
      sha256,
      hosts: 2
    })

    // Resumed from its store: nothing runs again, and the rows come back with the file and the refusals.
    const again = await Effect.runPromise(runSweep(options))
    expect(again).toMatchObject({ skipped: 2, ran: 0 })
    expect(again.results.map((result) => (result.metrics as { vmsRefused?: number }).vmsRefused)).toEqual([0, 1])
    const all = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(openSweepStore(options.store), (store) => store.loadAll()))
    )
    expect(all.map((result) => result.job.hostsFile)).toEqual([
      { file: "two-hosts.json", sha256, hosts: 2 },
      { file: "two-hosts.json", sha256, hosts: 2 }
    ])
  })

  it("keys results by the hosts: another hosts file, a count or none are other jobs", async () => {
    const { summary: onFile } = await sweep({ policies: ["npa"], parameters: {}, traces: [trace], hosts: hostsFile })
    const { summary: onCount, out } = await sweep({ policies: ["npa"], parameters: {}, traces: [trace], hosts: 3 })
    const { summary: onDefault } = await sweep({ policies: ["npa"], parameters: {}, traces: [trace] })
    const keys = [onFile, onCount, onDefault].map((summary) => summary.results[0]!.job.key)
    expect(new Set(keys).size).toBe(3)
    // A number of hosts is the jobs' `hosts` parameter, as with neat sim: three G4/G5, the third VM refused too.
    expect(onCount.results[0]!.job.params).toEqual({ hosts: 3 })
    expect(csvRows(join(out, "sweep.csv")).map((row) => [row.hosts_file, row.hosts, row.vms_refused])).toEqual([
      ["", "3", String((onCount.results[0]!.metrics as { vmsRefused?: number }).vmsRefused)]
    ])
    expect(onDefault.results[0]!.metrics.hosts).toBe(800)
    expect((onDefault.results[0]!.metrics as { vmsRefused?: number }).vmsRefused).toBe(0)
  })

  it("refuses a hosts parameter at odds with the hosts file before anything runs", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        runSweep({
          grid: { policies: ["npa"], parameters: { hosts: [5] }, traces: [trace], hosts: hostsFile },
          runner: simulationRunnerRef,
          store: join(dir, "never.sqlite"),
          progress: false
        })
      )
    )
    expect(describeError(error)).toBe(
      "configuration: hosts: the parameter hosts=5 asks for 5 hosts, but the hosts file two-hosts.json describes 2; drop the parameter, or give a number with --hosts"
    )
  })

  it("runs the synthetic workload with --arrivals on a hosts file's machines, from the command line", async () => {
    // Four VMs at the start and about four more an hour for a day, on three one-core hosts: most are refused.
    const spec = "synthetic:vms=4,seed=3,days=1,interval=3600"
    const out = join(dir, "arrivals-out")
    await Effect.runPromise(
      runCommandInProcess(sweepCommand, [
        "--trace",
        spec,
        "--arrivals",
        "mean=6, rate=4",
        "--hosts",
        hostsFile,
        "--policy",
        "npa",
        "--workers",
        "1",
        "--quiet",
        "--out",
        out
      ])
    )
    const loaded = await Effect.runPromise(
      loadTrace(spec, { arrivals: Either.getOrThrow(parseArrivalsSpec("rate=4,mean=6")) })
    )
    const fleet = await Effect.runPromise(loadHostsFile(hostsFile))
    const direct = runSimulation({
      ...Either.getOrThrow(simulationOptionsFromParams("npa", {}, loaded)),
      hosts: 2,
      hostTypes: fleet.types,
      hostTypeOf: fleetHostTypeOf(fleet)
    })
    const refused = (direct.metrics as { vmsRefused?: number }).vmsRefused ?? 0
    expect(refused).toBeGreaterThan(10)
    const [row] = csvRows(join(out, "sweep.csv"))
    expect([row!.arrivals, row!.hosts_file?.split(" ")[0], row!.hosts, row!.vms, row!.vms_refused]).toEqual([
      "rate=4,lifetime=exponential,mean=6",
      "two-hosts.json",
      "2",
      String(loaded.names.length),
      String(refused)
    ])
    expect(Number(row!.energy_kwh)).toBe(direct.metrics.energyKwh)
    const json = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"))
    expect(json.results[0].arrivals).toBe("rate=4,lifetime=exponential,mean=6")
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))
    expect(summary.configurations[0].config.arrivals).toBe("rate=4,lifetime=exponential,mean=6")
    // The statistics summarise the VMs refused too, for runs that have them.
    expect(summary.configurations[0].metrics.vms_refused.mean).toBe(refused)
  })

  it("refuses --arrivals over a trace that is not the synthetic workload, naming it", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        runCommandInProcess(sweepCommand, ["--trace", trace, "--arrivals", "rate=4", "--out", join(dir, "no-out")])
      )
    )
    expect(describeError(error as { _tag: string })).toBe(
      `configuration: arrivals: applies to the synthetic workload only (a data set's trace carries its own lifetimes) (${trace})`
    )
  })

  it("names the file and the field of a bad hosts file, from the command line, before anything runs", async () => {
    const bad = join(dir, "bad-hosts.json")
    writeFileSync(
      bad,
      JSON.stringify({ hosts: [{ name: "x", count: 2, cores: 0, mhz_per_core: 2500, ram_mb: 4096, power_w: [1, 2] }] })
    )
    const out = join(dir, "bad-out")
    const error = await Effect.runPromise(
      Effect.flip(
        runCommandInProcess(sweepCommand, ["--hosts", bad, "--trace", trace, "--out", out, "--quiet", "--workers", "1"])
      )
    )
    expect(describeError(error as { _tag: string })).toBe(`${bad}, hosts[0].cores: expected a positive integer, got 0`)
    const missing = await Effect.runPromise(
      Effect.flip(
        runCommandInProcess(sweepCommand, ["--hosts", join(dir, "nowhere.json"), "--trace", trace, "--out", out])
      )
    )
    expect(describeError(missing as { _tag: string })).toContain(`${join(dir, "nowhere.json")}: cannot read`)
  })
})
