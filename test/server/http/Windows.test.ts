/**
 * Windows and the budget through the global manager's API: a blackout holds what a request would
 * migrate or suspend (recorded with its reason), and `/v1/status` and the dashboard's state show the
 * windows and the budget in use.
 */
import { Either } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { parseDisruptionBudget } from "../../../src/core/control/DisruptionBudget.js"
import { parseWindows } from "../../../src/core/control/MaintenanceWindows.js"
import { DecisionView, StatusView } from "../../../src/server/http/Api.js"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call, decode } from "../../support/signedCall.js"

const spec = { cores: 1, mhzPerCore: 1000, ramMb: 4096 }
const cloudOf = () =>
  new InMemoryCloud({
    hosts: [
      { name: "h1", ...spec },
      { name: "h2", ...spec },
      { name: "h3", ...spec, power: "suspended" }
    ],
    vms: [
      { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 120] },
      { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [400] }
    ]
  })
const token = "dashboard-token-for-tests"
const always = "* * * * * 1h"
const windows = (text: string) => Either.getOrThrow(parseWindows(text))

describe("windows through the API", () => {
  let gm: RunningGlobalManager | undefined
  afterEach(async () => {
    await gm?.close()
    gm = undefined
  })

  it("a blackout holds an underload; status and the dashboard show the windows and the budget", async () => {
    const cloud = cloudOf()
    gm = await startGlobalManager(cloud, {
      dashboard_token: token,
      blackout_windows: windows(always),
      maintenance_windows: windows("0 3 * * * 1h"),
      disruption_budget: Either.getOrThrow(parseDisruptionBudget("50%"))
    })
    const answer = await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    expect(answer.status).toBe(200)
    const decision = decode(DecisionView, { ...answer, body: (answer.body as { decision: unknown }).decision })
    expect(decision.status).toBe("blackout")
    expect(decision.outcome).toBe("skipped")
    expect(decision.detail).toMatch(/^blackout '\* \* \* \* \* 1h' until .*: 1 migration and 1 suspension held/)
    expect(cloud.actions).toEqual([])

    const status = decode(StatusView, await call(gm, "GET", "/v1/status?limit=5"))
    expect(status.hosts).toEqual({ total: 3, by_power: { active: 2, suspended: 1 } })
    expect(status.vms).toBe(2)
    expect(status.decisions.map((d) => d.status)).toEqual(["blackout"])
    expect(status.windows.disruption_allowed).toBe(false)
    expect(status.windows.blackouts.open.map((o) => o.window)).toEqual([always])
    expect(status.windows.maintenance.windows).toEqual(["0 3 * * * 1h"])
    expect(status.windows.maintenance.next?.window).toBe("0 3 * * * 1h")
    expect(status.windows.budget).toEqual({ budget: "50%", limit: 2, hosts: 3, in_disruption: [] })

    const login = await fetch(`${gm.url}/dashboard/login`, {
      method: "POST",
      body: new URLSearchParams({ token }),
      redirect: "manual"
    })
    const session = (login.headers.get("set-cookie") ?? "").split(";")[0]!
    const state = (await (await fetch(`${gm.url}/dashboard/state`, { headers: { cookie: session } })).json()) as {
      windows: typeof status.windows
    }
    expect(state.windows.blackouts.open[0]?.window).toBe(always)
    expect(state.windows.budget).toEqual({ budget: "50%", limit: 2, hosts: 3, in_disruption: [] })
  })

  it("/v1/status is signed like the rest of /v1", async () => {
    gm = await startGlobalManager(cloudOf())
    expect((await fetch(`${gm.url}/v1/status`)).status).toBe(401)
    const status = decode(StatusView, await call(gm, "GET", "/v1/status"))
    expect(status.windows).toMatchObject({ disruption_allowed: true, blackouts: { windows: [], open: [] } })
    expect(status.windows.budget).toBeUndefined()
  })
})
