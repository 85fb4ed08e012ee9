/**
 * `neat serve` keeps its recommended plans in the store it is given: a second run on the same
 * SQLite file lists the plans the first one made, and checks them against its cloud.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { PlanView } from "../../../src/server/http/Api.js"
import { testSecret } from "../../support/globalManager.js"
import { recommendingSimServeArgs, type ServedCli, startServedCli } from "../../support/servedCli.js"
import { call, decode } from "../../support/signedCall.js"

const directory = mkdtempSync(join(tmpdir(), "neat-serve-plans-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const serve = (store: string) =>
  startServedCli(recommendingSimServeArgs(0.3, store), {
    NEAT_OS_ADMIN_PASSWORD: "plans-test-password",
    NEAT_REQUEST_SIGNING_SECRET: testSecret
  })

const plansOf = async (neat: ServedCli) => decode(Schema.Array(PlanView), await call(neat, "GET", "/v1/plans"))

describe("neat serve in recommend mode, restarted", () => {
  it("finds the plans of the previous run in its store", async () => {
    const store = join(directory, "neat.db")
    const first = await serve(store)
    let made: ReadonlyArray<Schema.Schema.Type<typeof PlanView>> = []
    try {
      await expect
        .poll(
          async () => {
            made = await plansOf(first)
            return made.length
          },
          { timeout: 20_000, interval: 200 }
        )
        .toBeGreaterThan(0)
    } finally {
      await first.stop()
    }
    const second = await serve(store)
    try {
      const kept = new Map((await plansOf(second)).map((plan) => [plan.id, plan]))
      for (const plan of made) {
        expect(kept.get(plan.id)?.decision.plan).toEqual(plan.decision.plan)
        expect(kept.get(plan.id)?.created_at_ms).toBe(plan.created_at_ms)
      }
      // The simulated cloud starts again from the same placement, so the first run's plans still hold.
      // The simulated cloud starts again from time 0, so a plan holds only if its hosts and VMs are
      // as they were when it was made; the others expire, saying what changed.
      for (const plan of kept.values()) {
        expect(["pending", "expired"]).toContain(plan.status)
        if (plan.status === "expired") expect(plan.resolution).toMatch(/changed|now|older/)
      }
      const [one] = made
      const approval = await call(second, "POST", `/v1/plans/${one?.id}/approve`, {})
      expect(approval.status).toBe(kept.get(one?.id ?? 0)?.status === "pending" ? 200 : 409)
    } finally {
      await second.stop()
    }
  }, 60_000)
})
