import { LogLevel, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ReallocationView } from "../../../src/server/http/Api.js"
import { jsonLogging } from "../../../src/server/http/JsonLogging.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { globalManagerPerTest } from "../../support/globalManagerPerTest.js"
import { type CloudSetup, InMemoryCloud } from "../../support/InMemoryCloud.js"
import { parseExposition, sampleValue } from "../../support/prometheusText.js"
import { call, decode } from "../../support/signedCall.js"

const spec = { cores: 1, mhzPerCore: 1000, ramMb: 4096 }

const setup = (): CloudSetup => ({
  hosts: [
    { name: "h1", ...spec },
    { name: "h2", ...spec },
    { name: "h3", ...spec },
    { name: "h4", ...spec, power: "suspended" }
  ],
  vms: [
    { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100] },
    { uuid: "b", host: "h1", ramMb: 1024, cpuMhz: [100] },
    { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [400] },
    { uuid: "d", host: "h3", ramMb: 512, cpuMhz: [900] }
  ]
})

const LogLine = Schema.Struct({ time: Schema.String, level: Schema.String, message: Schema.String })

describe("metrics and structured logs", () => {
  const startGlobalManager = globalManagerPerTest()

  it("/metrics exposes decisions, migrations by outcome, their durations, hosts by power, latency and errors", async () => {
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(cloud)
    const done = decode(
      ReallocationView,
      await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    )
    expect(done.decision.outcome).toBe("done")
    cloud.failMigrationsTo.add("h2")
    cloud.failMigrationsTo.add("h4")
    cloud.failMigrationsTo.add("h1")
    await call(gm, "POST", "/v1/reallocations", { host: "h3", reason: "overload", vm_uuids: ["d"] })
    const refused = await fetch(`${gm.url}/v1/hosts`)
    expect(refused.status).toBe(401)
    const response = await fetch(`${gm.url}/metrics`)
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/)
    const metrics = parseExposition(await response.text())
    expect(sampleValue(metrics, "neat_decisions_total", { reason: "underload", outcome: "done" })).toBe(1)
    expect(sampleValue(metrics, "neat_decisions_total", { reason: "overload" })).toBe(1)
    expect(sampleValue(metrics, "neat_migrations_total", { outcome: "migrated" })).toBe(2)
    expect(sampleValue(metrics, "neat_migrations_total", { outcome: "failed" })).toBe(1)
    expect(metrics.types.get("neat_migration_duration_seconds")).toBe("histogram")
    expect(sampleValue(metrics, "neat_migration_duration_seconds_count")).toBe(2)
    // The in-memory cloud takes ramMb / 1000 seconds: 0.512 + 1.024.
    expect(sampleValue(metrics, "neat_migration_duration_seconds_sum")).toBeCloseTo(1.536, 6)
    expect(sampleValue(metrics, "neat_migration_duration_seconds_bucket", { le: "1" })).toBe(1)
    expect(sampleValue(metrics, "neat_migration_duration_seconds_bucket", { le: "+Inf" })).toBe(2)
    // h1 was suspended; the overload woke a suspended host, then its migration was refused.
    expect(sampleValue(metrics, "neat_hosts", { power: "active" })).toBe(3)
    expect(sampleValue(metrics, "neat_hosts", { power: "suspended" })).toBe(1)
    expect(sampleValue(metrics, "neat_http_request_duration_seconds_count", { route: "/v1/reallocations" })).toBe(2)
    expect(sampleValue(metrics, "neat_errors_total", { type: "Unauthorized" })).toBe(1)
    expect(sampleValue(metrics, "neat_errors_total", { type: "migrationFailed" })).toBe(1)
    for (const [name, type] of metrics.types) expect(["counter", "gauge", "histogram"], name).toContain(type)
  })

  it("logs one JSON object per line, every step of a reallocation carrying its request id", async () => {
    const lines: Array<string> = []
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(
      cloud,
      {},
      bestFitDecreasing(),
      jsonLogging(LogLevel.Debug, (line) => lines.push(line))
    )
    const first = decode(
      ReallocationView,
      await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    )
    const second = decode(
      ReallocationView,
      await call(gm, "POST", "/v1/reallocations", { host: "h3", reason: "overload", vm_uuids: ["d"] })
    )
    expect(first.request_id).not.toBe(second.request_id)
    const entries = lines
      .join("")
      .trimEnd()
      .split("\n")
      .map((line) => {
        const parsed: unknown = JSON.parse(line)
        Schema.decodeUnknownSync(LogLine)(parsed)
        return parsed as Record<string, unknown>
      })
    const ofFirst = entries.filter((entry) => entry.request_id === first.request_id)
    expect(ofFirst.map((entry) => entry.step ?? "decision")).toEqual(["receive", "plan", "execute", "decision"])
    expect(ofFirst.at(-1)?.message).toMatch(/^decision 1: underload of h1: done/)
    expect(ofFirst.at(-1)?.service).toBe("GlobalManager")
    expect(entries.filter((entry) => entry.request_id === second.request_id).length).toBeGreaterThanOrEqual(3)
  })
})
