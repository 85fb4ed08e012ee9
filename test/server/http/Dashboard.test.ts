import { afterEach, describe, expect, it } from "vitest"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call } from "../../support/signedCall.js"

const spec = { cores: 1, mhzPerCore: 1000, ramMb: 4096 }
const cloudOf = () =>
  new InMemoryCloud({
    hosts: [
      { name: "h1", ...spec },
      { name: "h2", ...spec }
    ],
    vms: [
      { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 120] },
      { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [400] }
    ]
  })
const token = "dashboard-token-for-tests"

const login = async (gm: RunningGlobalManager, candidate: string) =>
  fetch(`${gm.url}/dashboard/login`, {
    method: "POST",
    body: new URLSearchParams({ token: candidate }),
    redirect: "manual"
  })

describe("dashboard access", () => {
  let gm: RunningGlobalManager | undefined
  afterEach(async () => {
    await gm?.close()
    gm = undefined
  })

  it("is absent without a dashboard token", async () => {
    gm = await startGlobalManager(cloudOf())
    expect((await fetch(`${gm.url}/dashboard`)).status).toBe(404)
    expect((await fetch(`${gm.url}/dashboard/state`)).status).toBe(404)
  })

  it("shows a login form, exchanges the token for an HttpOnly session cookie, and guards state and approvals", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token, control_mode: "recommend" })
    const page = await fetch(`${gm.url}/dashboard`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/)
    const html = await page.text()
    expect(html).toMatch(/name="token"/)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toContain(token)
    expect((await fetch(`${gm.url}/dashboard/state`)).status).toBe(401)
    expect((await login(gm, "wrong")).status).toBe(403)
    const ok = await login(gm, token)
    expect(ok.status).toBe(303)
    const cookie = ok.headers.get("set-cookie") ?? ""
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    const session = cookie.split(";")[0]!
    expect(session).not.toContain(token)
    const dashboard = await (await fetch(`${gm.url}/dashboard`, { headers: { cookie: session } })).text()
    expect(dashboard).toMatch(/id="hosts"/)
    // Nothing fetched from elsewhere (the only link is an empty data: icon, so the browser asks for no favicon).
    expect(dashboard).not.toMatch(/<script src=|<link (?!rel="icon" href="data:,">)/)
    const state = (await (await fetch(`${gm.url}/dashboard/state`, { headers: { cookie: session } })).json()) as {
      hosts: Array<{ name: string; power: string; cpu_used_mhz: number; vms: Array<{ uuid: string }> }>
      metrics: string
    }
    expect(state.hosts.map((host) => [host.name, host.power, host.cpu_used_mhz])).toEqual([
      ["h1", "active", 120],
      ["h2", "active", 400]
    ])
    expect(state.metrics).toMatch(/# TYPE neat_decisions_total counter/)
    await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    const approve = (extra: Record<string, string>) =>
      fetch(`${gm!.url}/dashboard/plans/1/approve`, {
        method: "POST",
        headers: { cookie: session, "content-type": "application/json", ...extra },
        body: "{}"
      })
    expect((await approve({})).status).toBe(403)
    const approved = await approve({ "x-neat-dashboard": "1" })
    expect(approved.status).toBe(200)
    expect((await approve({ "x-neat-dashboard": "1" })).status).toBe(409)
    await fetch(`${gm.url}/dashboard/logout`, { method: "POST", headers: { cookie: session }, redirect: "manual" })
    expect((await fetch(`${gm.url}/dashboard/state`, { headers: { cookie: session } })).status).toBe(401)
  })
})

describe("dashboard login: throttled guessing and the cookie's Secure flag", () => {
  let gm: RunningGlobalManager | undefined
  afterEach(async () => {
    await gm?.close()
    gm = undefined
  })

  it("answers 429 with Retry-After after five failures in a minute, even to the right token, and counts them", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token })
    for (let i = 0; i < 5; i++) expect((await login(gm, `guess-${i}`)).status).toBe(403)
    const throttled = await login(gm, "guess-6")
    expect(throttled.status).toBe(429)
    const wait = Number(throttled.headers.get("retry-after"))
    expect(wait).toBeGreaterThan(50)
    expect(wait).toBeLessThanOrEqual(60)
    expect(((await throttled.json()) as { _tag: string })._tag).toBe("TooManyRequests")
    // A throttled client learns nothing, even from the right token.
    expect((await login(gm, token)).status).toBe(429)
    const metrics = await (await fetch(`${gm.url}/metrics`)).text()
    expect(metrics).toMatch(/neat_auth_failures_total\{scheme="dashboard",reason="wrong_token"\} 5/)
    expect(metrics).toMatch(/neat_auth_failures_total\{scheme="dashboard",reason="throttled"\} 2/)
  })

  it("leaves the cookie without Secure over plain HTTP, and sets it behind a TLS proxy", async () => {
    gm = await startGlobalManager(cloudOf(), { dashboard_token: token })
    const plain = await login(gm, token)
    expect(plain.headers.get("set-cookie")).not.toMatch(/Secure/i)
    const proxied = await fetch(`${gm.url}/dashboard/login`, {
      method: "POST",
      headers: { "x-forwarded-proto": "https" },
      body: new URLSearchParams({ token }),
      redirect: "manual"
    })
    expect(proxied.status).toBe(303)
    expect(proxied.headers.get("set-cookie")).toMatch(/; Secure/)
  })
})
