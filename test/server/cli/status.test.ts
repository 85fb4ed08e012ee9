/**
 * `neat status` against a running `neat serve --mode sim` (loopback, stopped by pid): the hosts,
 * VMs, the blackout and budget in force, the decisions it held, as a table and as JSON; and its
 * errors when the secret is wrong or missing, the server refuses signed requests, or is down.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import type { Status } from "../../../src/server/cli/implementation/status.js"
import { testSecret } from "../../support/globalManager.js"
import { neat } from "../../support/neatCli.js"
import { simServeArgs, startServedCli } from "../../support/servedCli.js"

const directory = mkdtempSync(join(tmpdir(), "neat-status-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const serveArgs = (extra: ReadonlyArray<string>) => [...simServeArgs({ stepSeconds: 0.2 }), ...extra]

/** Always in a blackout: a window opening every minute for an hour. */
const always = "* * * * * 1h"
const withSecret = { NEAT_REQUEST_SIGNING_SECRET: testSecret }
const withoutSecret = { NEAT_REQUEST_SIGNING_SECRET: undefined }

const statusJson = async (url: string): Promise<Status> => {
  const run = await neat(["status", "--url", url, "--format", "json"], { env: withSecret })
  expect(run.stderr).toBe("")
  expect(run.status).toBe(0)
  return JSON.parse(run.stdout) as Status
}

