import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ApprovalView, MaintenanceView, PlanView, PolicyView, ReallocationView } from "../../../src/server/http/Api.js"
import { fiveHostSetup } from "../../support/cloudFixtures.js"
import { globalManagerPerTest } from "../../support/globalManagerPerTest.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call, decode, messageOf } from "../../support/signedCall.js"

const underload = { host: "h1", reason: "underload" }

describe("recommend-only mode and approvals over /v1", () => {
  const startGlobalManager = globalManagerPerTest()

  it("records a plan without executing it, lists it, and executes it once approved", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud, { control_mode: "recommend" })
    const answer = await call(gm, "POST", "/v1/reallocations", underload)
    expect(answer.status).toBe(200)
    const asked = { body: decode(ReallocationView, answer) }
    expect(asked.body.decision.outcome).toBe("recommended")
    expect(asked.body.request_id).toMatch(/\w+-\w+/)
    expect(cloud.actions).toEqual([])
    const listed = { body: decode(Schema.Array(PlanView), await call(gm, "GET", "/v1/plans")) }
    expect(listed.body).toHaveLength(1)
    expect(listed.body[0]).toMatchObject({ id: asked.body.decision.id, status: "pending" })
    expect(listed.body[0]?.fingerprint.vms).toEqual({ a: "h1", b: "h1" })
    const approvedAnswer = await call(gm, "POST", `/v1/plans/${asked.body.decision.id}/approve`, {})
    expect(approvedAnswer.status).toBe(200)
    const approved = { body: decode(ApprovalView, approvedAnswer) }
    expect(approved.body.decision).toMatchObject({ status: "approved", outcome: "done" })
    expect(approved.body.plan.status).toBe("approved")
    expect(cloud.vmsOn("h1")).toEqual([])
    expect(cloud.hosts.get("h1")!.power).toBe("suspended")
    const twice = await call(gm, "POST", `/v1/plans/${asked.body.decision.id}/approve`, {})
    expect(twice.status).toBe(409)
    expect((await call(gm, "POST", "/v1/plans/999/approve", {})).status).toBe(404)
  })

  it("a per-request mode overrides the deployment's; approval of some actions only", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud)
    const asked = {
      body: decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", { ...underload, mode: "recommend" }))
    }
    expect(asked.body.decision.outcome).toBe("recommended")
    const id = asked.body.decision.id
    expect((await call(gm, "POST", `/v1/plans/${id}/approve`, { migrations: ["nope"] })).status).toBe(422)
    const part = {
      body: decode(ApprovalView, await call(gm, "POST", `/v1/plans/${id}/approve`, { migrations: ["a"] }))
    }
    expect(part.body.decision.plan.migrations.map((m) => m.vm)).toEqual(["a"])
    // b stays, so h1 is not suspended.
    expect(cloud.vmsOn("h1")).toEqual(["b"])
    expect(cloud.hosts.get("h1")!.power).toBe("active")
    expect(part.body.plan.resolution).toMatch(/some actions/)
  })

  it("a plan expires when its hosts or VMs changed; a rejected plan cannot be approved", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud, { control_mode: "recommend" })
    const first = { body: decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", underload)) }
    cloud.deleteVm("b")
    const listed = { body: decode(Schema.Array(PlanView), await call(gm, "GET", "/v1/plans")) }
    expect(listed.body[0]).toMatchObject({ status: "expired", resolution: "VM b was on h1 and is now gone" })
    expect((await call(gm, "POST", `/v1/plans/${first.body.decision.id}/approve`, {})).status).toBe(409)
    const second = {
      body: decode(
        ReallocationView,
        await call(gm, "POST", "/v1/reallocations", { host: "h3", reason: "overload", vm_uuids: ["d"] })
      )
    }
    const rejected = { body: decode(PlanView, await call(gm, "POST", `/v1/plans/${second.body.decision.id}/reject`)) }
    expect(rejected.body.status).toBe("rejected")
    const again = await call(gm, "POST", `/v1/plans/${second.body.decision.id}/approve`, {})
    expect(again.status).toBe(409)
    expect(messageOf(again)).toMatch(/rejected/)
    expect(cloud.actions).toEqual([])
  })

  it("a plan expires at its age limit", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud, { control_mode: "recommend", plan_max_age: 0.05 })
    const asked = { body: decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", underload)) }
    await new Promise((resolve) => setTimeout(resolve, 80))
    const approve = await call(gm, "POST", `/v1/plans/${asked.body.decision.id}/approve`, {})
    expect(approve.status).toBe(409)
    expect(messageOf(approve)).toMatch(/older than 0.05 s/)
    const decisions = decode(
      Schema.Array(Schema.Struct({ status: Schema.String, outcome: Schema.String })),
      await call(gm, "GET", "/v1/decisions")
    )
    expect(decisions.at(-1)).toMatchObject({ status: "expired", outcome: "skipped" })
  })
})

describe("exclusions, maintenance, spare hosts and the migration cap over /v1", () => {
  const startGlobalManager = globalManagerPerTest()

  it("configured exclusions show in /v1/policy and change through PUT /v1/exclusions", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud, {
      excluded_vms: ["a"],
      min_spare_hosts: 1,
      max_migrations_per_interval: 5
    })
    const policy = decode(PolicyView, await call(gm, "GET", "/v1/policy"))
    expect(policy).toMatchObject({
      mode: "auto",
      excluded_vms: ["a"],
      min_spare_hosts: 1,
      max_migrations_per_interval: 5
    })
    const blocked = decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", underload))
    expect(blocked.decision.status).toBe("excluded")
    expect(cloud.vmsOn("h1")).toEqual(["a", "b"])
    const changed = decode(PolicyView, await call(gm, "PUT", "/v1/exclusions", { vms: [], hosts: ["h3"] }))
    expect(changed).toMatchObject({ excluded_vms: [], excluded_hosts: ["h3"] })
    const done = decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", underload))
    expect(done.decision.outcome).toBe("done")
    expect(done.decision.plan.migrations.every((m) => m.to === "h2")).toBe(true)
    // h5 stays up as the one spare.
    expect(cloud.hosts.get("h5")!.power).toBe("active")
  })

  it("maintenance drains the host, keeps it empty, and ends on request", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud)
    const entered = {
      body: decode(MaintenanceView, await call(gm, "POST", "/v1/maintenance", { host: "h3", enabled: true }))
    }
    expect(entered.body.policy.maintenance_hosts).toEqual(["h3"])
    expect(entered.body.drain?.decision.outcome).toBe("done")
    expect(cloud.vmsOn("h3")).toEqual([])
    const later = decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", underload))
    expect(later.decision.plan.migrations.some((m) => m.to === "h3")).toBe(false)
    expect(cloud.hosts.get("h3")!.power).toBe("active")
    const left = decode(MaintenanceView, await call(gm, "POST", "/v1/maintenance", { host: "h3", enabled: false }))
    expect(left.policy.maintenance_hosts).toEqual([])
    expect((await call(gm, "POST", "/v1/maintenance", { host: "nope", enabled: true })).status).toBe(422)
  })

  it("the migration cap defers what exceeds it within the interval", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const gm = await startGlobalManager(cloud, { max_migrations_per_interval: 2, migration_cap_interval: 3600 })
    const first = decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", underload))
    expect(first.decision.execution.migrations).toHaveLength(2)
    const second = decode(
      ReallocationView,
      await call(gm, "POST", "/v1/reallocations", { host: "h3", reason: "overload", vm_uuids: ["d"] })
    )
    expect(second.decision.status).toBe("deferred")
    expect(cloud.vmsOn("h3")).toEqual(["d", "e"])
  })
})
