import { gunzipSync } from "node:zlib"
import { afterEach, describe, expect, it } from "vitest"
import { hpProLiantMl110G4, hpProLiantMl110G5, powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { dashboardPlans, pendingSent, resolvedSent } from "../../../src/server/http/DashboardPlans.js"
import { EnergyMeter, hostPowerTable, maxSampleGapMs } from "../../../src/server/http/DashboardPower.js"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call } from "../../support/signedCall.js"

const token = "dashboard-token-for-state-tests"
/** An ML110 G5's capacity: its power model is the G5's. */
const g5 = { cores: 2, mhzPerCore: 2660, ramMb: 4096 }
const other = { cores: 1, mhzPerCore: 1000, ramMb: 4096 }

const cloudOf = () =>
  new InMemoryCloud({
    hosts: [
      { name: "h1", ...g5 },
      { name: "h2", ...other },
      { name: "h3", ...g5, power: "suspended" }
    ],
    vms: [
      { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 532] },
      { uuid: "b", host: "h2", ramMb: 1024, cpuMhz: [400] }
    ]
  })

interface State {
  hosts: Array<{
    name: string
    power: string
    cpu_used_mhz: number
    ram_used_mb: number
    power_w: number
    power_all_on_w: number
    vms: Array<{ uuid: string; ram_mb: number }>
  }>
  energy: { power_w: number; power_all_on_w: number; energy_kwh: number; since_ms: number }
  errors: Array<{ class: string; count: number; latest: Array<{ at_ms: number; type: string; message: string }> }>
  plan_counts: Record<string, number>
  plans: Array<{ id: number; status: string; request: { host: string }; plan: { suspend: Array<string> } }>
}

const loginAs = async (gm: RunningGlobalManager): Promise<string> => {
  const answer = await fetch(`${gm.url}/dashboard/login`, {
    method: "POST",
    body: new URLSearchParams({ token }),
    redirect: "manual"
  })
  return (answer.headers.get("set-cookie") ?? "").split(";")[0]!
}

const stateOf = async (gm: RunningGlobalManager, cookie: string): Promise<State> =>
  (await (await fetch(`${gm.url}/dashboard/state`, { headers: { cookie } })).json()) as State

