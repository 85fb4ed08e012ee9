/** The store-backed services of the live mode, run against any store (SQLite here, PostgreSQL when given). */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { HostMacs } from "../../../src/adapters/nova/HostMacs.js"
import { HostPowerLog } from "../../../src/adapters/nova/HostPowerLog.js"
import { MigrationLog } from "../../../src/adapters/nova/MigrationLog.js"
import { UsageHistory } from "../../../src/adapters/nova/UsageHistory.js"
import type { Decision } from "../../../src/core/control/Decision.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { Store } from "../../../src/server/db/Store.js"
import type { StoreError } from "../../../src/server/db/StoreError.js"
import { StoreHostMacs, StoreHostPowerLog, StoreMigrationLog } from "../../../src/server/live/StoreCloudRecords.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { StoreUsageHistory } from "../../../src/server/live/StoreUsageHistory.js"

const decision = (host: string, finishedAtMs: number): Decision => ({
  request: { host, reason: "underload", vmUuids: ["vm-a"] },
  outcome: "done",
  status: "planned",
  detail: "moved 1 VM",
  inputs: { activeHosts: 2, inactiveHosts: 0, vmsToPlace: ["vm-a"] },
  placement: { "vm-a": "compute2" },
  plan: { migrations: [{ vm: "vm-a", from: host, to: "compute2" }], wake: [], suspend: [host] },
  execution: {
    woken: [],
    wakeFailures: [],
    migrations: [{ _tag: "Migrated", migration: { vm: "vm-a", from: host, to: "compute2" }, seconds: 6.5 }],
    suspended: [host],
    suspendFailures: []
  },
  receivedAtMs: finishedAtMs - 9000,
  startedAtMs: finishedAtMs - 8000,
  finishedAtMs,
  timings: { snapshotMs: 10, placementMs: 1, executionMs: 7900 }
})

