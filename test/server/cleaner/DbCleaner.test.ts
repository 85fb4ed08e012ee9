import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { cleanOnce, runDbCleaner } from "../../../src/server/cleaner/DbCleaner.js"
import { Store } from "../../../src/server/db/Store.js"
import { waitForSleeper, waitUntil } from "../../support/waitUntil.js"

const vm = "11111111-1111-1111-1111-111111111111"
const hour = 3600_000

describe("DbCleaner", () => {
  it.effect("drops usage rows older than the interval and keeps the rest", () =>
    Effect.gen(function* () {
      const store = yield* Store
      yield* store.updateHost("compute1", 3000, 2, 4096)
      yield* store.insertVmMigration(vm, "compute1")
      yield* TestClock.setTime(10 * hour)
      yield* store.insertVmCpuMhz({ [vm]: 1 })
      yield* store.insertHostCpuMhz("compute1", 1)
      yield* TestClock.adjust("90 minutes")
      yield* store.insertVmCpuMhz({ [vm]: 2 })
      yield* store.insertHostCpuMhz("compute1", 2)
      yield* TestClock.adjust("30 minutes")
      // Now 12 h: with a 2 h interval, rows before 10 h go (none); with 1 h, rows before 11 h go.
      const nothing = yield* cleanOnce(7200)
      assert.deepStrictEqual([nothing.vmRows, nothing.hostRows], [0, 0])
      const report = yield* cleanOnce(3600)
      assert.strictEqual(report.threshold.getTime(), 11 * hour)
      assert.deepStrictEqual([report.vmRows, report.hostRows], [1, 1])
      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(vm, 10), [2])
      assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute1", 10), [2])
      assert.strictEqual((yield* store.listMigrations()).length, 1)
    }).pipe(Effect.provide(Store.layer(":memory:")))
  )

  it.effect("runs a pass every interval", () =>
    Effect.gen(function* () {
      const store = yield* Store
      yield* store.updateHost("compute1", 3000, 2, 4096)
      yield* TestClock.setTime(10 * hour)
      for (let i = 0; i < 3; i++) {
        yield* store.insertHostCpuMhz("compute1", i)
        yield* TestClock.adjust("30 minutes")
      }
      // Rows at 10 h, 10.5 h and 11 h; now 11.5 h. The first pass deletes those before 10.5 h.
      const fiber = yield* Effect.fork(runDbCleaner(3600, { once: false }))
      const hostRows = Effect.map(store.selectCpuMhzForHost("compute1", 10), (rows) => rows.join(","))
      yield* waitUntil(Effect.map(hostRows, (rows) => rows === "1,2"))
      yield* waitForSleeper
      yield* TestClock.adjust("60 minutes")
      // The pass at 12.5 h deletes the rows before 11.5 h.
      yield* waitUntil(Effect.map(hostRows, (rows) => rows === ""))
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(Store.layer(":memory:")))
  )
})
