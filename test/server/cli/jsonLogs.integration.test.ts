/**
 * `--log-format json` as an operator runs it: in every mode, every line the process writes (on
 * standard output and error) is one JSON object; reallocations carry their request id,
 * recommendations are INFO, and the API's and dashboard's URLs are logged at start.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { sha1Hex } from "../../../src/server/http/RequestSigning.js"
import { neat, neatSync } from "../../support/neatCli.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { recommendingSimServeArgs, startServedCli } from "../../support/servedCli.js"
import { requireVirsh } from "../../support/virsh.js"

type Entry = Record<string, unknown> & { readonly level: string; readonly message: string; readonly time: string }

/** Every line of `text` as a JSON object; fails naming the first line that is not one. */
const entries = (text: string): Array<Entry> =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        throw new Error(`not a JSON line: ${line}`)
      }
      expect(typeof parsed === "object" && parsed !== null && !Array.isArray(parsed), line).toBe(true)
      const entry = parsed as Entry
      expect(typeof entry.level, line).toBe("string")
      expect(typeof entry.message, line).toBe("string")
      expect(Number.isNaN(Date.parse(entry.time)), line).toBe(false)
      return entry
    })

const directory = mkdtempSync(join(tmpdir(), "neat-json-logs-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe("--log-format json", () => {
  it("serve --mode sim: JSON only, URLs at start, recommendations at INFO with their request id, the report last", async () => {
    const run = await neat([
      "serve",
      "--mode",
      "sim",
      "--log-format",
      "json",
      "--global-manager-host",
      "127.0.0.1",
      "--global-manager-port",
      "0",
      "--os-admin-password",
      "pw",
      "--trace",
      "synthetic:vms=8,seed=2,days=0.05",
      "--hosts",
      "6",
      "--step-seconds",
      "0",
      "--control-mode",
      "recommend",
      "--dashboard-token",
      "dashboard-token-of-the-test"
    ])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe("")
    const logged = entries(run.stdout)
    const api = logged.find((entry) => entry.message.startsWith("API listening on "))
    expect(api?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const dashboard = logged.find((entry) => entry.message.startsWith("dashboard on "))
    expect(dashboard?.url).toBe(`${String(api?.url)}dashboard`)
    const recommended = logged.filter((entry) => /^decision \d+: .*: recommended /.test(entry.message))
    expect(recommended.length).toBeGreaterThan(0)
    for (const entry of recommended) {
      expect(entry.level).toBe("INFO")
      expect(entry.request_id).toMatch(/^[0-9a-z]+-[0-9a-z]+$/)
    }
    expect(logged.filter((entry) => entry.level === "WARN")).toEqual([])
    const report = logged.at(-1)
    expect(report?.message).toMatch(/^\d+ intervals, \d+ requests \(\d+ accepted\)\n/)
    expect(report?.message).toMatch(/energy \(kWh\)/)
    expect(report?.intervals).toBeGreaterThan(0)
  }, 60_000)

  it("serve --mode openstack: JSON only, the URLs at start and the request id of a reallocation", async () => {
    const conf = join(directory, "openstack.conf")
    mkdirSync(join(directory, "openstack"), { recursive: true })
    for (const file of ["key", "known_hosts"]) writeFileSync(join(directory, "openstack", file), "")
    writeFileSync(
      conf,
      [
        "[DEFAULT]",
        `sql_connection = sqlite:///${join(directory, "openstack", "neat.db")}`,
        `log_directory = ${join(directory, "openstack", "log")}`,
        // Nothing listens there: the reallocation fails, and says so in JSON.
        "os_auth_url = http://127.0.0.1:1/v3",
        "os_request_retries = 0",
        `compute_ssh_key = ${join(directory, "openstack", "key")}`,
        `compute_known_hosts = ${join(directory, "openstack", "known_hosts")}`,
        "wol_address = 127.0.0.1",
        "wol_port = 9",
        "global_manager_host = 127.0.0.1",
        ""
      ].join("\n")
    )
    const served = await startServedCli([
      "serve",
      "--mode",
      "openstack",
      "--config",
      conf,
      "--global-manager-port",
      "0",
      "--log-format",
      "json"
    ])
    try {
      const form = new URLSearchParams({
        username: sha1Hex("admin"),
        password: sha1Hex("adminpassword"),
        time: String(Math.floor(Date.now() / 1000)),
        host: "compute1",
        reason: "0"
      })
      await fetch(`${served.url}/`, { method: "PUT", body: form })
      const deadline = Date.now() + 20_000
      while (!/"request_id"/.test(served.output()) && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 100))
      }
    } finally {
      await served.stop()
    }
    const logged = entries(served.output())
    expect(logged.find((entry) => entry.message === `API listening on ${served.url}/`)?.url).toBe(`${served.url}/`)
    expect(logged.some((entry) => entry.message.startsWith("dashboard off"))).toBe(true)
    const decision = logged.find((entry) => /^decision \d+: underload of compute1/.test(entry.message))
    expect(decision?.request_id).toMatch(/^[0-9a-z]+-[0-9a-z]+$/)
  }, 60_000)

  it("local-manager: JSON only, with the request id the global manager answered", async () => {
    const served = await startServedCli(
      recommendingSimServeArgs(30, join(directory, "local-manager.db")).concat(["--os-admin-password", "pw"])
    )
    try {
      const data = join(directory, "local")
      mkdirSync(join(data, "vms"), { recursive: true })
      // One light VM: host-1 is underloaded, and asks for its VMs to leave.
      writeFileSync(join(data, "vms", "vm-a"), "100\n100\n")
      writeFileSync(join(data, "host"), "0\n0\n")
      const run = await neat([
        "local-manager",
        "--log-format",
        "json",
        "--local-data-directory",
        data,
        "--global-manager-port",
        new URL(served.url).port,
        "--os-admin-password",
        "pw",
        "--local-host-name",
        "host-1",
        "--host-cpu-mhz",
        "2000",
        "--iterations",
        "1"
      ])
      expect(run.status).toBe(0)
      const logged = entries(`${run.stdout}\n${run.stderr}`)
      const answered = logged.find((entry) => /^host host-1: .*answered 200$/.test(entry.message))
      expect(answered?.request_id).toMatch(/^[0-9a-z]+-[0-9a-z]+$/)
      // The same id names the decision in the global manager's log.
      expect(served.output()).toContain(String(answered?.request_id))
    } finally {
      await served.stop()
    }
  }, 90_000)

  it("a failure at start is one JSON ERROR entry, with exit status 1", () => {
    const bad = join(directory, "bad.conf")
    writeFileSync(bad, "[DEFAULT]\ndata_collector_interval = often\n")
    const run = neatSync(["collect", "--log-format", "json", "--config", bad, "--once"])
    expect(run.status).toBe(1)
    const logged = entries(`${run.stdout}\n${run.stderr}`)
    expect(logged).toHaveLength(1)
    expect(logged[0]?.level).toBe("ERROR")
    expect(logged[0]?.message).toMatch(/^InvalidConfig: 1 configuration problem:\n {2}data_collector_interval: /)
  }, 60_000)
})

