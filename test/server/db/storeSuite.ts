/** The Store behaviour every backend must show; run on SQLite (memory, file) and PostgreSQL. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, type Layer, TestClock } from "effect"
import { Store } from "../../../src/server/db/Store.js"
import type { StoreError } from "../../../src/server/db/StoreError.js"

export interface StoreBackend {
  readonly name: string
  /** A layer over an empty store (a fresh database, or reset tables). */
  readonly layer: () => Layer.Layer<Store, StoreError>
}

const vm1 = "11111111-1111-1111-1111-111111111111"
const vm2 = "22222222-2222-2222-2222-222222222222"
const vm3 = "33333333-3333-3333-3333-333333333333"

export const storeSuite = (backend: StoreBackend) =>
  describe(`Store on ${backend.name}`, () => {
    const test = (name: string, body: Effect.Effect<void, unknown, Store>) =>
      it.effect(name, () => body.pipe(Effect.provide(backend.layer())))

    test(
      "keeps the last n CPU values of a VM, oldest first",
      Effect.gen(function* () {
        const store = yield* Store
        for (const mhz of [100, 200, 300, 400]) yield* store.insertVmCpuMhz({ [vm1]: mhz, [vm2]: mhz + 1 })
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(vm1, 3), [200, 300, 400])
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(vm2, 10), [101, 201, 301, 401])
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(vm3, 10), [])
        assert.deepStrictEqual(yield* store.selectLastCpuMhzForVms(), { [vm1]: 400, [vm2]: 401 })
      })
    )

    test(
      "selects the last n values of many VMs in one call",
      Effect.gen(function* () {
        const store = yield* Store
        for (const mhz of [1, 2, 3]) yield* store.insertVmCpuMhz({ [vm1]: mhz * 10, [vm2]: mhz * 100 })
        yield* store.selectVmId(vm3)
        assert.deepStrictEqual(yield* store.selectCpuMhzForVms([vm1, vm2, vm3, "unknown"], 2), {
          [vm1]: [20, 30],
          [vm2]: [200, 300],
          [vm3]: [],
          unknown: []
        })
        assert.deepStrictEqual(yield* store.selectCpuMhzForVms([vm1], 0), { [vm1]: [] })
        assert.deepStrictEqual(yield* store.selectCpuMhzForVms([], 5), {})
        const many = Array.from({ length: 1200 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`)
        yield* store.insertVmCpuMhz(Object.fromEntries(many.map((uuid, i) => [uuid, i])))
        const values = yield* store.selectCpuMhzForVms(many, 3)
        assert.strictEqual(Object.keys(values).length, 1200)
        assert.deepStrictEqual(values[many[1199]!], [1199])
      })
    )

    test(
      "registers a VM and a host once under concurrent writers",
      Effect.gen(function* () {
        const store = yield* Store
        const ids = yield* Effect.all(
          Array.from({ length: 20 }, () => store.selectVmId(vm1)),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(new Set(ids).size, 1)
        yield* Effect.all(
          Array.from({ length: 20 }, (_, i) => store.insertVmCpuMhz({ [vm2]: i })),
          { concurrency: "unbounded" }
        )
        assert.strictEqual((yield* store.selectCpuMhzForVm(vm2, 100)).length, 20)
        const hostIds = yield* Effect.all(
          Array.from({ length: 10 }, (_, i) => store.updateHost("compute1", 1000 + i, 2, 4096)),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(new Set(hostIds).size, 1)
        assert.deepStrictEqual(Object.keys(yield* store.selectHostIds()), ["compute1"])
      })
    )

    test(
      "registers a VM once and reports 0 MHz for a VM without data",
      Effect.gen(function* () {
        const store = yield* Store
        const id = yield* store.selectVmId(vm3)
        assert.strictEqual(yield* store.selectVmId(vm3), id)
        assert.strictEqual(typeof id, "number")
        assert.deepStrictEqual(yield* store.selectLastCpuMhzForVms(), { [vm3]: 0 })
        yield* store.insertVmCpuMhz({})
      })
    )

    test(
      "upserts hosts and reports their characteristics",
      Effect.gen(function* () {
        const store = yield* Store
        const a = yield* store.updateHost("compute1", 3000, 2, 4096)
        const b = yield* store.updateHost("compute2", 6000, 4, 8192)
        assert.strictEqual(yield* store.updateHost("compute1", 3200, 2, 2048), a)
        assert.deepStrictEqual(yield* store.selectHostIds(), { compute1: a, compute2: b })
        assert.strictEqual(yield* store.selectHostId("compute2"), b)
        assert.deepStrictEqual(yield* store.selectHostCharacteristics(), {
          cpuMhz: { compute1: 3200, compute2: 6000 },
          cpuCores: { compute1: 2, compute2: 4 },
          ram: { compute1: 2048, compute2: 8192 }
        })
        const missing = yield* Effect.flip(store.selectHostId("compute9"))
        assert.strictEqual(missing._tag, "UnknownHost")
      })
    )

    test(
      "keeps host CPU history and the last value of every host",
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.updateHost("compute1", 3000, 2, 4096)
        yield* store.updateHost("compute2", 3000, 2, 4096)
        for (const mhz of [10, 20, 30]) yield* store.insertHostCpuMhz("compute1", mhz)
        assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute1", 2), [20, 30])
        assert.deepStrictEqual(yield* store.selectLastCpuMhzForHosts(), { compute1: 30, compute2: 0 })
        const unknown = yield* Effect.flip(store.insertHostCpuMhz("compute9", 1))
        assert.strictEqual(unknown._tag, "UnknownHost")
      })
    )

    test(
      "tracks host states, active by default",
      Effect.gen(function* () {
        const store = yield* Store
        for (const host of ["compute1", "compute2", "compute3"]) yield* store.updateHost(host, 3000, 2, 4096)
        assert.deepStrictEqual(yield* store.selectActiveHosts(), ["compute1", "compute2", "compute3"])
        yield* store.insertHostStates({ compute1: 0, compute2: 1 })
        yield* store.insertHostStates({ compute2: 0 })
        yield* store.insertHostStates({ compute1: 1 })
        assert.deepStrictEqual(yield* store.selectHostStates(), { compute1: 1, compute2: 0, compute3: 1 })
        assert.deepStrictEqual(yield* store.selectActiveHosts(), ["compute1", "compute3"])
        assert.deepStrictEqual(yield* store.selectInactiveHosts(), ["compute2"])
        const unknown = yield* Effect.flip(store.insertHostStates({ compute1: 0, compute9: 0 }))
        assert.strictEqual(unknown._tag, "UnknownHost")
        // Nothing of the failed batch was written.
        assert.deepStrictEqual(yield* store.selectInactiveHosts(), ["compute2"])
      })
    )

    test(
      "logs host overloads with the clock's time",
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.updateHost("compute1", 3000, 2, 4096)
        yield* TestClock.setTime(Date.parse("2026-01-02T03:04:05.000Z"))
        yield* store.insertHostOverload("compute1", true)
        yield* TestClock.adjust("5 minutes")
        yield* store.insertHostOverload("compute1", false)
        const log = yield* store.selectHostOverloads("compute1")
        assert.deepStrictEqual(
          log.map((entry) => [entry.overload, entry.timestamp.toISOString()]),
          [
            [true, "2026-01-02T03:04:05.000Z"],
            [false, "2026-01-02T03:09:05.000Z"]
          ]
        )
      })
    )

    test(
      "records migrations and lists them newest first with filters",
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.updateHost("compute1", 3000, 2, 4096)
        yield* store.updateHost("compute2", 3000, 2, 4096)
        yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00.000Z"))
        yield* store.insertVmMigration(vm1, "compute1")
        yield* TestClock.adjust("1 minute")
        yield* store.insertVmMigration(vm2, "compute2")
        yield* TestClock.adjust("1 minute")
        yield* store.insertVmMigration(vm1, "compute2")
        const all = yield* store.listMigrations()
        assert.deepStrictEqual(
          all.map((m) => [m.vm, m.host]),
          [
            [vm1, "compute2"],
            [vm2, "compute2"],
            [vm1, "compute1"]
          ]
        )
        assert.strictEqual(all[0]?.timestamp.toISOString(), "2026-01-01T00:02:00.000Z")
        assert.deepStrictEqual(
          (yield* store.listMigrations({ vm: vm1 })).map((m) => m.host),
          ["compute2", "compute1"]
        )
        assert.deepStrictEqual(
          (yield* store.listMigrations({ host: "compute2", limit: 1 })).map((m) => m.vm),
          [vm1]
        )
        assert.deepStrictEqual(
          (yield* store.listMigrations({ host: "compute2", offset: 1 })).map((m) => m.vm),
          [vm2]
        )
        const since = new Date("2026-01-01T00:01:00.000Z")
        assert.strictEqual((yield* store.listMigrations({ since })).length, 2)
        assert.strictEqual((yield* store.listMigrations({ until: since })).length, 1)
        assert.strictEqual(yield* store.countMigrations({ host: "compute2" }), 2)
        assert.strictEqual(yield* store.countMigrations(), 3)
        const unknown = yield* Effect.flip(store.insertVmMigration(vm3, "compute9"))
        assert.strictEqual(unknown._tag, "UnknownHost")
      })
    )

    test(
      "deletes usage rows older than a threshold and keeps the rest",
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.updateHost("compute1", 3000, 2, 4096)
        yield* TestClock.setTime(Date.parse("2026-03-01T00:00:00.000Z"))
        yield* store.insertVmCpuMhz({ [vm1]: 1, [vm2]: 1 })
        yield* store.insertHostCpuMhz("compute1", 1)
        yield* TestClock.adjust("2 hours")
        yield* store.insertVmCpuMhz({ [vm1]: 2 })
        yield* store.insertHostCpuMhz("compute1", 2)
        const threshold = new Date("2026-03-01T01:00:00.000Z")
        assert.strictEqual(yield* store.cleanupVmResourceUsage(threshold), 2)
        assert.strictEqual(yield* store.cleanupHostResourceUsage(threshold), 1)
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(vm1, 10), [2])
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(vm2, 10), [])
        assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute1", 10), [2])
        assert.strictEqual(yield* store.cleanupVmResourceUsage(threshold), 0)
      })
    )

    test(
      "records decisions with their JSON documents and pages through them",
      Effect.gen(function* () {
        const store = yield* Store
        const base = Date.parse("2026-04-01T00:00:00.000Z")
        const ids: Array<number> = []
        for (let i = 0; i < 5; i++) {
          ids.push(
            yield* store.insertDecision({
              time: new Date(base + i * 60_000),
              host: i % 2 === 0 ? "compute1" : "compute2",
              reason: i < 3 ? "underload" : "overload",
              inputs: { vms: [vm1], utilisation: [0.25, 0.5] },
              placement: i === 4 ? null : { [vm1]: "compute3" },
              migrations: [{ vm: vm1, to: "compute3", ok: true }],
              outcome: i === 4 ? "no-placement" : "migrated",
              timings: { placementSec: 0.004, totalSec: 1.5 }
            })
          )
        }
        const newest = yield* store.listDecisions({ limit: 2 })
        assert.deepStrictEqual(
          newest.map((d) => d.id),
          [ids[4], ids[3]]
        )
        const first = newest[1]!
        assert.strictEqual(first.time.toISOString(), "2026-04-01T00:03:00.000Z")
        assert.strictEqual(first.host, "compute2")
        assert.strictEqual(first.reason, "overload")
        assert.deepStrictEqual(first.inputs, { vms: [vm1], utilisation: [0.25, 0.5] })
        assert.deepStrictEqual(first.placement, { [vm1]: "compute3" })
        assert.deepStrictEqual(first.migrations, [{ vm: vm1, to: "compute3", ok: true }])
        assert.deepStrictEqual(first.timings, { placementSec: 0.004, totalSec: 1.5 })
        assert.strictEqual(newest[0]!.placement, null)
        assert.deepStrictEqual(
          (yield* store.listDecisions({ limit: 2, offset: 2 })).map((d) => d.id),
          [ids[2], ids[1]]
        )
        assert.strictEqual((yield* store.listDecisions({ host: "compute1" })).length, 3)
        assert.strictEqual((yield* store.listDecisions({ reason: "overload" })).length, 2)
        assert.strictEqual((yield* store.listDecisions({ outcome: "no-placement" })).length, 1)
        const since = new Date(base + 60_000)
        const until = new Date(base + 3 * 60_000)
        assert.deepStrictEqual(
          (yield* store.listDecisions({ since, until })).map((d) => d.id),
          [ids[2], ids[1]]
        )
        assert.strictEqual(yield* store.countDecisions({ host: "compute1", limit: 1 }), 3)
        assert.strictEqual(yield* store.countDecisions(), 5)
        assert.strictEqual((yield* store.listDecisions({ limit: 0 })).length, 1)
        assert.deepStrictEqual(yield* store.selectDecision(ids[3]!), first)
        assert.strictEqual(yield* store.selectDecision(-1), undefined)
      })
    )
  })
