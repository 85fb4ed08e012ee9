/**
 * Recommend mode as operators meet it: the requests of one control interval make one plan, with
 * no action twice, its actions ordered by their dependencies, and a predicted effect that equals
 * the one worked out by hand below; a later interval's plan supersedes a pending one it conflicts
 * with; approval of some actions skips the rest and what depends on them; the list is filtered by
 * status and counts every match.
 */
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ApprovalView, PlanView, ReallocationView } from "../../../src/server/http/Api.js"
import { fiveHostSetup, fourHostSetup } from "../../support/cloudFixtures.js"
import { globalManagerPerTest } from "../../support/globalManagerPerTest.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call, decode, messageOf } from "../../support/signedCall.js"

type Running = Parameters<typeof call>[0]
const recommend = async (gm: Running, body: unknown) =>
  decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", body)).decision
const plansOf = async (gm: Running, query = "") =>
  decode(Schema.Array(PlanView), await call(gm, "GET", `/v1/plans${query}`))

/** HP ProLiant ML110 G5, SPECpower watts at 0 %, 10 %, … 100 % (the default power model). */
const g5 = [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135]
const watts = (u: number) => {
  const low = Math.floor(u * 10)
  return low === 10 ? g5[10]! : g5[low]! + ((g5[low + 1]! - g5[low]!) / 10) * (u - low / 10) * 100
}