export const storeLayersSuite = (name: string, store: () => Layer.Layer<Store, StoreError>) => {
  const vmsOn: Record<string, ReadonlyArray<string>> = { compute1: ["vm-a", "vm-b"] }
  const services = () => {
    const base = store()
    return Layer.mergeAll(
      StoreDecisionLog,
      StoreUsageHistory((host) => Effect.succeed(vmsOn[host] ?? [])),
      StoreMigrationLog,
      StoreHostPowerLog,
      StoreHostMacs({ compute1: "52:54:00:00:00:01" })
    ).pipe(Layer.provideMerge(base))
  }

  describe(`store-backed live services on ${name}`, () => {
    it.effect("DecisionLog round-trips decisions, migrations and host states, registering unknown hosts", () =>
      Effect.gen(function* () {
        const log = yield* DecisionLog
        const first = decision("compute1", 1_700_000_000_000)
        const id1 = yield* log.insertDecision(first)
        const id2 = yield* log.insertDecision(decision("compute3", 1_700_000_060_000))
        assert.isAbove(id2, id1)
        const stored = yield* log.selectDecisions(10)
        assert.deepStrictEqual(
          stored.map((d) => d.request.host),
          ["compute1", "compute3"]
        )
        assert.deepStrictEqual(stored[0], { ...first, id: id1 })
        assert.deepStrictEqual(
          (yield* log.selectDecisions(1)).map((d) => d.id),
          [id2]
        )
        // Neither host was registered by a collector: the log registers them rather than lose the rows.
        yield* log.insertVmMigration("vm-a", "compute2")
        yield* log.insertHostStates({ compute1: 0, compute2: 1 })
        const migrations = yield* log.selectVmMigrations(10)
        assert.deepStrictEqual(
          migrations.map((m) => [m.vm, m.host]),
          [["vm-a", "compute2"]]
        )
        const states = yield* log.selectHostStates
        assert.strictEqual(states.compute1, 0)
        assert.strictEqual(states.compute2, 1)
        const s = yield* Store
        assert.strictEqual(yield* s.countMigrations(), 1)
      }).pipe(Effect.provide(services()))
    )

    it.effect("UsageHistory: VM rows as stored; a host's own use plus its current VMs, aligned on the newest", () =>
      Effect.gen(function* () {
        const s = yield* Store
        const history = yield* UsageHistory
        yield* s.updateHost("compute1", 8000, 4, 16384)
        yield* s.insertVmCpuMhz({ "vm-a": 100 })
        yield* s.insertVmCpuMhz({ "vm-a": 200, "vm-b": 50 })
        yield* s.insertVmCpuMhz({ "vm-a": 300, "vm-b": 60 })
        yield* s.insertHostCpuMhz("compute1", 10)
        yield* s.insertHostCpuMhz("compute1", 20)
        assert.deepStrictEqual(yield* history.vmCpuMhz("vm-a", 2), [200, 300])
        assert.deepStrictEqual(yield* history.vmCpuMhz("vm-unknown", 2), [])
        // own [10, 20], vm-a [100, 200, 300], vm-b [50, 60] → newest-aligned sums.
        assert.deepStrictEqual(yield* history.hostCpuMhz("compute1", 3), [100, 10 + 200 + 50, 20 + 300 + 60])
        assert.deepStrictEqual(yield* history.hostCpuMhz("compute1", 1), [380])
        assert.deepStrictEqual(yield* history.hostCpuMhz("compute9", 3), [])
        // The batched reads answer as the one-by-one reads do, in one query per kind.
        const vms = yield* history.vmCpuMhzMany(["vm-a", "vm-b", "vm-unknown"], 2)
        assert.deepStrictEqual(Object.fromEntries(vms), { "vm-a": [200, 300], "vm-b": [50, 60], "vm-unknown": [] })
        for (const n of [1, 3]) {
          const hosts = yield* history.hostCpuMhzMany(["compute1", "compute9"], n)
          assert.deepStrictEqual(hosts.get("compute1"), yield* history.hostCpuMhz("compute1", n))
          assert.deepStrictEqual(hosts.get("compute9"), [])
        }
      }).pipe(Effect.provide(services()))
    )

    it.effect("MigrationLog, HostPowerLog and HostMacs record and read back", () =>
      Effect.gen(function* () {
        const s = yield* Store
        const migrations = yield* MigrationLog
        const power = yield* HostPowerLog
        const macs = yield* HostMacs
        yield* migrations.record({
          vm: "vm-a",
          from: "compute1",
          to: "compute2",
          attempt: 1,
          startedAtMs: 1_700_000_000_000,
          finishedAtMs: 1_700_000_007_000,
          result: "retryable",
          lastHost: "compute1",
          lastStatus: "ACTIVE",
          detail: "Nova reported migration 4 as error"
        })
        yield* migrations.record({
          vm: "vm-a",
          from: "compute1",
          to: "compute2",
          attempt: 2,
          startedAtMs: 1_700_000_012_000,
          finishedAtMs: 1_700_000_019_000,
          result: "migrated",
          detail: "ACTIVE on compute2"
        })
        const attempts = yield* s.listMigrationAttempts("vm-a")
        assert.deepStrictEqual(
          attempts.map((a) => [a.attempt, a.result, a.lastHost ?? null]),
          [
            [1, "retryable", "compute1"],
            [2, "migrated", null]
          ]
        )
        assert.strictEqual(attempts[1]?.finishedAt.getTime(), 1_700_000_019_000)

        assert.isTrue(Option.isNone(yield* power.latest("compute1")))
        yield* power.record({ host: "compute1", state: "suspended", atMs: 1_700_000_100_000, detail: "down" })
        yield* power.record({ host: "compute1", state: "failed", atMs: 1_700_000_200_000, detail: "no wake" })
        yield* power.record({ host: "compute2", state: "active", atMs: 1_700_000_300_000, detail: "up" })
        const latest = yield* power.latest("compute1")
        assert.deepStrictEqual(Option.getOrUndefined(latest), {
          host: "compute1",
          state: "failed",
          atMs: 1_700_000_200_000,
          detail: "no wake"
        })

        yield* s.updateHostMac("compute1", "52:54:00:99:99:99")
        yield* s.updateHostMac("compute2", "52:54:00:00:00:02")
        yield* s.updateHostMac("compute2", "52-54-00-00-00-0A")
        assert.deepStrictEqual(Option.getOrUndefined(yield* macs.macOf("compute1")), "52:54:00:00:00:01")
        assert.deepStrictEqual(Option.getOrUndefined(yield* macs.macOf("compute2")), "52:54:00:00:00:0a")
        assert.isTrue(Option.isNone(yield* macs.macOf("compute3")))
      }).pipe(Effect.provide(services()))
    )
  })
}
