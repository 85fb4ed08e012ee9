/** The simulated `Cloud`: what a control loop sees and what its actions do to the metrics. */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { hpProLiantMl110G4, powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { makeNeatCloudView } from "../../../src/adapters/sim/policies/NeatCloudView.js"
import { layer, makeSimCloud, SimCloudControl, type SimCloudControlApi } from "../../../src/adapters/sim/SimCloud.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { Cloud, type CloudApi } from "../../../src/core/Cloud.js"
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

/** Runs `act` after the first update (300.1 s), then the trace to its end; the run's metrics. */
const runAfterFirstUpdate = async <E>(
  act: (cloud: CloudApi, control: SimCloudControlApi) => Effect.Effect<void, E>
) => {
  const result = await run(
    Effect.gen(function* () {
      const cloud = yield* Cloud
      const control = yield* SimCloudControl
      yield* control.advance
      yield* act(cloud, control)
      while (yield* control.advance) {}
      return yield* control.result
    })
  )
  if (Either.isLeft(result)) throw new Error(String(result.left))
  return result.right.metrics
}

/** kWh an empty G4 host draws over `seconds`. */
const idleKwh = (seconds: number) => (powerAt(hpProLiantMl110G4, 0) * seconds) / 3.6e6

describe("SimCloud migration timing", () => {
  // Both VMs have 1000 MB: a migration takes 1000 / 62.5 = 16 s. The last update is at 900.1 s.
  const migrateBoth = (cloud: CloudApi, suspend: boolean) =>
    Effect.gen(function* () {
      // Two requests of one interval, one after the other, as the global manager handles them.
      yield* cloud.migrate([{ vm: "vm-a", from: "host-0", to: "host-2" }])
      if (suspend) yield* cloud.suspendHost("host-0")
      yield* cloud.migrate([{ vm: "vm-b", from: "host-1", to: "host-2" }])
      if (suspend) yield* cloud.suspendHost("host-1")
    })

  it("starts every migration of an interval at the interval's instant and does not move time", async () => {
    const times: Array<number> = []
    const metrics = await runAfterFirstUpdate((cloud, control) =>
      Effect.gen(function* () {
        times.push(yield* control.timeSec)
        yield* migrateBoth(cloud, false)
        times.push(yield* control.timeSec)
        // The cloud shows the VMs on their target at once.
        const hosts = yield* cloud.hosts
        expect(hosts.map((h) => h.vms)).toEqual([[], [], ["vm-a", "vm-b"]])
        expect((yield* cloud.vms).map((vm) => vm.host)).toEqual(["host-2", "host-2"])
      })
    )
    expect(times).toEqual([300.1, 300.1])
    expect(metrics.migrations).toBe(2)
    expect(metrics.meanTimeBeforeMigrationSec).toBeCloseTo(16, 9)
  })

  it("switches a drained host off when its VMs have left, not before and not after", async () => {
    const awake = await runAfterFirstUpdate((cloud) => migrateBoth(cloud, false))
    const suspended = await runAfterFirstUpdate((cloud) => migrateBoth(cloud, true))
    // Both sources draw until both migrations end at 316.1 s (parallel, not one after the
    // other), then nothing: the difference is two idle hosts from 316.1 to 900.1 s.
    expect(awake.energyKwh - suspended.energyKwh).toBeCloseTo(2 * idleKwh(900.1 - 316.1), 9)
  })

  it("shows a host suspended while its VMs leave, and a wake cancels the suspension", async () => {
    const kept = await runAfterFirstUpdate((cloud) =>
      Effect.gen(function* () {
        yield* migrateBoth(cloud, true)
        const hosts = yield* cloud.hosts
        expect(hosts.map((h) => h.power)).toEqual(["suspended", "suspended", "active"])
        // A suspended (or still draining) host takes no VM.
        const refused = yield* cloud.migrate([{ vm: "vm-a", from: "host-2", to: "host-0" }])
        expect(refused.map((o) => o._tag)).toEqual(["MigrationFailed"])
        yield* cloud.wakeHost("host-0")
      })
    )
    const awake = await runAfterFirstUpdate((cloud) => migrateBoth(cloud, false))
    expect(awake.energyKwh - kept.energyKwh).toBeCloseTo(idleKwh(900.1 - 316.1), 9)
  })

  it("moves a VM again in the same interval once its first migration has ended", async () => {
    const metrics = await runAfterFirstUpdate((cloud) =>
      Effect.gen(function* () {
        const first = yield* cloud.migrate([{ vm: "vm-a", from: "host-0", to: "host-1" }])
        // The cloud already shows vm-a on host-1, so the next request moves it from there.
        const second = yield* cloud.migrate([{ vm: "vm-a", from: "host-1", to: "host-2" }])
        expect([...first, ...second].map((o) => o._tag)).toEqual(["Migrated", "Migrated"])
        const wrong = yield* cloud.migrate([{ vm: "vm-a", from: "host-1", to: "host-0" }])
        expect(wrong[0]?._tag === "MigrationFailed" && wrong[0].reason).toBe("the VM runs on host-2, not host-1")
        const hosts = yield* cloud.hosts
        expect(hosts.map((h) => h.vms)).toEqual([[], ["vm-b"], ["vm-a"]])
        yield* cloud.suspendHost("host-0")
      })
    )
    // Two migrations of 16 s, the second from 316.1 s: vm-a migrates from 300.1 to 332.1 s without a
    // break, which CloudSim's migration-time metric counts as one stretch.
    expect(metrics.migrations).toBe(2)
    expect(metrics.meanTimeBeforeMigrationSec).toBeCloseTo(32, 9)
  })
})

describe("SimCloud history reads", () => {
  const longTrace: Trace = {
    names: ["vm-a", "vm-b"],
    intervalSec: 300,
    samples: 8,
    cpu: Float64Array.of(0.11, 0.23, 0.37, 0.41, 0.53, 0.67, 0.71, 0.89, 0.5, 0.4, 0.3, 0.2, 0.1, 0.2, 0.3, 0.4)
  }
  const build = (vmHistoryLength: number) => {
    const built = Effect.runSync(
      makeSimCloud({ trace: longTrace, hosts: 3, hostTypes: [g4], vmTypes: [small], vmHistoryLength })
    )
    return { ...built, view: makeNeatCloudView(built.cloud, built.control) }
  }

  it("keeps the newest samples when the ring wraps, and tells the updates, sample count and newest sample", () => {
    const short = build(3)
    const long = build(100)
    expect(short.control.reads.vmCpuLatest("vm-a")).toBeUndefined()
    const someHost = Effect.runSync(short.cloud.hosts)[0]!.name
    expect(short.control.reads.hostCpuLatest(someHost)).toBeUndefined()
    for (let update = 1; Effect.runSync(short.view.advance); update++) {
      expect(Effect.runSync(long.view.advance)).toBe(true)
      const reads = short.control.reads
      expect(reads.updates()).toBe(update)
      expect(reads.vmCpuSampleCount()).toBe(Math.min(update, 3))
      for (const vm of longTrace.names) {
        const all = long.control.reads.vmCpuHistory(vm, Number.POSITIVE_INFINITY)!
        expect(reads.vmCpuHistory(vm, Number.POSITIVE_INFINITY)).toEqual(all.slice(-3))
        expect(reads.vmCpuHistory(vm, 2)).toEqual(all.slice(-2))
        expect(reads.vmCpuLatest(vm)).toBe(all[all.length - 1])
        // The view's whole-MHz histories, extended at each update, equal a fresh truncated read.
        const viewed = Effect.runSync(short.view.cloud.vmCpuHistory(vm, 100))
        expect(viewed).toEqual(all.slice(-3).map(Math.trunc))
      }
      for (const host of Effect.runSync(short.cloud.hosts)) {
        expect(reads.hostCpuLatest(host.name)).toBe(reads.hostCpuHistory(host.name, 100)!.at(-1))
      }
    }
    expect(short.control.reads.vmCpuLatest("nobody")).toBeUndefined()
    expect(short.control.reads.hostCpuLatest("nobody")).toBeUndefined()
  })
})
