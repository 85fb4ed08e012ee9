import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { executeApproved } from "../../../src/core/control/Approval.js"
import { takeSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { defaultPlanningOptions } from "../../../src/core/control/GlobalPlanning.js"
import { noPolicy, type OperatorPolicy } from "../../../src/core/control/OperatorPolicy.js"
import { fingerprintOf, selectActions, staleReason } from "../../../src/core/control/PendingPlan.js"
import { type GlobalOptions, reallocate } from "../../../src/core/control/Reallocate.js"
import type { ReallocationRequest } from "../../../src/core/control/ReallocationRequest.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { fiveHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const placer = bestFitDecreasing()

const underload: ReallocationRequest = { host: "h1", reason: "underload", vmUuids: [] }
const policy = (overrides: Partial<OperatorPolicy>): OperatorPolicy => ({ ...noPolicy, ...overrides })

const run = (cloud: InMemoryCloud, request: ReallocationRequest, extra: Partial<GlobalOptions> = {}) =>
  reallocate(request, placer, null, { ...defaultPlanningOptions, vmHistoryLength: 10, ...extra }).pipe(
    Effect.map((result) => result.decision),
    Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory))
  )

describe("operator policy", () => {
  it.effect("an excluded VM keeps its host from being emptied; idle hosts may still be suspended", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const decision = yield* run(cloud, underload, { policy: policy({ excludedVms: new Set(["a"]) }) })
      assert.strictEqual(decision.status, "excluded")
      assert.match(decision.detail, /VMs a are excluded/)
      assert.deepStrictEqual(decision.plan.migrations, [])
      assert.deepStrictEqual(decision.plan.suspend, ["h5"])
      assert.deepStrictEqual(cloud.vmsOn("h1"), ["a", "b"])
      assert.strictEqual(cloud.hosts.get("h1")!.power, "active")
    })
  )

  it.effect("an excluded host is never a target, never suspended, and its requests do nothing", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const own = yield* run(cloud, underload, { policy: policy({ excludedHosts: new Set(["h1"]) }) })
      assert.strictEqual(own.status, "excluded")
      assert.deepStrictEqual(cloud.actions, [])
      const other = yield* run(cloud, underload, { policy: policy({ excludedHosts: new Set(["h3", "h5"]) }) })
      assert.strictEqual(other.outcome, "done")
      assert.isTrue(other.plan.migrations.every((migration) => migration.to === "h2"))
      assert.deepStrictEqual(other.plan.suspend, ["h1"])
      assert.strictEqual(cloud.hosts.get("h5")!.power, "active")
    })
  )

  it.effect("maintenance drains a host onto others (waking one if needed) and keeps it empty and running", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const maintenance = policy({ maintenanceHosts: new Set(["h3"]) })
      const drain = yield* run(cloud, { host: "h3", reason: "overload", vmUuids: ["d", "e"] }, { policy: maintenance })
      assert.strictEqual(drain.outcome, "done")
      assert.deepStrictEqual(cloud.vmsOn("h3"), [])
      assert.strictEqual(cloud.hosts.get("h3")!.power, "active")
      // Later rounds never place on it nor suspend it.
      const later = yield* run(cloud, underload, { policy: maintenance })
      assert.isFalse(later.plan.migrations.some((migration) => migration.to === "h2"))
      assert.notInclude(later.plan.suspend, "h3")
      assert.deepStrictEqual(cloud.vmsOn("h3"), [])
    })
  )

  it.effect("keeps the minimum of active spare hosts by dropping suspensions", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const decision = yield* run(cloud, underload, { policy: policy({ minSpareHosts: 1 }) })
      assert.deepStrictEqual(decision.plan.suspend, ["h1"])
      assert.match(decision.detail, /h5 kept active as spare \(minimum 1\)/)
      assert.strictEqual(cloud.hosts.get("h5")!.power, "active")
      const two = new InMemoryCloud(fiveHostSetup())
      const both = yield* run(two, underload, { policy: policy({ minSpareHosts: 2 }) })
      assert.deepStrictEqual(both.plan.suspend, [])
      assert.deepStrictEqual(two.vmsOn("h1"), [])
    })
  )

  it.effect("the migration cap defers an underload whole and trims an overload", () =>
    Effect.gen(function* () {
      const capped = policy({ maxMigrationsPerInterval: 3 })
      const cloud = new InMemoryCloud(fiveHostSetup())
      const deferred = yield* run(cloud, underload, { policy: capped, recentMigrations: 2 })
      assert.strictEqual(deferred.status, "deferred")
      assert.deepStrictEqual(deferred.plan.migrations, [])
      assert.notInclude(deferred.plan.suspend, "h1")
      assert.deepStrictEqual(cloud.vmsOn("h1"), ["a", "b"])
      const overload = { host: "h3", reason: "overload" as const, vmUuids: ["d", "e"] }
      const trimmed = yield* run(cloud, overload, { policy: capped, recentMigrations: 2 })
      assert.strictEqual(trimmed.plan.migrations.length, 1)
      assert.match(trimmed.detail, /1 of 2 migrations left out/)
    })
  )
})

