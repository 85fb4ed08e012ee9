import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer, TestClock } from "effect"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import {
  budgetLimit,
  type DisruptionBudget,
  parseDisruptionBudget
} from "../../../src/core/control/DisruptionBudget.js"
import { type DisruptionSchedule, noSchedule, scheduleState } from "../../../src/core/control/DisruptionSchedule.js"
import { defaultPlanningOptions } from "../../../src/core/control/GlobalPlanning.js"
import { parseWindows, type TimeWindow } from "../../../src/core/control/MaintenanceWindows.js"
import { noPolicy } from "../../../src/core/control/OperatorPolicy.js"
import { type GlobalOptions, reallocate } from "../../../src/core/control/Reallocate.js"
import type { ReallocationRequest } from "../../../src/core/control/ReallocationRequest.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { fiveHostSetup, fourHostSetup } from "../../support/cloudFixtures.js"
import { type CloudSetup, InMemoryCloud } from "../../support/InMemoryCloud.js"

const placer = bestFitDecreasing()
const underload: ReallocationRequest = { host: "h1", reason: "underload", vmUuids: [] }
const overload: ReallocationRequest = { host: "h3", reason: "overload", vmUuids: ["d", "e"] }

const windows = (text: string): ReadonlyArray<TimeWindow> => Either.getOrThrow(parseWindows(text))
const budget = (text: string): DisruptionBudget => Either.getOrThrow(parseDisruptionBudget(text))!
const schedule = (overrides: Partial<DisruptionSchedule>): DisruptionSchedule => ({ ...noSchedule, ...overrides })

/** A request handled at `atMs` (the test clock's time) under `withSchedule`. */
const run = (
  cloud: InMemoryCloud,
  request: ReallocationRequest,
  withSchedule: DisruptionSchedule,
  atMs: number,
  extra: Partial<GlobalOptions> = {}
) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(atMs)
    const options = { ...defaultPlanningOptions, vmHistoryLength: 10, ...extra }
    const result = yield* reallocate(request, placer, null, {
      ...options,
      policy: { ...noPolicy, schedule: withSchedule }
    })
    return result.decision
  }).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))

// 2026-12-07 is a Monday.
const mondayNoon = Date.UTC(2026, 11, 7, 12)
const mondayEvening = Date.UTC(2026, 11, 7, 19)
const officeHours = schedule({ blackouts: windows("0 8 * * 1-5 10h") })

describe("blackouts", () => {
  it.effect("hold an underload's migrations and suspensions, recorded with the window and its end", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const held = yield* run(cloud, underload, officeHours, mondayNoon)
      assert.strictEqual(held.status, "blackout")
      assert.strictEqual(held.outcome, "skipped")
      assert.deepStrictEqual(held.plan, { migrations: [], wake: [], suspend: [] })
      assert.match(
        held.detail,
        /^blackout '0 8 \* \* 1-5 10h' until 2026-12-07 18:00Z: 2 migrations and 2 suspensions held/
      )
      assert.deepStrictEqual(cloud.actions, [])
      assert.deepStrictEqual(cloud.vmsOn("h1"), ["a", "b"])
      // After the blackout the same request executes.
      const later = yield* run(cloud, underload, officeHours, mondayEvening)
      assert.strictEqual(later.outcome, "done")
      assert.deepStrictEqual(cloud.vmsOn("h1"), [])
      assert.strictEqual(cloud.hosts.get("h1")!.power, "suspended")
    })
  )

  it.effect("hold an overload's migrations but still wake the host it needs, in both modes", () =>
    Effect.gen(function* () {
      // h1 and h2 are nearly full: h3's VMs need the suspended h4.
      const full = (): CloudSetup => ({
        hosts: fourHostSetup().hosts,
        vms: [
          { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [700] },
          { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [700] },
          { uuid: "d", host: "h3", ramMb: 512, cpuMhz: [500] },
          { uuid: "e", host: "h3", ramMb: 512, cpuMhz: [450] }
        ]
      })
      const unrestricted = yield* run(new InMemoryCloud(full()), overload, noSchedule, mondayNoon, {
        mode: "recommend"
      })
      assert.deepStrictEqual(unrestricted.plan.wake, ["h4"])
      assert.isAbove(unrestricted.plan.migrations.length, 0)
      const cloud = new InMemoryCloud(full())
      const held = yield* run(cloud, overload, officeHours, mondayNoon)
      assert.strictEqual(held.status, "blackout")
      assert.deepStrictEqual(held.plan.migrations, [])
      assert.deepStrictEqual(held.plan.wake, ["h4"])
      assert.match(held.detail, /migrations? held; waking h4 so that capacity is ready/)
      assert.strictEqual(cloud.hosts.get("h4")!.power, "active")
      assert.deepStrictEqual(cloud.vmsOn("h3"), ["d", "e"])
      const recommended = yield* run(new InMemoryCloud(full()), overload, officeHours, mondayNoon, {
        mode: "recommend"
      })
      assert.strictEqual(recommended.outcome, "recommended")
      assert.deepStrictEqual(recommended.plan, { migrations: [], wake: ["h4"], suspend: [] })
    })
  )

  it.effect("a plan of wakes alone, or nothing, is not held", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud({ ...fiveHostSetup(), vms: fiveHostSetup().vms.filter((vm) => vm.host !== "h1") })
      const nothing = yield* run(cloud, { host: "h2", reason: "overload", vmUuids: [] }, officeHours, mondayNoon)
      assert.notStrictEqual(nothing.status, "blackout")
    })
  )
})