describe("the dashboard's state", () => {
  let gm: RunningGlobalManager | undefined
  afterEach(async () => {
    await gm?.close()
    gm = undefined
  })

  it("gives each host a compact row with the watts of its power model, and the cloud's power now and with every host on", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token })
    const state = await stateOf(gm, await loginAs(gm))
    const h1 = powerAt(hpProLiantMl110G5, 532 / 5320)
    // Any capacity other than the PlanetLab types is drawn as a G5, the model `neat whatif` assumes.
    const h2 = powerAt(hpProLiantMl110G5, 400 / 1000)
    expect(state.hosts.map((host) => [host.name, host.power, host.cpu_used_mhz, host.ram_used_mb])).toEqual([
      ["h1", "active", 532, 512],
      ["h2", "active", 400, 1024],
      ["h3", "suspended", 0, 0]
    ])
    expect(state.hosts[0]!.power_w).toBeCloseTo(h1, 9)
    expect(state.hosts[1]!.power_w).toBeCloseTo(h2, 9)
    expect(state.hosts[2]!.power_w).toBe(0)
    expect(state.hosts[2]!.power_all_on_w).toBe(hpProLiantMl110G5[0])
    expect(state.energy.power_w).toBeCloseTo(h1 + h2, 9)
    expect(state.energy.power_all_on_w).toBeCloseTo(h1 + h2 + hpProLiantMl110G5[0]!, 9)
    expect(state.hosts[0]!.vms).toEqual([{ uuid: "a", ram_mb: 512 }])
  })

  it("opens one host's CPU history and its VMs' on request, and 404 for an unknown host", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token })
    const cookie = await loginAs(gm)
    const detail = await fetch(`${gm.url}/dashboard/hosts/h1`, { headers: { cookie } })
    expect(detail.status).toBe(200)
    expect(await detail.json()).toEqual({
      name: "h1",
      cpu_history_mhz: [100, 532],
      vms: [{ uuid: "a", ram_mb: 512, cpu_mhz: [100, 532] }]
    })
    expect((await fetch(`${gm.url}/dashboard/hosts/nowhere`, { headers: { cookie } })).status).toBe(404)
    expect((await fetch(`${gm.url}/dashboard/hosts/h1`)).status).toBe(401)
  })

  it("is gzipped for a browser that accepts it", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token })
    const cookie = await loginAs(gm)
    const { request } = await import("node:http")
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const url = new URL(`${gm!.url}/dashboard/state`)
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, headers: { cookie, "accept-encoding": "gzip" } },
        (response) => {
          const chunks: Array<Buffer> = []
          response.on("data", (chunk: Buffer) => chunks.push(chunk))
          response.on("end", () =>
            resolve({ encoding: response.headers["content-encoding"], body: Buffer.concat(chunks) })
          )
        }
      )
      req.on("error", reject)
      req.end()
    })
    expect(raw.encoding).toBe("gzip")
    const state = JSON.parse(gunzipSync(raw.body).toString("utf8")) as State
    expect(state.hosts).toHaveLength(3)
  })

  it("counts an unauthenticated request as an auth failure with its client and path, and other errors by class", async () => {
    const cloud = cloudOf()
    gm = await startGlobalManager(cloud, { dashboard_token: token })
    const cookie = await loginAs(gm)
    expect((await fetch(`${gm.url}/v1/hosts?secret=x`)).status).toBe(401)
    expect((await call(gm, "POST", "/v1/plans/99/reject")).status).toBe(404)
    cloud.failMigrationsTo.add("h1")
    cloud.failMigrationsTo.add("h3")
    await call(gm, "POST", "/v1/reallocations", { host: "h2", reason: "overload", vm_uuids: ["b"] })
    const state = await stateOf(gm, cookie)
    const byClass = new Map(state.errors.map((entry) => [entry.class, entry]))
    const auth = byClass.get("auth")
    expect(auth?.count).toBe(1)
    expect(auth?.latest[0]?.type).toBe("signed missing_signature_headers")
    expect(auth?.latest[0]?.message).toMatch(
      /^signed missing_signature_headers from (127\.0\.0\.1|::ffff:127\.0\.0\.1) on GET \/v1\/hosts$/
    )
    expect(byClass.get("request")?.latest[0]?.message).toBe("POST /v1/plans/:id: 404 no recommended plan 99")
    const cloudErrors = byClass.get("cloud")
    expect(cloudErrors?.count).toBeGreaterThan(0)
    expect(
      cloudErrors?.latest.some((entry) => /^migration of b from h2 to h[13]: migration refused/.test(entry.message))
    ).toBe(true)
    // Not a bare error: /metrics labels each error with its class.
    const metrics = await (await fetch(`${gm.url}/metrics`)).text()
    expect(metrics).toMatch(/neat_errors_total\{type="Unauthorized",class="auth"\} 1/)
    expect(metrics).toMatch(/neat_errors_total\{type="migrationFailed",class="cloud"\} \d/)
  })

  it("counts a cloud it cannot read once per outage, however often the page polls", async () => {
    const cloud = cloudOf()
    gm = await startGlobalManager(cloud, { dashboard_token: token })
    const cookie = await loginAs(gm)
    cloud.unreachable = true
    for (let i = 0; i < 3; i++) expect((await stateOf(gm, cookie)).hosts).toEqual([])
    cloud.unreachable = false
    expect((await stateOf(gm, cookie)).hosts).toHaveLength(3)
    cloud.unreachable = true
    const state = await stateOf(gm, cookie)
    const cloudErrors = state.errors.find((entry) => entry.class === "cloud")
    expect(cloudErrors?.count).toBe(2)
    expect(cloudErrors?.latest[0]?.message).toMatch(/^the dashboard could not read the cloud: /)
  })

  it("counts every plan by status, beyond those it sends", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token, control_mode: "recommend" })
    const cookie = await loginAs(gm)
    await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    const state = await stateOf(gm, cookie)
    expect(state.plan_counts.pending).toBe(1)
    expect(state.plans.map((plan) => [plan.id, plan.status, plan.request.host])).toEqual([[1, "pending", "h1"]])
    expect(state.plans[0]?.plan.suspend).toEqual(["h1"])
    // A selection this server does not know is refused, never ignored (which would approve everything).
    const refused = await fetch(`${gm.url}/dashboard/plans/1/approve`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "x-neat-dashboard": "1" },
      body: JSON.stringify({ only_these: ["x"] })
    })
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { message: string }).message).toMatch(
      /^this server cannot honour that approval: .*only_these/s
    )
    expect((await stateOf(gm, cookie)).plan_counts.pending).toBe(1)
  })
})