describe("recommend-only mode and approvals", () => {
  it.effect("records the plan without touching the cloud", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const decision = yield* run(cloud, underload, { mode: "recommend" })
      assert.strictEqual(decision.outcome, "recommended")
      assert.strictEqual(decision.plan.migrations.length, 2)
      assert.deepStrictEqual(decision.execution.migrations, [])
      assert.deepStrictEqual(cloud.actions, [])
    })
  )

  it.effect("an approved plan executes; a plan whose hosts changed expires", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const layer = Layer.merge(cloud.layer, DecisionLog.memory)
      const outcome = yield* Effect.gen(function* () {
        const { decision } = yield* reallocate(underload, placer, null, {
          ...defaultPlanningOptions,
          vmHistoryLength: 10,
          mode: "recommend"
        })
        const before = yield* takeSnapshot({ historyLength: 1 })
        const subject = { decision, fingerprint: fingerprintOf(decision.plan, before), createdAtMs: Date.now() }
        const invalid = yield* executeApproved(subject, { migrations: ["zzz"] }, before, 60)
        const approved = yield* executeApproved(subject, {}, before, 60)
        const after = yield* takeSnapshot({ historyLength: 1 })
        const again = yield* executeApproved(subject, {}, after, 60)
        return { invalid, approved, again }
      }).pipe(Effect.provide(layer))
      assert.strictEqual(outcome.invalid._tag, "Invalid")
      assert.strictEqual(outcome.approved._tag, "Executed")
      assert.deepStrictEqual(cloud.vmsOn("h1"), [])
      assert.strictEqual(cloud.hosts.get("h1")!.power, "suspended")
      assert.strictEqual(outcome.again._tag, "Expired")
      if (outcome.again._tag === "Expired") assert.match(outcome.again.reason, /VM [ab] was on h1/)
    })
  )

  it("staleness: age limit, a host's power change, and partial selections stay consistent", () => {
    const plan = {
      migrations: [
        { vm: "a", from: "h1", to: "h4" },
        { vm: "b", from: "h1", to: "h2" }
      ],
      wake: ["h4"],
      suspend: ["h1"]
    }
    const cloud = new InMemoryCloud(fiveHostSetup())
    const snapshot = Effect.runSync(takeSnapshot({ historyLength: 1 }).pipe(Effect.provide(cloud.layer)))
    const fingerprint = fingerprintOf(plan, snapshot)
    assert.isUndefined(staleReason(fingerprint, 0, snapshot, 1000, 60))
    assert.match(staleReason(fingerprint, 0, snapshot, 61_000, 60)!, /older than 60 s/)
    const woken = {
      ...snapshot,
      hosts: snapshot.hosts.map((h) => (h.name === "h4" ? { ...h, power: "active" as const } : h))
    }
    assert.match(staleReason(fingerprint, 0, woken, 1000, 60)!, /host h4 was suspended and is now active/)
    const onlyB = selectActions(plan, { migrations: ["b"] })
    assert.deepStrictEqual(onlyB.plan, { migrations: [{ vm: "b", from: "h1", to: "h2" }], wake: [], suspend: [] })
    const onlyA = selectActions(plan, { migrations: ["a"], wake: [] })
    assert.deepStrictEqual(onlyA.plan.wake, ["h4"])
    assert.deepStrictEqual(selectActions(plan, { suspend: ["h9"] }).unknown, ["h9"])
  })
})