describe("recommended plans, one per control interval", () => {
  const start = globalManagerPerTest()

  it("merges an interval's requests into one plan whose predicted effect is the hand computation's", async () => {
    // h1 (a 100, b 100 MHz), h2 (c 400), h3 (d 500, e 450): one core of 1000 MHz each; h4 suspended.
    const cloud = new InMemoryCloud(fourHostSetup())
    const gm = await start(cloud, { control_mode: "recommend" })
    const underload = await recommend(gm, { host: "h1", reason: "underload" })
    const overload = await recommend(gm, { host: "h3", reason: "overload", vm_uuids: ["d"] })
    expect(underload.plan).toEqual({
      migrations: [
        { vm: "a", from: "h1", to: "h2" },
        { vm: "b", from: "h1", to: "h2" }
      ],
      wake: [],
      suspend: ["h1"]
    })
    // Planned on the cloud as the underload leaves it: h1 asleep, so it is woken for d.
    expect(overload.plan).toEqual({ migrations: [{ vm: "d", from: "h3", to: "h1" }], wake: ["h1"], suspend: [] })

    const answer = await call(gm, "GET", "/v1/plans")
    expect(answer.headers.get("x-total-count")).toBe("1")
    const [plan, ...others] = decode(Schema.Array(PlanView), answer)
    expect(others).toEqual([])
    expect(plan).toMatchObject({ id: underload.id, status: "pending" })
    expect(plan?.requests?.map((request) => [request.decision_id, request.host])).toEqual([
      [underload.id, "h1"],
      [overload.id, "h3"]
    ])
    // h1's suspend and wake cancel out; d moves onto h1 once a and b have left it.
    expect(plan?.actions).toEqual([
      { key: "migrate:a", kind: "migrate", vm: "a", from: "h1", to: "h2", after: [], status: "pending" },
      { key: "migrate:b", kind: "migrate", vm: "b", from: "h1", to: "h2", after: [], status: "pending" },
      {
        key: "migrate:d",
        kind: "migrate",
        vm: "d",
        from: "h3",
        to: "h1",
        after: ["migrate:a", "migrate:b"],
        status: "pending"
      }
    ])
    const keys = plan?.actions.map((action) => action.key) ?? []
    expect(new Set(keys).size).toBe(keys.length)

    // By hand: before, h1 at 0.2 (a + b), h2 at 0.4 (c), h3 at 0.95 (d + e); after, h1 at 0.5 (d),
    // h2 at 0.6 (a, b, c), h3 at 0.45 (e). Watts from the G5 table, linear between its points.
    const before = 101 + 110 + (133 + ((135 - 133) / 10) * 5)
    const after = 116 + 121 + (110 + ((116 - 110) / 10) * 5)
    expect([watts(0.2), watts(0.4), watts(0.5), watts(0.6)]).toEqual([101, 110, 116, 121])
    const migrationSeconds = (3 * 512) / 10 // three VMs of 512 MB at Neat's 10 MB/s
    expect(plan?.effect).toBeDefined()
    const effect = plan!.effect!
    expect(effect.hosts_freed).toBe(0)
    expect(effect.migrations).toBe(3)
    expect(effect.migration_seconds).toBeCloseTo(migrationSeconds, 9)
    expect(effect.power_saved_w).toBeCloseTo(before - after, 9)
    expect(effect.power_saved_w).toBeCloseTo(-5, 9)
    expect(effect.energy_saved_kwh_per_hour).toBeCloseTo(
      ((before - after) * (3600 - migrationSeconds)) / 3600 / 1000,
      12
    )
    expect(effect.sla_risk_hosts).toEqual([])

    // The plan by id is the same plan.
    expect(decode(PlanView, await call(gm, "GET", `/v1/plans/${plan?.id}`))).toEqual(plan)
    const missing = await call(gm, "GET", "/v1/plans/999")
    expect(missing.status).toBe(404)
    expect(messageOf(missing)).toBe("no recommended plan 999")
  })

  it("counts freed hosts, power saved and hosts left at risk for an underload alone", async () => {
    const cloud = new InMemoryCloud(fourHostSetup())
    const gm = await start(cloud, { control_mode: "recommend", plan_overload_threshold: 0.5 })
    await recommend(gm, { host: "h1", reason: "underload" })
    const [plan] = await plansOf(gm)
    expect(plan?.actions.map((action) => [action.key, action.after])).toEqual([
      ["migrate:a", []],
      ["migrate:b", []],
      ["suspend:h1", ["migrate:a", "migrate:b"]]
    ])
    // Before: h1 at 0.2, h2 at 0.4; after: h1 asleep, h2 at 0.6. h2 (0.6) and h3 (0.95) are above 0.5.
    const saved = 101 + 110 - 121
    expect(plan?.effect).toEqual({
      hosts_freed: 1,
      power_saved_w: saved,
      energy_saved_kwh_per_hour: (saved * (3600 - 102.4)) / 3600 / 1000,
      migrations: 2,
      migration_seconds: 102.4,
      sla_risk_hosts: ["h2", "h3"]
    })
  })

  it("a request from a host already in the plan opens the next interval, whose plan supersedes the first", async () => {
    const cloud = new InMemoryCloud(fourHostSetup())
    const gm = await start(cloud, { control_mode: "recommend" })
    const first = await recommend(gm, { host: "h1", reason: "underload" })
    const second = await recommend(gm, { host: "h1", reason: "underload" })
    const plans = await plansOf(gm)
    expect(plans.map((plan) => [plan.id, plan.status, plan.superseded_by])).toEqual([
      [second.id, "pending", undefined],
      [first.id, "superseded", second.id]
    ])
    expect(plans[1]?.resolution).toBe(`superseded by plan ${second.id}`)
    const refused = await call(gm, "POST", `/v1/plans/${first.id}/approve`, {})
    expect(refused.status).toBe(409)
    expect(messageOf(refused)).toMatch(/superseded/)
    // Filtered by status, with the count of every match.
    const pending = await call(gm, "GET", "/v1/plans?status=pending")
    expect(pending.headers.get("x-total-count")).toBe("1")
    expect(decode(Schema.Array(PlanView), pending).map((plan) => plan.id)).toEqual([second.id])
    const page = await call(gm, "GET", "/v1/plans?limit=1")
    expect(page.headers.get("x-total-count")).toBe("2")
    expect(decode(Schema.Array(PlanView), page)).toHaveLength(1)
    expect((await call(gm, "GET", "/v1/plans?status=nope")).status).toBe(400)
  })

  it("a later interval leaves a pending plan it does not conflict with alone", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await start(cloud, { control_mode: "recommend", plan_interval: 0.001, suspend_idle_hosts: false })
    const first = await recommend(gm, { host: "h1", reason: "underload" })
    await new Promise((resolve) => setTimeout(resolve, 5))
    // The first plan's hosts are out of bounds for the second: e goes elsewhere.
    expect((await call(gm, "PUT", "/v1/exclusions", { hosts: ["h1", "h2"] })).status).toBe(200)
    const second = await recommend(gm, { host: "h3", reason: "overload", vm_uuids: ["e"] })
    expect(second.plan).toEqual({ migrations: [{ vm: "e", from: "h3", to: "h4" }], wake: ["h4"], suspend: [] })
    const plans = await plansOf(gm)
    expect(plans.map((plan) => [plan.id, plan.status])).toEqual([
      [second.id, "pending"],
      [first.id, "pending"]
    ])
  })

  it("an interval's plan the cloud outgrew expires, and the next request opens a new plan", async () => {
    const cloud = new InMemoryCloud(fourHostSetup())
    const gm = await start(cloud, { control_mode: "recommend" })
    const first = await recommend(gm, { host: "h1", reason: "underload" })
    cloud.deleteVm("c")
    const second = await recommend(gm, { host: "h3", reason: "overload", vm_uuids: ["d"] })
    const plans = await plansOf(gm)
    expect(plans.map((plan) => [plan.id, plan.status, plan.resolution])).toEqual([
      [second.id, "pending", undefined],
      [first.id, "expired", "the VMs on host h2 changed"]
    ])
    expect(plans[0]?.requests?.map((request) => request.decision_id)).toEqual([second.id])
  })

  it("approves some actions: the others and those depending on them are skipped, and said so", async () => {
    const cloud = new InMemoryCloud(fourHostSetup())
    const gm = await start(cloud, { control_mode: "recommend" })
    const opened = await recommend(gm, { host: "h1", reason: "underload" })
    await recommend(gm, { host: "h3", reason: "overload", vm_uuids: ["d"] })
    const unknown = await call(gm, "POST", `/v1/plans/${opened.id}/approve`, { actions: ["migrate:zz"] })
    expect(unknown.status).toBe(422)
    expect(messageOf(unknown)).toBe(`not in plan ${opened.id}: migrate:zz`)
    const answer = await call(gm, "POST", `/v1/plans/${opened.id}/approve`, { actions: ["migrate:b", "migrate:d"] })
    expect(answer.status).toBe(200)
    const approved = decode(ApprovalView, answer)
    expect(approved.skipped).toEqual([
      { key: "migrate:a", reason: "not approved" },
      { key: "migrate:d", reason: "depends on migrate:a, which is skipped" }
    ])
    expect(approved.decision.plan.migrations).toEqual([{ vm: "b", from: "h1", to: "h2" }])
    expect(approved.plan.status).toBe("approved")
    expect(approved.plan.resolution).toBe(`executed by decision ${approved.decision.id} (some actions: 2 skipped)`)
    expect(approved.plan.actions.map((action) => [action.key, action.status])).toEqual([
      ["migrate:a", "skipped"],
      ["migrate:b", "done"],
      ["migrate:d", "skipped"]
    ])
    expect(cloud.vmsOn("h1")).toEqual(["a"])
    expect(cloud.vmsOn("h2")).toEqual(["c", "b"])
    expect(cloud.vmsOn("h3")).toEqual(["d", "e"])
  })
})