describe("dashboardPlans", () => {
  const plan = (id: number, status: "pending" | "approved") =>
    ({
      id,
      status,
      created_at_ms: id,
      expires_at_ms: id + 1,
      fingerprint: { hosts: {}, vms: {} },
      decision: { host: `h${id}`, reason: "underload", detail: "", plan: { migrations: [], wake: [], suspend: [] } }
    }) as never

  it("counts every plan, sends every pending one first and only the newest resolved ones", () => {
    const plans = [
      ...Array.from({ length: pendingSent + 30 }, (_, i) => plan(10_000 - i, "pending")),
      ...Array.from({ length: resolvedSent + 70 }, (_, i) => plan(5_000 - i, "approved"))
    ]
    const view = dashboardPlans(plans)
    expect(view.plan_counts).toEqual({ pending: pendingSent + 30, approved: resolvedSent + 70 })
    expect(view.plans).toHaveLength(pendingSent + resolvedSent)
    expect(view.plans[0]).toMatchObject({ id: 10_000, status: "pending", request: { host: "h10000" } })
    expect(view.plans[pendingSent]).toMatchObject({ id: 5_000, status: "approved" })
    expect(view.plans[0]).not.toHaveProperty("fingerprint")
  })

  it("passes on the plan contract's effect, actions and supersession when the server gives them", () => {
    const effect = { hosts_freed: 2, power_saved_w: 180, energy_saved_kwh_per_hour: 0.18, migrations: 3 }
    const actions = [{ key: "m1", kind: "migrate", vm: "a", from: "h1", to: "h2", after: [], status: "pending" }]
    const [view] = dashboardPlans([
      { ...(plan(1, "pending") as object), effect, actions, superseded_by: 4 } as never
    ]).plans
    expect(view).toMatchObject({ effect, actions, superseded_by: 4 })
  })
})

describe("EnergyMeter", () => {
  const start = new Date(2026, 0, 10, 12, 0, 0).getTime()

  it("integrates the power drawn and with every host on, in kWh", () => {
    const meter = new EnergyMeter()
    meter.sample(start, 1000, 1500)
    meter.sample(start + 1800_000 / 6, 1000, 1500)
    for (let k = 2; k <= 12; k++) meter.sample(start + (k * 3600_000) / 12, 1000, 1500)
    const view = meter.view()
    expect(view.energy_kwh).toBeCloseTo(1, 9)
    expect(view.energy_all_on_kwh).toBeCloseTo(1.5, 9)
    expect(view.energy_saved_kwh).toBeCloseTo(0.5, 9)
    expect(view.since_ms).toBe(start)
  })

  it("leaves out a gap longer than it trusts, and restarts at midnight", () => {
    const meter = new EnergyMeter()
    meter.sample(start, 1000, 1000)
    meter.sample(start + maxSampleGapMs + 1, 1000, 1000)
    expect(meter.view().energy_kwh).toBe(0)
    const midnight = new Date(2026, 0, 11, 0, 0, 0).getTime()
    meter.sample(midnight - 60_000, 3600, 3600)
    meter.sample(midnight + 60_000, 3600, 3600)
    const view = meter.view()
    expect(view.since_ms).toBe(midnight)
    // Only the minute after midnight: 3.6 kW for 60 s.
    expect(view.energy_kwh).toBeCloseTo(0.06, 9)
  })

  it("models a PlanetLab host as its type and any other as the G5", () => {
    expect(hostPowerTable({ cores: 2, mhzPerCore: 1860 })).toBe(hpProLiantMl110G4)
    expect(hostPowerTable({ cores: 2, mhzPerCore: 2660 })).toBe(hpProLiantMl110G5)
    expect(hostPowerTable({ cores: 48, mhzPerCore: 2400 })).toBe(hpProLiantMl110G5)
  })
})
