/** `neat collect` and `neat db-clean` as an operator runs them, on libvirt's test driver. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { it as effectIt } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, TestClock } from "effect"
import { afterAll, expect, it } from "vitest"
import { collectCommand } from "../../../src/server/cli/collect.js"
import { neatSync, runCommandInProcess } from "../../support/neatCli.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { requireVirsh } from "../../support/virsh.js"

/** The CLI finds virsh on its PATH, as an operator's would. */
const withoutVirshVariable = { env: { NEAT_TEST_VIRSH: undefined } }
describeWithRequirement("neat collect and db-clean", requireVirsh(), (virshCommand) => {
  const directory = mkdtempSync(join(tmpdir(), "neat-cli-"))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))
  const database = join(directory, "neat.db")
  const data = join(directory, "data")
  const stat = join(directory, "stat")
  const config = join(directory, "neat.conf")
  mkdirSync(data)
  writeFileSync(
    config,
    [
      "[DEFAULT]",
      `sql_connection = sqlite:///${database}`,
      `local_data_directory = ${data}`,
      `log_directory = ${join(directory, "log")}`,
      "log_level = 2",
      "libvirt_uri = test:///default",
      `virsh_command = ${virshCommand}`,
      `proc_stat_path = ${stat}`,
      "local_host_name = compute1",
      ""
    ].join("\n")
  )
  const vm = "6695eb01-f6a4-8304-79aa-97f2502e193f"

  it("collects once per invocation, resuming the counters, and cleans the store", () => {
    writeFileSync(stat, "cpu 100 0 0 900 0 0 0\n")
    const first = neatSync(["collect", "--config", config, "--once"], withoutVirshVariable)
    expect(first.stderr).not.toContain("neat:")
    expect(first.status).toBe(0)
    expect(readdirSync(join(data, "vms"))).toEqual([vm])
    writeFileSync(stat, "cpu 600 0 0 1400 0 0 0\n")
    const second = neatSync(["collect", "--config", config, "--once"], withoutVirshVariable)
    expect(second.status).toBe(0)
    // The test domain uses one 1400 MHz core; the host (16 x 1400 MHz) was half busy.
    const vmMhz = Number(readFileSync(join(data, "vms", vm), "utf8").trim())
    expect(vmMhz).toBeGreaterThan(1000)
    expect(vmMhz).toBeLessThan(1800)
    expect(readFileSync(join(data, "host"), "utf8")).toBe(`${11200 - vmMhz}\n`)

    const db = new Database(database, { readonly: true })
    const host = db.prepare("select hostname, cpu_mhz, cpu_cores, ram from hosts").all()
    const usage = db.prepare("select cpu_mhz from vm_resource_usage").all()
    db.close()
    expect(host).toEqual([{ hostname: "compute1", cpu_mhz: 22400, cpu_cores: 16, ram: 3072 }])
    expect(usage).toEqual([{ cpu_mhz: vmMhz }])

    const clean = neatSync(["db-clean", "--config", config, "--once"], withoutVirshVariable)
    expect(clean.status).toBe(0)
    expect(clean.stdout + clean.stderr).toContain("0 VM rows, 0 host rows")
  })

  // In process, under a test clock, so that the runs are exactly 5 minutes apart.
  effectIt.effect("collects once per invocation from the replay source, recording the trace's values", () =>
    Effect.gen(function* () {
      const replay = join(directory, "replay")
      mkdirSync(replay)
      const trace = join(replay, "trace.csv")
      writeFileSync(trace, "vm,time,cpu_percent\nv0,0,64\nv0,300,30\nv0,600,7\n")
      const replayConfig = join(replay, "neat.conf")
      writeFileSync(
        replayConfig,
        [
          "[DEFAULT]",
          `sql_connection = sqlite:///${join(replay, "neat.db")}`,
          `local_data_directory = ${join(replay, "data")}`,
          `log_directory = ${join(replay, "log")}`,
          "log_level = 2",
          "libvirt_uri = test:///default",
          `virsh_command = ${virshCommand}`,
          "local_host_name = compute1",
          "collector_source = replay",
          `replay_trace = ${trace}`,
          "replay_sample_sec = 300",
          "replay_host_own_fraction = 0.05",
          ""
        ].join("\n")
      )
      // Sample 5_900_001 since the epoch (in 2026) plays the trace's first value, 64 %, as 5_900_001 mod 3 = 0.
      const start = 5_900_001 * 300_000
      for (const atMs of [start, start + 300_000, start + 600_000]) {
        yield* TestClock.setTime(atMs)
        yield* runCommandInProcess(collectCommand, ["--config", replayConfig, "--once"])
      }
      // The test domain counts as one vCPU of 1400 MHz; the host has 16 of them, 5 % busy on its own.
      expect(readFileSync(join(replay, "data", "vms", vm), "utf8")).toBe("896\n420\n")
      expect(readFileSync(join(replay, "data", "host"), "utf8")).toBe("1120\n1120\n")
      const db = new Database(join(replay, "neat.db"), { readonly: true })
      const usage = db.prepare("select cpu_mhz from vm_resource_usage order by id").all()
      db.close()
      expect(usage).toEqual([{ cpu_mhz: 896 }, { cpu_mhz: 420 }])
    })
  )

  it("reports every configuration problem and exits 1", () => {
    const bad = join(directory, "bad.conf")
    writeFileSync(bad, "[DEFAULT]\ndata_collector_interval = often\nsql_connection = oracle://x@y/z\n")
    const result = neatSync(["collect", "--config", bad, "--once"], withoutVirshVariable)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("neat: InvalidConfig: 2 configuration problems:")
    expect(result.stderr).toContain(
      `data_collector_interval: must be a whole number of seconds, at least 1 (got 'often') (${bad}:2)`
    )
    expect(result.stderr).toContain(`sql_connection: unsupported database 'oracle'`)
    expect(result.stderr).not.toContain("    at ")
  })
})
