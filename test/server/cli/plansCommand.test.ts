/**
 * `neat plans` against a running `neat serve --mode sim` in recommend mode, as an operator uses it:
 * signed with the secret from the environment, as a table or as JSON, and with one clear line
 * when the id is wrong, the secret is wrong or the server is down.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { ApprovalView, PlanView } from "../../../src/server/http/Api.js"
import { testSecret } from "../../support/globalManager.js"
import { neat } from "../../support/neatCli.js"
import { recommendingSimServeArgs, startServedCli } from "../../support/servedCli.js"

const directory = mkdtempSync(join(tmpdir(), "neat-plans-cli-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const env = { NEAT_REQUEST_SIGNING_SECRET: testSecret, NEAT_OS_ADMIN_PASSWORD: "plans-cli-password" }
const PlanList = Schema.Struct({ total: Schema.Number, plans: Schema.Array(PlanView) })
type Plan = Schema.Schema.Type<typeof PlanView>

const subjects = (plan: Plan) =>
  new Set(
    plan.actions.flatMap((action) => [action.host, action.from, action.to, action.vm]).filter((x) => x !== undefined)
  )

describe("neat plans against neat serve --mode sim", () => {
  it("lists, shows, approves in part and rejects plans; says clearly what went wrong", async () => {
    const served = await startServedCli(recommendingSimServeArgs(4, join(directory, "neat.db")), env)
    const plans = (...args: Array<string>) => neat(["plans", ...args, "--url", served.url], { env })
    const listed = async () => {
      const run = await plans("list", "--format", "json")
      expect(run.stderr).toBe("")
      expect(run.status).toBe(0)
      return Schema.decodeUnknownSync(PlanList)(JSON.parse(run.stdout))
    }
    try {
      let list = await listed()
      await expect
        .poll(
          async () => {
            list = await listed()
            return list.plans.filter((plan) => plan.status === "pending").length
          },
          { timeout: 30_000, interval: 500 }
        )
        .toBeGreaterThan(0)
      expect(list.total).toBeGreaterThanOrEqual(list.plans.length)
      for (const plan of list.plans) {
        const keys = plan.actions.map((action) => action.key)
        expect(new Set(keys).size).toBe(keys.length)
        expect(plan.effect).toBeDefined()
        expect(plan.effect?.migrations).toBe(plan.actions.filter((action) => action.kind === "migrate").length)
      }
      // One interval's plan supersedes the earlier ones it conflicts with: pending plans share nothing.
      const pending = list.plans.filter((plan) => plan.status === "pending")
      for (const [i, a] of pending.entries()) {
        for (const b of pending.slice(i + 1))
          expect([...subjects(a)].filter((name) => subjects(b).has(name))).toEqual([])
      }

      const table = await plans("list")
      expect(table.status).toBe(0)
      expect(table.stdout).toMatch(
        /^ID +STATUS +CREATED +REQUESTS +ACTIONS +HOSTS FREED +POWER SAVED +MIGRATIONS +SLA RISK\n/
      )
      expect(table.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
      expect(table.stdout).toMatch(/\n\d+ plans?\n$|of \d+ plans/)

      const first = pending[0]!
      const shown = await plans("show", String(first.id))
      expect(shown.status).toBe(0)
      expect(shown.stdout).toContain(`plan ${first.id}: `)
      expect(shown.stdout).toMatch(/effect: -?\d+ hosts freed, -?[\d.]+ W saved/)
      expect(shown.stdout).toMatch(/\nKEY +ACTION +AFTER +STATUS\n/)
      const shownJson = await plans("show", String(first.id), "--format", "json")
      expect(Schema.decodeUnknownSync(PlanView)(JSON.parse(shownJson.stdout)).id).toBe(first.id)

      // The simulation goes on (an interval every 4 s): a plan may be superseded before the approval lands.
      let approved: Schema.Schema.Type<typeof ApprovalView> | undefined
      for (let attempt = 0; attempt < 5 && approved === undefined; attempt++) {
        const newest = (await listed()).plans.find((plan) => plan.status === "pending")
        if (newest === undefined) continue
        const key = newest.actions[0]!.key
        const run = await plans("approve", String(newest.id), "--actions", key, "--format", "json")
        if (run.status !== 0) {
          expect(run.stderr).toMatch(/\(409: the plan is no longer pending\)/)
          continue
        }
        approved = Schema.decodeUnknownSync(ApprovalView)(JSON.parse(run.stdout))
        expect(approved.plan.status).toBe("approved")
        expect(approved.plan.actions.find((action) => action.key === key)?.status).toMatch(/done|failed/)
        const skipped = approved.plan.actions.filter((action) => action.key !== key)
        for (const action of skipped) expect(action.status).toBe("skipped")
        expect(approved.skipped?.map((entry) => entry.key)).toEqual(skipped.map((action) => action.key))
      }
      expect(approved).toBeDefined()

      let rejected = false
      for (let attempt = 0; attempt < 5 && !rejected; attempt++) {
        const newest = (await listed()).plans.find((plan) => plan.status === "pending")
        if (newest === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 1000))
          continue
        }
        const run = await plans("reject", String(newest.id))
        rejected = run.status === 0
        if (rejected) expect(run.stdout).toBe(`plan ${newest.id} rejected\n`)
      }
      expect(rejected).toBe(true)
      const rejectedOnly = await plans("list", "--status", "rejected", "--format", "json")
      const rejectedList = Schema.decodeUnknownSync(PlanList)(JSON.parse(rejectedOnly.stdout))
      expect(rejectedList.total).toBe(1)
      expect(rejectedList.plans.map((plan) => plan.status)).toEqual(["rejected"])

      // The secret and the address from neat.conf alone.
      const conf = join(directory, "neat.conf")
      writeFileSync(
        conf,
        `[DEFAULT]\nglobal_manager_host = 0.0.0.0\nglobal_manager_port = ${new URL(served.url).port}\nglobal_manager_signing_secret = ${testSecret}\n`
      )
      const fromConf = await neat(["plans", "list", "--config", conf, "--status", "rejected"], {
        env: { NEAT_REQUEST_SIGNING_SECRET: undefined }
      })
      expect(fromConf.stderr).toBe("")
      expect(fromConf.stdout).toMatch(/^ID +STATUS/)
      expect(fromConf.stdout).toMatch(/\n1 rejected plan\n$/)

      const missing = await plans("show", "999999")
      expect(missing.status).toBe(1)
      expect(missing.stderr).toBe(`neat: GET ${served.url}/v1/plans/999999: no recommended plan 999999 (404)\n`)
      const wrongSecret = await neat(["plans", "list", "--url", served.url], {
        env: { NEAT_REQUEST_SIGNING_SECRET: "not-the-secret" }
      })
      expect(wrongSecret.status).toBe(1)
      expect(wrongSecret.stderr).toMatch(
        /^neat: GET .*: the global manager refused the request's signature \(403: the signature does not match\); check the signing secret/
      )
      expect(wrongSecret.stderr.split("\n")).toHaveLength(2)
    } finally {
      await served.stop()
    }
    const down = await plans("list")
    expect(down.status).toBe(1)
    expect(down.stderr).toMatch(new RegExp(`^neat: ${served.url}: cannot reach the global manager: .+\\n$`))
  }, 120_000)
})