describeWithRequirement("--log-format json of neat collect", requireVirsh(), (virshCommand) => {
  it("collect: JSON only on the console and in data-collector.log", () => {
    const root = join(directory, "collect")
    mkdirSync(join(root, "data"), { recursive: true })
    const stat = join(root, "stat")
    writeFileSync(stat, "cpu 100 0 0 900 0 0 0\n")
    const conf = join(root, "neat.conf")
    writeFileSync(
      conf,
      [
        "[DEFAULT]",
        `sql_connection = sqlite:///${join(root, "neat.db")}`,
        `local_data_directory = ${join(root, "data")}`,
        `log_directory = ${join(root, "log")}`,
        "log_level = 3",
        "libvirt_uri = test:///default",
        `virsh_command = ${virshCommand}`,
        `proc_stat_path = ${stat}`,
        "local_host_name = compute1",
        ""
      ].join("\n")
    )
    const run = neatSync(["collect", "--log-format", "json", "--config", conf, "--once"], {
      env: { NEAT_TEST_VIRSH: undefined }
    })
    expect(run.status).toBe(0)
    const logged = entries(`${run.stdout}\n${run.stderr}`)
    expect(logged.length).toBeGreaterThan(0)
    const file = entries(readFileSync(join(root, "log", "data-collector.log"), "utf8"))
    expect(file.map((entry) => entry.message)).toEqual(logged.map((entry) => entry.message))
  }, 60_000)
})
