/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core, against a real
 * global manager on loopback over the in-memory cloud. Needs NEAT_TEST_CHROMIUM (set by
 * .ci/services/chromium.sh); NEAT_UPDATE_DOCS_SCREENSHOT=1 also refreshes docs/dashboard.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BrowserContext, chromium } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { describeWithRequirement, serverEnv } from "../../support/requirement.js"
import { call } from "../../support/signedCall.js"

const env = serverEnv(["NEAT_TEST_CHROMIUM"], "the dashboard's browser test needs chromium (.ci/services/chromium.sh)")
const token = "browser-test-dashboard-token"
const spec = { cores: 4, mhzPerCore: 2500, ramMb: 16384 }

/** A CPU history with some movement, MHz. */
const wave = (base: number, swing: number, phase: number, n = 30): Array<number> =>
  Array.from({ length: n }, (_, k) => Math.round(base + swing * Math.sin((k + phase) / 3)))

const cloudOf = () =>
  new InMemoryCloud({
    hosts: [
      { name: "compute-1", ...spec, ownCpuMhz: wave(300, 40, 0) },
      { name: "compute-2", ...spec, ownCpuMhz: wave(300, 40, 1) },
      { name: "compute-3", ...spec, ownCpuMhz: wave(300, 40, 2) },
      { name: "compute-4", ...spec, power: "suspended" }
    ],
    vms: [
      { uuid: "vm-web-1", host: "compute-1", ramMb: 2048, cpuMhz: wave(400, 150, 0) },
      { uuid: "vm-db-1", host: "compute-1", ramMb: 4096, cpuMhz: wave(300, 100, 4) },
      { uuid: "vm-web-2", host: "compute-2", ramMb: 2048, cpuMhz: wave(2500, 600, 2) },
      { uuid: "vm-batch-1", host: "compute-2", ramMb: 4096, cpuMhz: wave(2200, 500, 5) },
      { uuid: "vm-cache-1", host: "compute-3", ramMb: 8192, cpuMhz: wave(3000, 400, 1) }
    ]
  })

describeWithRequirement("dashboard in a browser", env, (values) => {
  let gm: RunningGlobalManager
  let cloud: InMemoryCloud
  let context: BrowserContext
  let profile: string

  beforeAll(async () => {
    cloud = cloudOf()
    gm = await startGlobalManager(cloud, {
      dashboard_token: token,
      control_mode: "recommend",
      excluded_vms: ["vm-cache-1"],
      min_spare_hosts: 0,
      max_migrations_per_interval: 20
    })
    profile = mkdtempSync(join(tmpdir(), "neat-chromium-"))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: values.NEAT_TEST_CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1000 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    })
  })

  afterAll(async () => {
    await context?.close()
    await gm?.close()
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true })
  })

  it("logs in, shows the hosts, updates after a step, and executes a plan approved on the page", async () => {
    const page = await context.newPage()
    const external: Array<string> = []
    page.on("request", (request) => {
      if (!request.url().startsWith(gm.url)) external.push(request.url())
    })
    await page.goto(`${gm.url}/dashboard`)
    await page.fill("#token", token)
    await page.click("[data-testid=login]")
    await page.waitForSelector("[data-testid=host-compute-1]")
    expect(await page.textContent("[data-testid=power-compute-1]")).toBe("active")
    expect(await page.textContent("[data-testid=power-compute-4]")).toBe("suspended")
    expect(await page.locator("[data-testid=host-compute-1] svg.spark").count()).toBeGreaterThan(0)
    expect(await page.locator("[data-testid=vm-vm-db-1]").count()).toBe(1)

    // A step: the local manager of compute-1 reports an underload; in recommend mode it becomes a plan.
    const asked = await call(gm, "POST", "/v1/reallocations", { host: "compute-1", reason: "underload" })
    expect(asked.status).toBe(200)
    const plan = page.locator("[data-testid=plan-1]")
    await plan.waitFor()
    expect(await plan.textContent()).toMatch(/vm-web-1: compute-1 →/)
    expect(await page.textContent("[data-testid=stat-pending] .value")).toBe("1")
    expect(cloud.vmsOn("compute-1")).toEqual(["vm-web-1", "vm-db-1"])

    await page.click("[data-testid=approve-1]")
    await expect.poll(() => page.textContent("[data-testid=power-compute-1]"), { timeout: 10_000 }).toBe("suspended")
    expect(cloud.vmsOn("compute-1")).toEqual([])
    expect(cloud.hosts.get("compute-1")?.power).toBe("suspended")
    await page.locator("[data-testid=decision-2]").waitFor()
    expect(await page.textContent("[data-testid=decision-2]")).toMatch(/done/)
    expect(await page.textContent("[data-testid=plan-1]")).toMatch(/approved/)

    // One more plan stays pending for the picture.
    await call(gm, "POST", "/v1/reallocations", { host: "compute-2", reason: "overload", vm_uuids: ["vm-web-2"] })
    await page.locator("[data-testid=approve-3]").waitFor()
    mkdirSync(".neat", { recursive: true })
    await page.screenshot({ path: ".neat/dashboard.png", fullPage: true })
    if (process.env.NEAT_UPDATE_DOCS_SCREENSHOT === "1") {
      await page.screenshot({ path: "docs/dashboard.png", fullPage: true })
    }
    expect(external).toEqual([])
  })
})
