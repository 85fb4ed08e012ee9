import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sha1Hex, signedHeaders } from "../../../src/server/http/RequestSigning.js"
import { type RunningGlobalManager, read, startGlobalManager, testSecret } from "../../support/globalManager.js"
import { type CloudSetup, InMemoryCloud } from "../../support/InMemoryCloud.js"

const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }

/** 60 hosts: h00..h59, each with two light VMs, plus two suspended spares. */
const setup = (): CloudSetup => {
  const hosts = []
  const vms = []
  for (let i = 0; i < 60; i++) {
    const name = `h${String(i).padStart(2, "0")}`
    hosts.push({ name, ...spec })
    vms.push({ uuid: `${name}-a`, host: name, ramMb: 512, cpuMhz: [200, 300] })
    vms.push({ uuid: `${name}-b`, host: name, ramMb: 512, cpuMhz: [100, 150] })
  }
  hosts.push({ name: "spare1", ...spec, power: "suspended" as const })
  hosts.push({ name: "spare2", ...spec, power: "suspended" as const })
  return { hosts, vms }
}

const nowSec = () => Date.now() / 1000
const credentials = { username: sha1Hex("admin"), password: sha1Hex("s3cret") }

const put = (gm: RunningGlobalManager, params: Record<string, string>, json = false) =>
  fetch(`${gm.url}/`, {
    method: "PUT",
    ...(json
      ? { body: JSON.stringify(params), headers: { "content-type": "application/json" } }
      : { body: new URLSearchParams(params) })
  })

const signed = (gm: RunningGlobalManager, method: string, path: string, body = "", at = nowSec(), nonce?: string) => {
  const headers = signedHeaders(testSecret, method, path, body, at, nonce)
  return {
    headers,
    send: (extra: Record<string, string> = {}) =>
      fetch(`${gm.url}${path}`, {
        method,
        headers: { ...headers, ...extra, ...(body === "" ? {} : { "content-type": "application/json" }) },
        ...(body === "" ? {} : { body })
      })
  }
}

const errorOf = async (response: Response): Promise<{ _tag: string; message: string }> =>
  (await response.json()) as { _tag: string; message: string }

