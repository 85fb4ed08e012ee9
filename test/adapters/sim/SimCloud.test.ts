/** The simulated `Cloud`: what a control loop sees and what its actions do to the metrics. */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { hpProLiantMl110G4, powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { layer, SimCloudControl } from "../../../src/adapters/sim/SimCloud.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { Cloud } from "../../../src/core/Cloud.js"
import { g4, small } from "./tinyDatacenter.js"

const trace: Trace = {
  names: ["vm-a", "vm-b"],
  intervalSec: 300,
  samples: 4,
  cpu: Float64Array.of(0.5, 0.5, 0.5, 0.5, 0.2, 0.4, 0.6, 0.8)
}
const run = <A, E>(program: Effect.Effect<A, E, Cloud | SimCloudControl>) =>
  Effect.runPromise(
    Effect.either(Effect.provide(program, layer({ trace, hosts: 3, hostTypes: [g4], vmTypes: [small] })))
  )

describe("SimCloud", () => {
  it("shows hosts, VMs and histories, and advances one interval at a time", async () => {
    const result = await run(
      Effect.gen(function* () {
        const cloud = yield* Cloud
        const control = yield* SimCloudControl
        const hosts = yield* cloud.hosts
        expect(hosts.map((h) => [h.name, h.power, h.vms])).toEqual([
          ["host-0", "active", ["vm-a"]],
          ["host-1", "active", ["vm-b"]],
          ["host-2", "active", []]
        ])
        expect(yield* cloud.vmCpuHistory("vm-a", 5)).toEqual([])
        expect(yield* control.advance).toBe(true)
        expect(yield* control.advance).toBe(true)
        // Two updates: utilisation at 300.1 and 600.1 (interpolated), × 1000 MHz, oldest first.
        const history = yield* cloud.vmCpuHistory("vm-b", 5)
        expect(history).toHaveLength(2)
        expect(history[0]).toBeCloseTo(400 + (200 / 300) * 0.1, 9)
        expect(history[1]).toBeCloseTo(600 + (200 / 300) * 0.1, 9)
        expect(yield* cloud.hostCpuHistory("host-0", 1)).toEqual([500])
        expect(yield* control.advance).toBe(true)
        expect(yield* control.advance).toBe(false)
        return yield* cloud.vmCpuHistory("nobody", 1)
      })
    )
    expect(Either.isLeft(result) && result.left._tag).toBe("UnknownVm")
  })

  it("migrates, suspends and wakes; failed actions are outcomes or tagged errors", async () => {
    const result = await run(
      Effect.gen(function* () {
        const cloud = yield* Cloud
        const control = yield* SimCloudControl
        yield* control.advance
        yield* cloud.suspendHost("host-2")
        const outcomes = yield* cloud.migrate([
          { vm: "vm-a", from: "host-0", to: "host-1" },
          { vm: "vm-b", from: "host-0", to: "host-2" }
        ])
        // The second names the wrong source: an outcome, in input order; the first still runs.
        expect(outcomes.map((o) => o._tag)).toEqual(["Migrated", "MigrationFailed"])
        const migrated = outcomes.find((o) => o._tag === "Migrated")
        expect(migrated?._tag === "Migrated" && migrated.seconds).toBe(16)
        yield* cloud.suspendHost("host-0")
        const hosts = yield* cloud.hosts
        expect(hosts.map((h) => [h.power, h.vms.length])).toEqual([
          ["suspended", 0],
          ["active", 2],
          ["suspended", 0]
        ])
        const refused = yield* Effect.either(cloud.suspendHost("host-1"))
        expect(Either.isLeft(refused) && refused.left._tag).toBe("CloudActionError")
        yield* cloud.wakeHost("host-2")
        while (yield* control.advance) {}
        return yield* control.result
      })
    )
    if (Either.isLeft(result)) throw new Error(String(result.left))
    const { metrics, timeline } = result.right
    expect(metrics.migrations).toBe(1)
    expect(metrics.meanTimeBeforeMigrationSec).toBeCloseTo(16, 9)
    expect(Array.from(timeline.migrations)).toEqual([1, 0, 0])
    // host-1 runs both VMs from 316.1 s on, and the woken, empty host-2 still draws idle power:
    // more than one host idling for the 600 s.
    const idleOnly = (powerAt(hpProLiantMl110G4, 0) * 600) / 3.6e6
    expect(metrics.energyKwh).toBeGreaterThan(idleOnly)
  })
})