describe("maintenance windows", () => {
  const nightly = schedule({ maintenanceWindows: windows("0 2 * * * 2h") })

  it.effect("outside them a plan is only recommended; inside one it executes", () =>
    Effect.gen(function* () {
      const cloud = new InMemoryCloud(fiveHostSetup())
      const outside = yield* run(cloud, underload, nightly, mondayNoon)
      assert.strictEqual(outside.outcome, "recommended")
      assert.strictEqual(outside.status, "planned")
      assert.match(outside.detail, /outside the maintenance windows \(the next opens 2026-12-08 02:00Z\): recommended/)
      assert.deepStrictEqual(cloud.actions, [])
      const inside = yield* run(cloud, underload, nightly, Date.UTC(2026, 11, 8, 3))
      assert.strictEqual(inside.outcome, "done")
      assert.deepStrictEqual(cloud.vmsOn("h1"), [])
    })
  )

  it.effect("a blackout within an open maintenance window still holds", () =>
    Effect.gen(function* () {
      const both = schedule({ maintenanceWindows: windows("0 0 * * * 24h"), blackouts: windows("0 11 * * * 2h") })
      const cloud = new InMemoryCloud(fiveHostSetup())
      const held = yield* run(cloud, underload, both, mondayNoon)
      assert.strictEqual(held.status, "blackout")
      assert.deepStrictEqual(cloud.actions, [])
      const state = scheduleState(both, mondayNoon)
      assert.isFalse(state.disruptionAllowed)
      assert.strictEqual(state.blackouts.open[0]!.endMs, Date.UTC(2026, 11, 7, 13))
      assert.isTrue(scheduleState(both, mondayEvening).disruptionAllowed)
    })
  )
})

