/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core, against
 * `neat serve --mode sim` started as an operator would (a child process of the CLI, recommend
 * mode, an accelerated clock, a SQLite store, 127.0.0.1). Needs NEAT_TEST_CHROMIUM (set by
 * .ci/services/chromium.sh). The thousand-host page has its own test (Dashboard.scale.browser...).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import type { BrowserContext } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { HostView, PlanView, VmMigrationView, VmView } from "../../../src/server/http/Api.js"
import { testSecret } from "../../support/globalManager.js"
import { describeWithRequirement, serverEnv } from "../../support/requirement.js"
import { recommendingSimServeArgs, type ServedCli, startServedCli } from "../../support/servedCli.js"
import { call, decode } from "../../support/signedCall.js"
import { launchTestBrowser } from "../../support/testBrowser.js"

const env = serverEnv(["NEAT_TEST_CHROMIUM"], "the dashboard's browser test needs chromium (.ci/services/chromium.sh)")
const token = "browser-test-dashboard-token"
/** Real seconds per simulated interval: long enough for the page to poll (every 1.5 s) within a step. */
const stepSeconds = 3

describeWithRequirement("dashboard in a browser, on neat serve --mode sim", env, (values) => {
  let neat: ServedCli
  let context: BrowserContext
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "neat-dashboard-"))
    neat = await startServedCli(recommendingSimServeArgs(stepSeconds, join(dir, "neat.db")), {
      NEAT_OS_ADMIN_PASSWORD: "browser-test-password",
      NEAT_REQUEST_SIGNING_SECRET: testSecret,
      NEAT_DASHBOARD_TOKEN: token
    })
    context = await launchTestBrowser(join(dir, "profile"), values.NEAT_TEST_CHROMIUM, { width: 1280, height: 1000 })
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    await neat?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it("logs in, shows the simulated hosts, updates after a step, and executes a plan approved on the page", async () => {
    const page = await context.newPage()
    const external: Array<string> = []
    page.on("request", (request) => {
      if (!request.url().startsWith(neat.url)) external.push(request.url())
    })
    await page.goto(`${neat.url}/dashboard`)
    await page.fill("#token", token)
    await page.click("[data-testid=login]")

    // The simulated data centre: host-0 .. host-5, all active at start, with their VMs.
    await page.waitForSelector("[data-testid=host-host-0]")
    const hosts = decode(Schema.Array(HostView), await call(neat, "GET", "/v1/hosts"))
    expect(hosts.map((host) => host.name)).toEqual(["host-0", "host-1", "host-2", "host-3", "host-4", "host-5"])
    expect(await page.locator("[data-testid^=host-host-]").count()).toBe(6)
    expect(await page.textContent("[data-testid=hosts-range]")).toBe("1–6 of 6")
    const vms = decode(Schema.Array(VmView), await call(neat, "GET", "/v1/vms"))
    expect(vms).toHaveLength(12)
    expect(await page.textContent("[data-testid=power-host-0]")).toBe("active")
    // A host's row opens on its CPU history and its VMs, each with its own.
    for (const host of hosts) await page.click(`[data-testid=host-${host.name}]`)
    for (const vm of vms) await page.locator(`[data-testid=vm-${vm.uuid}]`).waitFor()
    expect(await page.locator("[data-testid=detail-host-0] svg.spark").count()).toBeGreaterThan(0)
    // The power panel: every host is on at start, so nothing is saved yet and the watts are the models'.
    expect(Number(await page.textContent("[data-testid=energy-kw] .value"))).toBeGreaterThan(0.5)

    // A simulated step: the local managers send their requests, the decisions count on the page grows.
    const decisionsNow = Number(await page.textContent("[data-testid=stat-decisions] .value"))
    await expect
      .poll(async () => Number(await page.textContent("[data-testid=stat-decisions] .value")), {
        timeout: stepSeconds * 4000
      })
      .toBeGreaterThan(decisionsNow)

    // Recommend mode: underloads become pending plans, shown with Approve buttons.
    const approve = page.locator("[data-testid^=approve-]").first()
    await approve.waitFor({ timeout: stepSeconds * 10_000 })
    const planId = Number((await approve.getAttribute("data-testid"))?.slice("approve-".length))
    const plans = decode(Schema.Array(PlanView), await call(neat, "GET", "/v1/plans"))
    const plan = plans.find((candidate) => candidate.id === planId)
    expect(plan?.status).toBe("pending")
    const moves = plan?.decision.plan.migrations ?? []
    expect(moves.length).toBeGreaterThan(0)
    expect(await page.textContent(`[data-testid=plan-${planId}]`)).toContain(
      `${moves[0]?.vm}: ${moves[0]?.from} → ${moves[0]?.to}`
    )
    expect(Number(await page.textContent("[data-testid=stat-pending] .value"))).toBeGreaterThan(0)

    // Approve asks first, naming exactly what the plan will do.
    await page.click(`[data-testid=approve-${planId}]`)
    const wakes = plan?.decision.plan.wake.length ?? 0
    const suspends = plan?.decision.plan.suspend.length ?? 0
    const counted = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`
    expect(await page.textContent("[data-testid=confirm-summary]")).toBe(
      `This will migrate ${counted(moves.length, "VM")}, suspend ${counted(suspends, "host")}, wake ${counted(wakes, "host")}.`
    )
    await page.click("[data-testid=confirm-ok]")
    // Resolved plans are listed beside the pending ones under "all".
    await page.click("[data-testid=plans-all]")
    await expect
      .poll(async () => (await page.textContent(`[data-testid=plan-${planId}]`)) ?? "", { timeout: 15_000 })
      .toMatch(/approved/)

    // The API agrees: the plan was executed by a new decision, and its VMs now run on their targets.
    const approved = decode(Schema.Array(PlanView), await call(neat, "GET", "/v1/plans")).find(
      (candidate) => candidate.id === planId
    )
    expect(approved?.status).toBe("approved")
    expect(approved?.executed_by).toBeGreaterThan(planId)
    const placed = new Map(
      decode(Schema.Array(VmView), await call(neat, "GET", "/v1/vms")).map((vm) => [vm.uuid, vm.host])
    )
    const migrated = decode(Schema.Array(VmMigrationView), await call(neat, "GET", "/v1/migrations"))
    for (const move of moves) {
      expect(placed.get(move.vm)).toBe(move.to)
      expect(migrated.some((row) => row.vm === move.vm && row.host === move.to)).toBe(true)
    }
    for (const host of plan?.decision.plan.suspend ?? []) {
      await expect.poll(() => page.textContent(`[data-testid=power-${host}]`), { timeout: 10_000 }).toBe("suspended")
    }
    await expect
      .poll(async () => (await page.textContent(`[data-testid=decision-${approved?.executed_by}]`)) ?? "", {
        timeout: 10_000
      })
      .toMatch(/done/)

    expect(external).toEqual([])
  }, 120_000)
})
