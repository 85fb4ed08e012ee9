/**
 * What the store keeps for the operator's tools, on every backend (SQLite, PostgreSQL): where
 * each VM ran over time (the what-if replay's starting placement) and the recommended plans.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { Store } from "../../../src/server/db/Store.js"
import type { StoreBackend } from "./storeSuite.js"

const t0 = Date.UTC(2026, 10, 24, 12)

export const operatorStoreSuite = (backend: StoreBackend) =>
  describe(`Store (operator records) on ${backend.name}`, () => {
    const test = (name: string, body: Effect.Effect<void, unknown, Store>) =>
      it.effect(name, () => body.pipe(Effect.provide(backend.layer())))

    test(
      "knows where each VM ran at any time, from the collectors' placements and the migrations",
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.updateHost("compute1", 8000, 4, 16384)
        yield* store.updateHost("compute2", 8000, 4, 16384)
        yield* TestClock.setTime(t0)
        yield* store.insertVmPlacements("compute1", ["vm-a", "vm-b"])
        yield* TestClock.setTime(t0 + 600_000)
        yield* store.insertVmMigration("vm-a", "compute2")
        yield* TestClock.setTime(t0 + 900_000)
        // compute2's collector sees vm-a an interval later, and a new VM.
        yield* store.insertVmPlacements("compute2", ["vm-a", "vm-c"])
        yield* store.insertVmPlacements("compute2", [])
        assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(t0 - 1)), {})
        assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(t0 + 300_000)), {
          "vm-a": "compute1",
          "vm-b": "compute1"
        })
        assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(t0 + 600_000)), {
          "vm-a": "compute2",
          "vm-b": "compute1"
        })
        assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(t0 + 3600_000)), {
          "vm-a": "compute2",
          "vm-b": "compute1",
          "vm-c": "compute2"
        })
        const unknown = yield* Effect.flip(store.insertVmPlacements("compute9", ["vm-a"]))
        assert.strictEqual(unknown._tag, "UnknownHost")
      })
    )

    test(
      "keeps recommended plans, updates their status, and forgets those it is told to",
      Effect.gen(function* () {
        const store = yield* Store
        const decision = { id: 7, plan: { migrations: [{ vm: "a", from: "h1", to: "h2" }], wake: [], suspend: ["h1"] } }
        const fingerprint = { hosts: { h1: "active:a", h2: "active:" }, vms: { a: "h1" } }
        const pending = {
          id: 7,
          createdAt: new Date(t0),
          status: "pending",
          resolution: undefined,
          executedBy: undefined,
          fingerprint,
          decision
        }
        yield* store.upsertPlan(pending)
        yield* store.upsertPlan({ ...pending, id: 9, decision: { ...decision, id: 9 } })
        assert.deepStrictEqual(yield* store.listPlans(), [
          pending,
          { ...pending, id: 9, decision: { ...decision, id: 9 } }
        ])
        // A resolution changes the status, the reason and the executing decision, nothing else.
        yield* store.upsertPlan({
          ...pending,
          createdAt: new Date(t0 + 1000),
          status: "approved",
          resolution: "approved whole",
          executedBy: 12
        })
        const [approved] = yield* store.listPlans()
        assert.deepStrictEqual(approved, {
          ...pending,
          status: "approved",
          resolution: "approved whole",
          executedBy: 12
        })
        assert.strictEqual(yield* store.countPlans(), 2)
        assert.strictEqual(yield* store.countPlans("pending"), 1)
        assert.strictEqual(yield* store.countPlans("approved"), 1)
        // A merged plan's details (requests, actions with their statuses, effect) and its successor.
        const details = {
          requests: [{ decisionId: 9, host: "h1", reason: "underload", vmUuids: [] }],
          steps: [
            {
              key: "migrate:a",
              action: { kind: "migrate", vm: "a", from: "h1", host: "h2" },
              after: [],
              status: "skipped",
              detail: "not approved"
            }
          ],
          effect: {
            hostsFreed: 1,
            powerSavedW: 93.7,
            energySavedKwhPerHour: 0.09,
            migrations: 1,
            migrationSeconds: 51.2,
            slaRiskHosts: []
          }
        }
        yield* store.upsertPlan({
          ...pending,
          id: 9,
          decision: { ...decision, id: 9 },
          status: "superseded",
          intervalStartedAt: new Date(t0),
          supersededBy: 11,
          details
        })
        const superseded = (yield* store.listPlans()).find((plan) => plan.id === 9)
        assert.deepStrictEqual(superseded?.details, details)
        assert.strictEqual(superseded?.supersededBy, 11)
        assert.strictEqual(superseded?.status, "superseded")
        yield* store.deletePlans([7])
        yield* store.deletePlans([])
        assert.deepStrictEqual(
          (yield* store.listPlans()).map((plan) => plan.id),
          [9]
        )
      })
    )
  })
