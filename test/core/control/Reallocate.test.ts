import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { DecisionLog, makeMemoryDecisionLog } from "../../../src/core/control/DecisionLog.js"
import { defaultPlanningOptions } from "../../../src/core/control/GlobalPlanning.js"
import { type GlobalOptions, reallocate } from "../../../src/core/control/Reallocate.js"
import type { ReallocationRequest } from "../../../src/core/control/ReallocationRequest.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { fiveHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const options: GlobalOptions = { ...defaultPlanningOptions, vmHistoryLength: 10 }
const spec = { cores: 1, mhzPerCore: 1000, ramMb: 4096 }
const placer = bestFitDecreasing()

const run = (cloud: InMemoryCloud, request: ReallocationRequest) =>
  Effect.gen(function* () {
    const result = yield* reallocate(request, placer, placer.initialState, options)
    const log = yield* DecisionLog
    return { ...result, migrations: yield* log.selectVmMigrations(100), states: yield* log.selectHostStates }
  }).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))

describe("reallocate", () => {
  it.effect("empties an underloaded host, suspends it and the idle hosts, and records everything", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const { decision, migrations, states } = yield* run(cloud, { host: "h1", reason: "underload", vmUuids: [] })
      assert.strictEqual(decision.outcome, "done")
      assert.deepStrictEqual(cloud.vmsOn("h1"), [])
      assert.strictEqual(cloud.hosts.get("h1")!.power, "suspended")
      assert.strictEqual(cloud.hosts.get("h5")!.power, "suspended")
      assert.strictEqual(cloud.hosts.get("h4")!.power, "suspended")
      assert.deepStrictEqual(decision.plan.wake, [])
      assert.deepStrictEqual(migrations.map((m) => m.vm).sort(), ["a", "b"])
      assert.deepStrictEqual(states, { h1: 0, h5: 0 })
      assert.strictEqual(decision.id, 1)
    })
  )

  it.effect("moves nothing from an underloaded host whose VMs do not all fit", () =>
    Effect.gen(function* () {
      const base = fiveHostSetup()
      const cloud = new InMemoryCloud({
        ...base,
        vms: base.vms.map((vm) => (vm.uuid === "a" ? { ...vm, cpuMhz: [700] } : vm))
      })
      const { decision } = yield* run(cloud, { host: "h1", reason: "underload", vmUuids: [] })
      assert.strictEqual(decision.status, "noFit")
      assert.deepStrictEqual(cloud.vmsOn("h1"), ["a", "b"])
      assert.strictEqual(cloud.hosts.get("h1")!.power, "active")
      assert.isFalse(cloud.actions.some((action) => action.startsWith("migrate")))
    })
  )

  it.effect("drops an underload request when a VM of the host has no data yet", () =>
    Effect.gen(function* () {
      const base = fiveHostSetup()
      const cloud = new InMemoryCloud({ ...base, vms: [...base.vms, { uuid: "new", host: "h1", ramMb: 256 }] })
      const { decision } = yield* run(cloud, { host: "h1", reason: "underload", vmUuids: [] })
      assert.strictEqual(decision.outcome, "skipped")
      assert.strictEqual(decision.status, "noData")
      assert.deepStrictEqual(cloud.actions, [])
    })
  )

  it.effect("never places on a host whose VMs have no data yet", () =>
    Effect.gen(function* () {
      const base = fiveHostSetup()
      const cloud = new InMemoryCloud({ ...base, vms: [...base.vms, { uuid: "new", host: "h2", ramMb: 256 }] })
      const { decision } = yield* run(cloud, { host: "h1", reason: "underload", vmUuids: [] })
      assert.isFalse(Object.values(decision.placement).includes("h2"))
    })
  )

  it.effect("moves the selected VMs of an overloaded host, waking a suspended host when needed", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud({
        hosts: [
          { name: "h1", ...spec },
          { name: "h2", ...spec },
          { name: "h3", ...spec, power: "suspended" }
        ],
        vms: [
          { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [600] },
          { uuid: "b", host: "h1", ramMb: 512, cpuMhz: [500] },
          { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [800] }
        ]
      })
      const { decision, states } = yield* run(cloud, { host: "h1", reason: "overload", vmUuids: ["a"] })
      assert.strictEqual(decision.outcome, "done")
      assert.deepStrictEqual(decision.plan.wake, ["h3"])
      assert.deepStrictEqual(cloud.vmsOn("h3"), ["a"])
      assert.deepStrictEqual(states, { h3: 1 })
      assert.deepStrictEqual(cloud.actions, ["wake h3", "migrate a h1->h3"])
    })
  )

  it.effect("leaves out VMs deleted meanwhile and skips when none is left", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      cloud.deleteVm("d")
      const first = yield* run(cloud, { host: "h3", reason: "overload", vmUuids: ["d", "e"] })
      assert.deepStrictEqual(first.decision.inputs.vmsToPlace, ["e"])
      cloud.deleteVm("e")
      const second = yield* run(cloud, { host: "h3", reason: "overload", vmUuids: ["e"] })
      assert.strictEqual(second.decision.status, "noVms")
    })
  )

  it.effect("does nothing for a host that vanished or is not active", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      cloud.removeHost("h2")
      const gone = yield* run(cloud, { host: "h2", reason: "underload", vmUuids: [] })
      assert.strictEqual(gone.decision.status, "unknownHost")
      const asleep = yield* run(cloud, { host: "h4", reason: "underload", vmUuids: [] })
      assert.strictEqual(asleep.decision.status, "hostNotActive")
    })
  )

  it.effect("records a failed migration and keeps the source host awake", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      cloud.failMigrationsTo.add("h2")
      cloud.failMigrationsTo.add("h3")
      const { decision, migrations } = yield* run(cloud, { host: "h1", reason: "underload", vmUuids: [] })
      assert.strictEqual(decision.outcome, "partial")
      assert.strictEqual(cloud.hosts.get("h1")!.power, "active")
      assert.deepStrictEqual(migrations, [])
      assert.isTrue(decision.execution.suspendFailures.some((failure) => failure.host === "h1"))
    })
  )

  it.effect("records a wake failure and does not migrate to that host", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud({
        hosts: [
          { name: "h1", ...spec },
          { name: "h2", ...spec, power: "suspended" }
        ],
        vms: [
          { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [600] },
          { uuid: "b", host: "h1", ramMb: 512, cpuMhz: [500] }
        ]
      })
      cloud.failWake.add("h2")
      const { decision } = yield* run(cloud, { host: "h1", reason: "overload", vmUuids: ["a"] })
      assert.strictEqual(decision.outcome, "partial")
      assert.strictEqual(decision.execution.wakeFailures[0]?.host, "h2")
      assert.deepStrictEqual(cloud.vmsOn("h1"), ["a", "b"])
    })
  )

  it.effect("turns an unreachable cloud into a failed decision", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      cloud.unreachable = true
      const { decision } = yield* run(cloud, { host: "h1", reason: "underload", vmUuids: [] })
      assert.strictEqual(decision.outcome, "failed")
      assert.include(decision.detail, "cloud unreachable")
    })
  )
})

describe("the in-memory decision log", () => {
  it.effect("keeps the newest rows up to its capacity while ids keep counting", () =>
    Effect.gen(function* () {
      const log = yield* makeMemoryDecisionLog(10)
      const cloud = new InMemoryCloud(fiveHostSetup())
      const decision = (yield* reallocate(
        { host: "ghost", reason: "underload", vmUuids: [] },
        placer,
        null,
        options
      ).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))).decision
      for (let i = 0; i < 25; i++) yield* log.insertDecision(decision)
      const kept = yield* log.selectDecisions(100)
      assert.isAtMost(kept.length, 11)
      assert.strictEqual(kept[kept.length - 1]!.id, 25)
    })
  )
})
