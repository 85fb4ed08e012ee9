/**
 * The dashboard's page in a real browser (Debian's chromium, playwright-core) fed a state made
 * here rather than by a running manager: ten thousand hosts, plans carrying the plan contract's
 * action keys, effect and supersession, windows and errors of every class. Checks what the live
 * tests cannot yet reach: partial approval by action keys (the exact POST body), the contract's
 * fields on the page, the windows, paging at 10 000 hosts, and the UTC toggle remembered across
 * loads. Every request stays inside the browser (routed here); nothing listens.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { dashboardPage } from "../../../src/server/http/DashboardPage.js"
import { describeWithRequirement, serverEnv } from "../../support/requirement.js"
import { launchTestBrowser } from "../../support/testBrowser.js"

const env = serverEnv(["NEAT_TEST_CHROMIUM"], "the dashboard's browser test needs chromium (.ci/services/chromium.sh)")
const origin = "http://127.0.0.1:9"
const hostCount = 10_000
const nowMs = Date.UTC(2026, 11, 8, 0, 30, 0)

const hosts = Array.from({ length: hostCount }, (_, i) => {
  const power = i % 10 === 9 ? "suspended" : i === 5 ? "failed" : "active"
  const running = power === "active"
  return {
    name: `node-${i}`,
    power,
    cpu_mhz: 5320,
    ram_mb: 4096,
    cpu_used_mhz: running ? (i * 37) % 5320 : 0,
    ram_used_mb: running ? 1740 : 0,
    power_w: running ? 100 : 0,
    power_all_on_w: running ? 100 : 93.7,
    vms: running
      ? [
          { uuid: `vm-${i}-a`, ram_mb: 870 },
          { uuid: `vm-${i}-b`, ram_mb: 870 }
        ]
      : []
  }
})

const metrics = [
  "# TYPE neat_decisions_total counter",
  'neat_decisions_total{reason="underload",outcome="recommended"} 2',
  "# TYPE neat_migrations_total counter",
  'neat_migrations_total{outcome="migrated"} 5'
].join("\n")

const state = {
  hosts,
  decisions: [],
  migrations: [],
  plan_counts: { pending: 131, approved: 3, superseded: 1 },
  plans: [
    {
      id: 7,
      status: "pending",
      created_at_ms: nowMs - 60_000,
      expires_at_ms: nowMs + 600_000,
      interval_started_at_ms: nowMs - 90_000,
      request: { host: "node-1", reason: "underload", detail: "" },
      plan: { migrations: [], wake: [], suspend: [] },
      actions: [
        { key: "m1", kind: "migrate", vm: "vm-1-a", from: "node-1", to: "node-2", after: [], status: "pending" },
        { key: "m2", kind: "migrate", vm: "vm-1-b", from: "node-1", to: "node-3", after: [], status: "pending" },
        { key: "s1", kind: "suspend", host: "node-1", after: ["m1", "m2"], status: "pending" }
      ],
      effect: {
        hosts_freed: 1,
        power_saved_w: 93.7,
        energy_saved_kwh_per_hour: 0.0937,
        migrations: 2,
        migration_seconds: 14,
        sla_risk_hosts: ["node-2"]
      }
    },
    {
      id: 6,
      status: "superseded",
      superseded_by: 7,
      created_at_ms: nowMs - 120_000,
      expires_at_ms: nowMs + 600_000,
      request: { host: "node-1", reason: "underload", detail: "" },
      plan: { migrations: [], wake: [], suspend: [] },
      actions: [{ key: "s1", kind: "suspend", host: "node-1", after: [], status: "skipped" }]
    }
  ],
  energy: {
    power_w: 899_000,
    power_all_on_w: 992_700,
    energy_kwh: 450.5,
    energy_all_on_kwh: 500,
    energy_saved_kwh: 49.5,
    since_ms: nowMs - 30 * 60_000
  },
  errors: [
    {
      class: "auth",
      count: 3,
      latest: [
        {
          at_ms: nowMs - 5000,
          type: "signed missing_signature_headers",
          message: "signed missing_signature_headers from 10.0.0.9 on GET /v1/hosts"
        }
      ]
    },
    {
      class: "store",
      count: 1,
      latest: [{ at_ms: nowMs - 9000, type: "unrecorded", message: "the decision could not be recorded in the store" }]
    }
  ],
  windows: {
    now_ms: nowMs,
    disruption_allowed: false,
    blackouts: {
      windows: ["0 9 * * 1-5 8h"],
      open: [{ window: "0 9 * * 1-5 8h", start_ms: nowMs - 3600_000, end_ms: nowMs + 7 * 3600_000 }]
    },
    maintenance: { windows: [], open: [] },
    budget: { budget: "10%", limit: 1000, hosts: 10_000, in_disruption: [] }
  },
  policy: {
    mode: "recommend",
    excluded_hosts: [],
    excluded_vms: [],
    maintenance_hosts: ["node-3"],
    min_spare_hosts: 0,
    max_migrations_per_interval: 0,
    migration_cap_interval: 300
  },
  metrics,
  now_ms: nowMs
}

describeWithRequirement("the dashboard's page fed a state of 10 000 hosts", env, (values) => {
  let context: BrowserContext
  let dir: string
  const approvals: Array<{ url: string; body: unknown; header: string | undefined }> = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "neat-dashboard-page-"))
    context = await launchTestBrowser(join(dir, "profile"), values.NEAT_TEST_CHROMIUM, { width: 1400, height: 1000 })
    await context.route(`${origin}/**`, async (route) => {
      const request = route.request()
      const path = new URL(request.url()).pathname
      if (path === "/dashboard") {
        const nonce = "test-nonce"
        return route.fulfill({
          contentType: "text/html; charset=utf-8",
          headers: {
            "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'`
          },
          body: dashboardPage(nonce)
        })
      }
      if (path === "/dashboard/state") return route.fulfill({ json: state })
      if (path.startsWith("/dashboard/plans/")) {
        approvals.push({ url: path, body: request.postDataJSON(), header: request.headers()["x-neat-dashboard"] })
        return route.fulfill({ json: { result: "executed" } })
      }
      return route.fulfill({ status: 404, json: { _tag: "NotFound", message: "not here" } })
    })
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  const open = async (): Promise<Page> => {
    const page = await context.newPage()
    await page.goto(`${origin}/dashboard`)
    await page.waitForSelector("body[data-first-render-ms]", { state: "attached", timeout: 60_000 })
    return page
  }

  it("pages 10 000 hosts, filters them and counts them by power state", async () => {
    const page = await open()
    console.log(
      `dashboard fed ${hostCount} hosts: first full render ${await page.getAttribute("body", "data-first-render-ms")} ms ` +
        `from the navigation's start; the state is ${(JSON.stringify(state).length / 1024).toFixed(0)} KiB of JSON, ` +
        `${(gzipSync(JSON.stringify(state)).length / 1024).toFixed(0)} KiB gzipped`
    )
    expect(await page.textContent("[data-testid=hosts-range]")).toBe(`1–50 of ${hostCount}`)
    expect(await page.locator("[data-testid^=host-node-]").count()).toBe(50)
    expect(await page.textContent("[data-testid=filter-suspended]")).toBe("suspended 1000")
    await page.click("[data-testid=filter-failed]")
    expect(await page.textContent("[data-testid=hosts-range]")).toBe("1–1 of 1 (10000 hosts)")
    expect(await page.textContent("[data-testid=power-node-5]")).toBe("failed")
    await page.click("[data-testid=filter-all]")
    expect(await page.textContent("[data-testid=host-node-3]")).toContain("maintenance")
    // Sorting by CPU, busiest first.
    await page.click("#hosts-table th[data-key=cpu]")
    const numeric = new Intl.Collator(undefined, { numeric: true })
    const busiest = hosts
      .filter((host) => host.power === "active")
      .sort((a, b) => b.cpu_used_mhz - a.cpu_used_mhz || numeric.compare(a.name, b.name))[0]!
    expect(await page.locator("[data-testid^=host-node-]").first().getAttribute("data-testid")).toBe(
      `host-${busiest.name}`
    )
    // The true counts, not the plans sent.
    expect(await page.textContent("[data-testid=stat-pending] .value")).toBe("131")
    expect(await page.textContent("[data-testid=plan-counts]")).toBe("131 pending · 3 approved · 1 superseded")
    // Errors: auth failures apart, with their detail; the rest counted as errors.
    expect(await page.textContent("[data-testid=stat-auth] .value")).toBe("3")
    expect(await page.textContent("[data-testid=stat-errors] .value")).toBe("1")
    expect(await page.textContent("[data-testid=errors-auth]")).toContain("from 10.0.0.9 on GET /v1/hosts")
    // Energy, windows.
    expect(await page.textContent("[data-testid=energy-kw] .value")).toBe("899.00")
    expect(await page.textContent("[data-testid=energy-saved] .value")).toBe("49.50")
    expect(await page.textContent("[data-testid=windows]")).toContain("0 9 * * 1-5")
    expect(await page.textContent("[data-testid=windows]")).toContain("budget: 10%")
    await page.close()
  }, 120_000)

  it("keeps the table's search, filter and order in the address, so a reload or a link shows the same view", async () => {
    const page = await open()
    await page.click("[data-testid=filter-suspended]")
    await page.fill("[data-testid=host-search]", "node-99")
    await expect.poll(() => page.url()).toBe(`${origin}/dashboard#q=node-99&power=suspended`)
    expect(await page.textContent("[data-testid=hosts-range]")).toBe("1–12 of 12 (10000 hosts)")
    await page.close()
    const linked = await context.newPage()
    await linked.goto(`${origin}/dashboard#q=node-99&power=suspended&sort=name&dir=-1`)
    await linked.waitForSelector("body[data-first-render-ms]", { state: "attached", timeout: 60_000 })
    expect(await linked.inputValue("[data-testid=host-search]")).toBe("node-99")
    expect(await linked.textContent("[data-testid=hosts-range]")).toBe("1–12 of 12 (10000 hosts)")
    expect(await linked.locator("[data-testid^=host-node-]").first().getAttribute("data-testid")).toBe("host-node-9999")
    await linked.close()
  }, 120_000)

  it("shows a plan's effect and actions, and approves only the actions left ticked", async () => {
    const page = await open()
    const row = page.locator("[data-testid=plan-7]")
    expect(await row.textContent()).toContain("migrate 2 VMs, suspend 1 host, wake 0 hosts")
    expect(await row.locator("[data-testid=effect]").textContent()).toBe(
      "frees 1 host · saves 94 W (0.094 kWh/h) · 2 migrations ≈ 14 s · SLA risk: node-2"
    )
    await page.click("[data-testid=approve-7]")
    expect(await page.textContent("[data-testid=confirm-summary]")).toBe(
      "This will migrate 2 VMs, suspend 1 host, wake 0 hosts."
    )
    await page.uncheck("[data-testid=action-m2]")
    await page.uncheck("[data-testid=action-s1]")
    expect(await page.textContent("[data-testid=confirm-summary]")).toBe(
      "This will migrate 1 VM, suspend 0 hosts, wake 0 hosts (2 actions skipped)."
    )
    await page.click("[data-testid=confirm-ok]")
    await expect.poll(() => approvals.length).toBe(1)
    expect(approvals[0]).toEqual({ url: "/dashboard/plans/7/approve", body: { actions: ["m1"] }, header: "1" })
    // Cancelling sends nothing; approving everything sends no selection.
    await page.click("[data-testid=approve-7]")
    await page.click("[data-testid=confirm-cancel]")
    await page.click("[data-testid=approve-7]")
    await page.click("[data-testid=confirm-ok]")
    await expect.poll(() => approvals.length).toBe(2)
    expect(approvals[1]?.body).toEqual({})
    // The superseded plan, under "all", names the plan that replaced it.
    await page.click("[data-testid=plans-all]")
    expect(await page.textContent("[data-testid=plan-6]")).toContain("by #7")
    await page.close()
  }, 120_000)

  it("prints times with the date, in UTC on request, remembered across loads", async () => {
    const page = await open()
    const local = await page.textContent("[data-testid=updated]")
    expect(local).toMatch(/^updated \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    await page.check("[data-testid=utc]")
    expect(await page.textContent("[data-testid=updated]")).toBe("updated 2026-12-08 00:30:00 UTC")
    await page.close()
    const again = await open()
    expect(await again.isChecked("[data-testid=utc]")).toBe(true)
    expect(await again.textContent("[data-testid=updated]")).toBe("updated 2026-12-08 00:30:00 UTC")
    await again.uncheck("[data-testid=utc]")
    await again.close()
  }, 120_000)
})