describe("global manager: Neat's PUT /", () => {
  let cloud: InMemoryCloud
  let gm: RunningGlobalManager
  beforeAll(async () => {
    cloud = new InMemoryCloud(setup())
    gm = await startGlobalManager(cloud)
  })
  afterAll(() => gm.close())

  it("accepts a form-encoded underload request and empties the host (200)", async () => {
    const response = await put(gm, { ...credentials, time: String(nowSec()), host: "h00", reason: "0" })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { decision: { outcome: string; execution: { suspended: Array<string> } } }
    expect(body.decision.outcome).toBe("done")
    expect(body.decision.execution.suspended).toContain("h00")
    expect(cloud.vmsOn("h00")).toEqual([])
  })

  it("accepts a JSON overload request with vm_uuids (200)", async () => {
    const response = await put(
      gm,
      { ...credentials, time: String(nowSec()), host: "h01", reason: "1", vm_uuids: "h01-a" },
      true
    )
    expect(response.status).toBe(200)
    expect(cloud.vmsOn("h01")).not.toContain("h01-a")
    expect(cloud.vms.get("h01-a")?.host).not.toBe("h01")
  })

  it("answers 401 when credentials are missing", async () => {
    const response = await put(gm, { password: credentials.password, time: String(nowSec()), host: "h02", reason: "0" })
    expect(response.status).toBe(401)
    expect((await errorOf(response)).message).toMatch(/credentials are missing/)
  })

  it("answers 403 for wrong credentials", async () => {
    const response = await put(gm, {
      ...credentials,
      password: sha1Hex("wrong"),
      time: String(nowSec()),
      host: "h02",
      reason: "0"
    })
    expect(response.status).toBe(403)
    expect((await errorOf(response))._tag).toBe("Forbidden")
  })

  it.each([
    [{ time: "now", host: "h02", reason: "0" }, /time/],
    [{ time: "1", host: "h02" }, /reason/],
    [{ time: "1", host: "h02", reason: "2" }, /reason/],
    [{ time: "1", reason: "0" }, /host/],
    [{ time: "1", host: "h02", reason: "1" }, /vm_uuids/]
  ])("answers 400 for bad or missing parameters (%j)", async (params, message) => {
    const response = await put(gm, { ...credentials, ...params })
    expect(response.status).toBe(400)
    expect((await errorOf(response)).message).toMatch(message)
  })

  it.each(["GET", "POST", "PATCH", "DELETE", "OPTIONS"])("answers 405 to %s", async (method) => {
    const response = await fetch(`${gm.url}/`, { method })
    expect(response.status).toBe(405)
    expect(response.headers.get("content-type")).toMatch(/json/)
    expect(((await response.json()) as { allow: string }).allow).toBe("PUT")
  })

  it("answers 412 to a request older than the freshness window", async () => {
    const response = await put(gm, { ...credentials, time: String(nowSec() - 10), host: "h02", reason: "0" })
    expect(response.status).toBe(412)
    expect((await errorOf(response)).message).toMatch(/more than 5 s ago/)
  })

  it("answers 422 for unknown VMs or an unknown host", async () => {
    const vms = await put(gm, {
      ...credentials,
      time: String(nowSec()),
      host: "h02",
      reason: "1",
      vm_uuids: "h02-a,nope"
    })
    expect(vms.status).toBe(422)
    expect((await errorOf(vms)).message).toBe("unknown VMs: nope")
    const host = await put(gm, { ...credentials, time: String(nowSec()), host: "ghost", reason: "0" })
    expect(host.status).toBe(422)
  })

  it("refuses a body larger than 1 MB without reading it all", async () => {
    const huge = `username=${"x".repeat(2 * 1024 * 1024)}`
    // The server stops reading and either answers with an error or drops the connection.
    const outcome = await fetch(`${gm.url}/`, {
      method: "PUT",
      body: huge,
      headers: { "content-type": "application/x-www-form-urlencoded" }
    }).then(
      (response) => response.status,
      () => "reset"
    )
    expect(outcome === "reset" || (typeof outcome === "number" && outcome >= 400)).toBe(true)
    expect((await fetch(`${gm.url}/healthz`)).status).toBe(200)
  })

  it("serves health, Prometheus metrics and the OpenAPI document", async () => {
    expect(await (await fetch(`${gm.url}/healthz`)).json()).toEqual({ status: "ok" })
    const metrics = await (await fetch(`${gm.url}/metrics`)).text()
    expect(metrics).toMatch(/neat_http_requests_total\{method="PUT",route="\/",status="200"\} \d+/)
    expect(metrics).toMatch(/neat_decisions_total\{reason="underload",outcome="done"\} 1/)
    expect(metrics).toMatch(/neat_migrations_total\{outcome="migrated"\} \d+/)
    expect(metrics).toMatch(/neat_http_request_duration_seconds_bucket/)
    const openapi = (await (await fetch(`${gm.url}/openapi.json`)).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/", "/v1/reallocations", "/v1/decisions"]))
  })
})

describe("global manager: signed /v1 API", () => {
  let cloud: InMemoryCloud
  let gm: RunningGlobalManager
  beforeAll(async () => {
    cloud = new InMemoryCloud(setup())
    gm = await startGlobalManager(cloud)
  })
  afterAll(() => gm.close())

  const body = JSON.stringify({ host: "h10", reason: "overload", vm_uuids: ["h10-a"] })

  it("accepts a signed reallocation and rejects its replay (403)", async () => {
    const request = signed(gm, "POST", "/v1/reallocations", body)
    const first = await request.send()
    expect(first.status).toBe(200)
    const replay = await request.send()
    expect(replay.status).toBe(403)
    expect((await errorOf(replay)).message).toMatch(/replayed/)
  })

  it("answers 412 to a stale signed request, 403 to a bad signature, 401 without signature", async () => {
    const stale = await signed(gm, "POST", "/v1/reallocations", body, nowSec() - 60).send()
    expect(stale.status).toBe(412)
    const tampered = signed(gm, "POST", "/v1/reallocations", body)
    const forged = await fetch(`${gm.url}/v1/reallocations`, {
      method: "POST",
      headers: { ...tampered.headers, "content-type": "application/json" },
      body: body.replace("h10", "h11")
    })
    expect(forged.status).toBe(403)
    const unsigned = await fetch(`${gm.url}/v1/reallocations`, { method: "POST", body })
    expect(unsigned.status).toBe(401)
  })

  it("answers 400 to a signed request with a bad body, 422 to unknown VMs", async () => {
    const bad = JSON.stringify({ host: "h10", reason: "sideways" })
    expect((await signed(gm, "POST", "/v1/reallocations", bad).send()).status).toBe(400)
    const noVms = JSON.stringify({ host: "h10", reason: "overload" })
    expect((await signed(gm, "POST", "/v1/reallocations", noVms).send()).status).toBe(400)
    const unknown = JSON.stringify({ host: "h10", reason: 1, vm_uuids: ["ghost-vm"] })
    expect((await signed(gm, "POST", "/v1/reallocations", unknown).send()).status).toBe(422)
  })

  it("lists hosts, VMs, migrations and decisions to signed callers only", async () => {
    const hosts = await signed(gm, "GET", "/v1/hosts").send()
    expect(hosts.status).toBe(200)
    expect(((await hosts.json()) as Array<{ name: string }>).length).toBe(62)
    const vms = (await (await signed(gm, "GET", "/v1/vms").send()).json()) as Array<{ uuid: string }>
    expect(vms.length).toBe(120)
    const migrations = (await (await signed(gm, "GET", "/v1/migrations?limit=5").send()).json()) as Array<{
      vm: string
    }>
    expect(migrations.map((row) => row.vm)).toContain("h10-a")
    const decisions = (await (await signed(gm, "GET", "/v1/decisions").send()).json()) as Array<{ host: string }>
    expect(decisions[0]?.host).toBe("h10")
    expect((await fetch(`${gm.url}/v1/hosts`)).status).toBe(401)
  })

  it("accepts a signed PUT / as well", async () => {
    const params = new URLSearchParams({ host: "h12", reason: "1", vm_uuids: "h12-a" }).toString()
    const request = signed(gm, "PUT", "/", params)
    const response = await fetch(`${gm.url}/`, {
      method: "PUT",
      headers: { ...request.headers, "content-type": "application/x-www-form-urlencoded" },
      body: params
    })
    expect(response.status).toBe(200)
  })
})

describe("global manager: serialisation", () => {
  it("runs 50 concurrent requests one at a time, in order, losing none", async () => {
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(cloud)
    try {
      const hosts = Array.from({ length: 50 }, (_, i) => `h${String(i).padStart(2, "0")}`)
      const responses = await Promise.all(
        hosts.map((host) =>
          put(gm, { ...credentials, time: String(nowSec()), host, reason: "1", vm_uuids: `${host}-a` })
        )
      )
      expect(responses.map((response) => response.status)).toEqual(hosts.map(() => 200))
      const decisions = await read(gm.log.selectDecisions(1000))
      expect(decisions.length).toBe(50)
      expect(new Set(decisions.map((decision) => decision.request.host))).toEqual(new Set(hosts))
      expect(decisions.map((decision) => decision.id)).toEqual(hosts.map((_, i) => i + 1))
      for (let i = 1; i < decisions.length; i++) {
        expect(decisions[i]!.startedAtMs).toBeGreaterThanOrEqual(decisions[i - 1]!.finishedAtMs)
      }
      const migrations = await read(gm.log.selectVmMigrations(1000))
      expect(migrations.length).toBe(decisions.filter((decision) => decision.outcome === "done").length)
    } finally {
      await gm.close()
    }
  })

  it("coalesces requests for a host that is already queued or in progress", async () => {
    const cloud = new InMemoryCloud(setup())
    cloud.migrationDelayMs = 100
    const gm = await startGlobalManager(cloud)
    try {
      // Each a distinct request (an identical one would be refused as a replay).
      const sentSec = nowSec()
      const request = (i: number) =>
        put(gm, { ...credentials, time: (sentSec - i / 1000).toFixed(6), host: "h20", reason: "0" })
      const bodies = (await Promise.all(
        [request(0), request(1), request(2), request(3)].map(async (r) => (await r).json())
      )) as Array<{
        coalesced: boolean
        decision: { id: number }
      }>
      expect(new Set(bodies.map((body) => body.decision.id)).size).toBe(1)
      expect(bodies.filter((body) => !body.coalesced).length).toBe(1)
      expect((await read(gm.log.selectDecisions(100))).length).toBe(1)
    } finally {
      await gm.close()
    }
  })

  it("reuses its snapshot when allowed, staying true to its own migrations", async () => {
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(cloud, { snapshot_max_age: 60 })
    try {
      const hosts = Array.from({ length: 30 }, (_, i) => `h${String(i).padStart(2, "0")}`)
      const responses = await Promise.all(
        hosts.map((host) => put(gm, { ...credentials, time: String(nowSec()), host, reason: "0" }))
      )
      expect(responses.map((response) => response.status)).toEqual(hosts.map(() => 200))
      // Nothing ever landed on a host that this manager had suspended before.
      const decisions = await read(gm.log.selectDecisions(1000))
      const asleep = new Set<string>()
      for (const decision of decisions) {
        for (const migration of decision.plan.migrations) expect(asleep.has(migration.to)).toBe(false)
        for (const host of decision.execution.suspended) asleep.add(host)
      }
      for (const vm of cloud.vms.values()) expect(cloud.hosts.get(vm.host)?.power).toBe("active")
      expect(cloud.vms.size).toBe(120)
      const unknown = await put(gm, { ...credentials, time: String(nowSec()), host: "h40", reason: "1", vm_uuids: "x" })
      expect(unknown.status).toBe(422)
      expect((await read(gm.log.selectDecisions(1000))).length).toBe(30)
    } finally {
      await gm.close()
    }
  })

  it("reads the cloud again before refusing a VM its reused snapshot does not know", async () => {
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(cloud, { snapshot_max_age: 60 })
    try {
      const first = await put(gm, {
        ...credentials,
        time: String(nowSec()),
        host: "h00",
        reason: "1",
        vm_uuids: "h00-a"
      })
      expect(first.status).toBe(200)
      // Booted after the manager read the cloud, within the snapshot's age.
      cloud.addVm({ uuid: "late", host: "h01", ramMb: 512, cpuMhz: [900, 900] })
      const late = await put(gm, { ...credentials, time: String(nowSec()), host: "h01", reason: "1", vm_uuids: "late" })
      expect(late.status).toBe(200)
      const body = (await late.json()) as { decision: { plan: { migrations: Array<{ vm: string }> } } }
      expect(body.decision.plan.migrations.map((migration) => migration.vm)).toEqual(["late"])
      expect(cloud.vms.get("late")?.host).not.toBe("h01")
    } finally {
      await gm.close()
    }
  })

  it("records a failed decision when the cloud cannot be read", async () => {
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(cloud)
    try {
      cloud.unreachable = true
      const response = await put(gm, { ...credentials, time: String(nowSec()), host: "h00", reason: "0" })
      expect(response.status).toBe(200)
      const body = (await response.json()) as { decision: { outcome: string; detail: string } }
      expect(body.decision.outcome).toBe("failed")
      expect(body.decision.detail).toMatch(/cloud unreachable/)
      expect((await signed(gm, "GET", "/v1/hosts").send()).status).toBe(503)
    } finally {
      await gm.close()
    }
  })

  it("refuses Neat's credentials when the Neat scheme is switched off", async () => {
    const cloud = new InMemoryCloud(setup())
    const gm = await startGlobalManager(cloud, { neat_compatible_auth: false })
    try {
      const response = await put(gm, { ...credentials, time: String(nowSec()), host: "h00", reason: "0" })
      expect(response.status).toBe(401)
      expect((await errorOf(response)).message).toMatch(/switched off/)
      expect(cloud.actions).toEqual([])
    } finally {
      await gm.close()
    }
  })
})