describe("the disruption budget", () => {
  it("reads a share or a count; a share of the hosts is rounded up", () => {
    assert.deepStrictEqual(parseDisruptionBudget("10%"), Either.right({ kind: "percent", value: 10, text: "10%" }))
    assert.deepStrictEqual(parseDisruptionBudget(" 3 "), Either.right({ kind: "count", value: 3, text: "3" }))
    assert.deepStrictEqual(parseDisruptionBudget(""), Either.right(undefined))
    assert.deepStrictEqual(parseDisruptionBudget("150%"), Either.left("'150%' is more than 100%"))
    assert.match(
      Either.getLeft(parseDisruptionBudget("-1")).pipe((left) => (left._tag === "Some" ? left.value : "")),
      /must be a share of the hosts such as 10%/
    )
    assert.strictEqual(budgetLimit(budget("10%"), 40), 4)
    assert.strictEqual(budgetLimit(budget("10%"), 41), 5)
    assert.strictEqual(budgetLimit(budget("10%"), 1), 1)
    assert.strictEqual(budgetLimit(budget("0%"), 40), 0)
    assert.strictEqual(budgetLimit(budget("2"), 40), 2)
  })

  it.effect("an underload's emptying is all or nothing; idle suspensions fill the room left", () =>
    Effect.gen(function* () {
      const unlimited = yield* run(new InMemoryCloud(fiveHostSetup()), underload, noSchedule, mondayNoon)
      const targets = new Set(unlimited.plan.migrations.map((migration) => migration.to))
      assert.deepStrictEqual([...targets], ["h2"])
      assert.deepStrictEqual(unlimited.plan.suspend, ["h1", "h5"])
      // Room for h1 and its target: the idle h5 stays up.
      const two = new InMemoryCloud(fiveHostSetup())
      const trimmed = yield* run(two, underload, schedule({ budget: budget("2") }), mondayNoon)
      assert.strictEqual(trimmed.status, "planned")
      assert.deepStrictEqual(trimmed.plan.suspend, ["h1"])
      assert.match(trimmed.detail, /disruption budget 2 \(2 of 5 hosts\): 1 suspension held/)
      assert.strictEqual(two.hosts.get("h5")!.power, "active")
      // Room for one host: the emptying waits, the idle host is suspended.
      const one = new InMemoryCloud(fiveHostSetup())
      const held = yield* run(one, underload, schedule({ budget: budget("20%") }), mondayNoon)
      assert.strictEqual(held.status, "disruptionBudget")
      assert.deepStrictEqual(held.plan, { migrations: [], wake: [], suspend: ["h5"] })
      assert.match(held.detail, /^disruption budget 20% \(1 of 5 hosts\): 2 migrations and 1 suspension held/)
      assert.deepStrictEqual(one.vmsOn("h1"), ["a", "b"])
    })
  )

  it.effect("counts hosts the cloud reports waking or suspending, and trims an overload to what fits", () =>
    Effect.gen(function* () {
      const busy = (): CloudSetup => {
        const setup = fourHostSetup()
        return {
          ...setup,
          hosts: [...setup.hosts, { name: "h6", cores: 1, mhzPerCore: 1000, ramMb: 4096, power: "suspending" }]
        }
      }
      const plain = yield* run(new InMemoryCloud(busy()), overload, noSchedule, mondayNoon, { mode: "recommend" })
      assert.strictEqual(plain.plan.migrations.length, 2)
      const cloud = new InMemoryCloud(busy())
      // 60% of 5 hosts = 3, one already in disruption: room for h3 and one target.
      const trimmed = yield* run(cloud, overload, schedule({ budget: budget("60%") }), mondayNoon)
      assert.strictEqual(trimmed.plan.migrations.length, 1)
      assert.strictEqual(trimmed.status, "planned")
      assert.match(trimmed.detail, /disruption budget 60% \(3 of 5 hosts, 1 already in disruption\): 1 migration held/)
      assert.strictEqual(cloud.vmsOn("h3").length, 1)
      const none = yield* run(new InMemoryCloud(busy()), overload, schedule({ budget: budget("1") }), mondayNoon)
      assert.strictEqual(none.status, "disruptionBudget")
      assert.strictEqual(none.outcome, "skipped")
    })
  )
})

describe("blackout and budget together", () => {
  it.effect("a blackout's status stays when the budget then takes the wake it left", () =>
    Effect.gen(function* () {
      const full = (): CloudSetup => ({
        hosts: fourHostSetup().hosts,
        vms: [
          { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [700] },
          { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [700] },
          { uuid: "d", host: "h3", ramMb: 512, cpuMhz: [500] },
          { uuid: "e", host: "h3", ramMb: 512, cpuMhz: [450] }
        ]
      })
      const cloud = new InMemoryCloud(full())
      const both = schedule({ blackouts: windows("0 8 * * 1-5 10h"), budget: budget("0") })
      const held = yield* run(cloud, overload, both, mondayNoon)
      assert.strictEqual(held.status, "blackout")
      assert.deepStrictEqual(held.plan, { migrations: [], wake: [], suspend: [] })
      assert.match(held.detail, /^blackout .*; disruption budget 0 \(0 of 4 hosts\): 1 wake held$/)
      assert.strictEqual(cloud.hosts.get("h4")!.power, "suspended")
    })
  )
})
