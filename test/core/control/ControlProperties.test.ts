import { Effect, Layer } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { applyExecution, takeSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { controlStep, initialControlState } from "../../../src/core/control/ControlStep.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { defaultPlanningOptions, planReallocation } from "../../../src/core/control/GlobalPlanning.js"
import { reallocate, reallocateOn } from "../../../src/core/control/Reallocate.js"
import type { ReallocationRequest } from "../../../src/core/control/ReallocationRequest.js"
import { bestFitDecreasing, busiestVm, overloadAbove, underloadBelow } from "../../support/algorithms.js"
import { type CloudSetup, InMemoryCloud } from "../../support/InMemoryCloud.js"
import { randomCloud } from "../../support/randomCloud.js"

/** A random cloud: up to 8 hosts in any power state, up to 16 VMs on the active ones, some without data. */
const cloudSetup = randomCloud({
  minHosts: 1,
  maxHosts: 8,
  maxVms: 16,
  maxVmMhz: 1200,
  hostSpeed: () => ({ mhzPerCore: 1000, ownCpuMhz: 50 })
})

const requestFor = (setup: CloudSetup): fc.Arbitrary<ReallocationRequest> =>
  fc.record({
    host: fc.constantFrom(...setup.hosts.map((host) => host.name), "ghost"),
    reason: fc.constantFrom("underload" as const, "overload" as const),
    vmUuids: fc.subarray([...setup.vms.map((vm) => vm.uuid), "deleted"])
  })

const scenario = cloudSetup.chain((setup) => requestFor(setup).map((request) => ({ setup, request })))
const options = { ...defaultPlanningOptions, vmHistoryLength: 3 }
const placer = bestFitDecreasing()

describe("control properties", () => {
  it("never migrates to a suspended, failed or unknown host unless the plan wakes it first", () => {
    fc.assert(
      fc.property(scenario, ({ setup, request }) => {
        const cloud = new InMemoryCloud(setup)
        const snapshot = Effect.runSync(takeSnapshot({ historyLength: 3 }).pipe(Effect.provide(cloud.layer)))
        const { plan } = planReallocation(snapshot, request, placer, null, options)
        const power = new Map(snapshot.hosts.map((host) => [host.name, host.power]))
        for (const host of plan.wake) expect(power.get(host)).toBe("suspended")
        for (const migration of plan.migrations) {
          expect(migration.to).not.toBe(migration.from)
          const target = power.get(migration.to)
          expect(target === "active" || (target === "suspended" && plan.wake.includes(migration.to))).toBe(true)
        }
        for (const host of plan.suspend) expect(power.get(host)).toBe("active")
      }),
      { numRuns: 300 }
    )
  })

  it("plans an underload all or nothing: every VM of the host leaves and the host sleeps, or none moves", () => {
    fc.assert(
      fc.property(scenario, ({ setup, request }) => {
        const cloud = new InMemoryCloud(setup)
        const snapshot = Effect.runSync(takeSnapshot({ historyLength: 3 }).pipe(Effect.provide(cloud.layer)))
        const underload = { ...request, reason: "underload" as const }
        const { plan } = planReallocation(snapshot, underload, placer, null, options)
        const resident = cloud.vmsOn(underload.host)
        if (plan.migrations.length > 0) {
          expect(plan.migrations.map((m) => m.vm).sort()).toEqual([...resident].sort())
          expect(plan.suspend).toContain(underload.host)
        } else if (resident.length > 0) {
          expect(plan.suspend).not.toContain(underload.host)
        }
        expect(plan.wake).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("loses no VM and leaves none on a sleeping host, whatever fails during execution", () => {
    const failures = fc.record({
      migrations: fc.subarray(["h0", "h1", "h2", "h3"]),
      wake: fc.subarray(["h0", "h1", "h2", "h3"]),
      suspend: fc.subarray(["h0", "h1"])
    })
    fc.assert(
      fc.property(scenario, failures, ({ setup, request }, fail) => {
        const cloud = new InMemoryCloud(setup)
        for (const host of fail.migrations) cloud.failMigrationsTo.add(host)
        for (const host of fail.wake) cloud.failWake.add(host)
        for (const host of fail.suspend) cloud.failSuspend.add(host)
        const before = [...cloud.vms.keys()].sort()
        const { decision } = Effect.runSync(
          reallocate(request, placer, null, options).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))
        )
        expect([...cloud.vms.keys()].sort()).toEqual(before)
        for (const vm of cloud.vms.values()) {
          const host = cloud.hosts.get(vm.host)
          expect(host).toBeDefined()
          expect(host!.power).toBe("active")
        }
        for (const host of decision.execution.suspended) expect(cloud.vmsOn(host)).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("updates a snapshot with an execution exactly as reading the cloud again would", () => {
    fc.assert(
      fc.property(scenario, fc.subarray(["h0", "h1", "h2"]), ({ setup, request }, refusing) => {
        const cloud = new InMemoryCloud(setup)
        for (const host of refusing) cloud.failMigrationsTo.add(host)
        const layer = Layer.merge(cloud.layer, DecisionLog.memory)
        const before = Effect.runSync(takeSnapshot({ historyLength: 3 }).pipe(Effect.provide(cloud.layer)))
        const result = Effect.runSync(reallocateOn(before, request, placer, null, options).pipe(Effect.provide(layer)))
        const after = Effect.runSync(takeSnapshot({ historyLength: 3 }).pipe(Effect.provide(cloud.layer)))
        const applied = applyExecution(before, result.decision.execution)
        const view = (snapshot: typeof before) =>
          snapshot.hosts.map((host) => `${host.name}:${host.power}:${[...host.vms].sort().join(",")}`)
        expect(view(applied)).toEqual(view(after))
        expect(view(result.snapshot ?? before)).toEqual(view(after))
        for (const [uuid, vm] of after.vms) expect(applied.vms.get(uuid)?.host).toBe(vm.host)
      }),
      { numRuns: 200 }
    )
  })

  it("runs rounds of the whole loop without losing VMs", () => {
    const algorithms = {
      underload: underloadBelow(0.3),
      overload: overloadAbove(0.8),
      selector: busiestVm,
      placer
    }
    fc.assert(
      fc.property(cloudSetup, (setup) => {
        const cloud = new InMemoryCloud(setup)
        const before = [...cloud.vms.keys()].sort()
        Effect.runSync(
          Effect.gen(function* () {
            let state = initialControlState(algorithms)
            for (let round = 0; round < 3; round++) state = (yield* controlStep(algorithms, state, options)).state
          }).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))
        )
        expect([...cloud.vms.keys()].sort()).toEqual(before)
        for (const vm of cloud.vms.values()) expect(cloud.hosts.get(vm.host)?.power).toBe("active")
      }),
      { numRuns: 100 }
    )
  })
})