describe("neat status", () => {
  it("shows the hosts, VMs, the blackout and budget in force, and the decisions the blackout held", async () => {
    const served = await startServedCli(
      serveArgs(["--blackout-windows", always, "--disruption-budget", "20%", "--os-admin-password", "status-test"]),
      withSecret
    )
    try {
      let status: Status | undefined
      await expect
        .poll(
          async () => {
            status = await statusJson(served.url)
            return status.decisions.filter((decision) => decision.status === "blackout").length
          },
          { timeout: 30_000, interval: 300 }
        )
        .toBeGreaterThan(0)
      const seen = status!
      expect(seen.mode).toBe("auto")
      const ids = seen.decisions.map((decision) => decision.id)
      expect(ids).toEqual([...ids].sort((a, b) => b - a))
      expect(ids.length).toBeLessThanOrEqual(10)
      expect(seen.hosts.total).toBe(6)
      expect(Object.values(seen.hosts.by_power).reduce((a, b) => a + b, 0)).toBe(6)
      // The synthetic trace's VMs arrive and leave over the day.
      expect(seen.vms).toBeGreaterThan(0)
      expect(seen.vms).toBeLessThanOrEqual(12)
      expect(seen.windows.disruption_allowed).toBe(false)
      expect(seen.windows.blackouts.windows).toEqual([always])
      expect(seen.windows.blackouts.open[0]?.window).toBe(always)
      expect(seen.windows.maintenance).toEqual({ windows: [], open: [] })
      expect(seen.windows.budget).toEqual({ budget: "20%", limit: 2, hosts: 6, in_disruption: [] })
      const held = seen.decisions.find((decision) => decision.status === "blackout")!
      expect(held.detail).toMatch(
        /^blackout '\* \* \* \* \* 1h' until \d{4}-\d\d-\d\d \d\d:\d\dZ: \d+ (migration|suspension)/
      )
      expect(held.plan.migrations).toEqual([])
      expect(held.plan.suspend).toEqual([])
      // Nothing migrated while the blackout held.
      expect(seen.migrations).toEqual([])
      expect(seen.decisions.every((decision) => decision.execution.migrations.length === 0)).toBe(true)

      const table = await neat(["status", "--url", served.url, "--limit", "3"], { env: withSecret })
      expect(table.status).toBe(0)
      expect(table.stdout).toMatch(/^Neat global manager at http:\/\/127\.0\.0\.1:\d+, mode auto, /)
      expect(table.stdout).toMatch(/^hosts {8}6: /m)
      expect(table.stdout).toMatch(/^VMs {10}\d+$/m)
      expect(table.stdout).toMatch(/^blackouts {4}open: '\* \* \* \* \* 1h' until /m)
      expect(table.stdout).toMatch(/^maintenance {2}none defined$/m)
      expect(table.stdout).toMatch(/^disruption {3}held \(blackout\)/m)
      expect(table.stdout).toMatch(/^budget {7}20% = 2 of 6 hosts at once; in disruption now: none$/m)
      expect(table.stdout).toMatch(/^ {2}ID +FINISHED +HOST +REASON +OUTCOME +STATUS +DETAIL$/m)
      expect(table.stdout).toContain("blackout")

      // The URL and secret from neat.conf.
      const conf = join(directory, "neat.conf")
      const port = new URL(served.url).port
      writeFileSync(
        conf,
        `[DEFAULT]\nglobal_manager_host = 127.0.0.1\nglobal_manager_port = ${port}\nglobal_manager_signing_secret = ${testSecret}\n`
      )
      const fromConfig = await neat(["status", "--config", conf, "--format", "json"], { env: withoutSecret })
      expect(fromConfig.stderr).toBe("")
      expect((JSON.parse(fromConfig.stdout) as Status).hosts.total).toBe(6)
      // Without a file, the shipped host (controller) is reached on loopback; the port from the environment.
      const fromEnv = await neat(["status", "--format", "json"], {
        env: { ...withSecret, NEAT_GLOBAL_MANAGER_PORT: port }
      })
      expect(fromEnv.stderr).toBe("")
      expect((JSON.parse(fromEnv.stdout) as Status).hosts.total).toBe(6)

      const wrong = await neat(["status", "--url", served.url], {
        env: { NEAT_REQUEST_SIGNING_SECRET: "not-the-secret-at-all" }
      })
      expect(wrong.status).toBe(1)
      expect(wrong.stderr.trim().split("\n")).toHaveLength(1)
      expect(wrong.stderr).toMatch(
        /^neat: GlobalManagerRefused: the global manager at http:\/\/127\.0\.0\.1:\d+ refused the request \(403\): the signature does not match; check the signing secret/
      )
      const missing = await neat(["status", "--url", served.url], { env: withoutSecret })
      expect(missing.status).toBe(1)
      expect(missing.stderr).toMatch(
        /^neat: configuration: global_manager_signing_secret: required to sign the request: set NEAT_REQUEST_SIGNING_SECRET/
      )
    } finally {
      await served.stop()
    }
    const down = await neat(["status", "--url", served.url], { env: withSecret })
    expect(down.status).toBe(1)
    expect(down.stderr.trim().split("\n")).toHaveLength(1)
    expect(down.stderr).toMatch(
      /^neat: GlobalManagerUnreachable: cannot reach the global manager at http:\/\/127\.0\.0\.1:\d+: /
    )
  }, 120_000)

  it("says so when the manager refuses signed requests (401) and when the URL is malformed", async () => {
    // What a global manager without a signing secret answers every /v1 request (serve --mode sim
    // always has one, for its own local managers).
    const refusing = createServer((_, response) => {
      response.writeHead(401, { "content-type": "application/json" })
      response.end(
        JSON.stringify({ _tag: "Unauthorized", message: "signed requests are not configured on this server" })
      )
    })
    await new Promise<void>((listening) => refusing.listen(0, "127.0.0.1", listening))
    try {
      const { port } = refusing.address() as AddressInfo
      const refused = await neat(["status", "--url", `http://127.0.0.1:${port}`], { env: withSecret })
      expect(refused.status).toBe(1)
      expect(refused.stderr).toMatch(
        /refused the request \(401\): signed requests are not configured on this server; check the signing secret/
      )
    } finally {
      await new Promise((closed) => refusing.close(closed))
    }
    const malformed = await neat(["status", "--url", "ftp://example"], { env: withSecret })
    expect(malformed.status).toBe(1)
    expect(malformed.stderr).toMatch(/^neat: configuration: --url: must be http:\/\/HOST:PORT/)
  }, 60_000)
})
