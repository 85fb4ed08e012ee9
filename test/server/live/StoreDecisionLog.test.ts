/** The store-backed decision log: decisions read back whole, migrations and host states in Neat's tables. */
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import type { Decision } from "../../../src/core/control/Decision.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { emptyPlan } from "../../../src/core/Placement.js"
import { Store } from "../../../src/server/db/Store.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"

const decision = (host: string, n: number): Decision => ({
  request: { host, reason: n % 2 === 0 ? "underload" : "overload", vmUuids: [`vm-${n}`] },
  outcome: "done",
  status: "planned",
  detail: `decision ${n}`,
  inputs: { activeHosts: 3, inactiveHosts: 1, vmsToPlace: [`vm-${n}`] },
  placement: { [`vm-${n}`]: "h2" },
  plan: { ...emptyPlan, migrations: [{ vm: `vm-${n}`, from: host, to: "h2" }] },
  execution: {
    woken: [],
    wakeFailures: [],
    migrations: [{ _tag: "Migrated", migration: { vm: `vm-${n}`, from: host, to: "h2" }, seconds: 12 }],
    suspended: [host],
    suspendFailures: []
  },
  receivedAtMs: 1_700_000_000_000 + n,
  startedAtMs: 1_700_000_000_100 + n,
  finishedAtMs: 1_700_000_000_200 + n,
  timings: { snapshotMs: 1, placementMs: 2, executionMs: 3 }
})

const layer = StoreDecisionLog.pipe(Layer.provideMerge(Store.layer(":memory:")))

describe("StoreDecisionLog", () => {
  it("stores decisions, migrations and host states, and reads them back oldest first", async () => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const log = yield* DecisionLog
        const ids = [yield* log.insertDecision(decision("h0", 0)), yield* log.insertDecision(decision("h1", 1))]
        expect(ids).toEqual([1, 2])
        const read = yield* log.selectDecisions(10)
        expect(read).toEqual([
          { ...decision("h0", 0), id: 1 },
          { ...decision("h1", 1), id: 2 }
        ])
        expect((yield* log.selectDecisions(1)).map((d) => d.id)).toEqual([2])

        // Hosts the store has not seen are registered on first use.
        yield* log.insertVmMigration("vm-0", "h2")
        yield* log.insertVmMigration("vm-1", "h3")
        expect((yield* log.selectVmMigrations(10)).map((m) => [m.vm, m.host])).toEqual([
          ["vm-0", "h2"],
          ["vm-1", "h3"]
        ])
        yield* log.insertHostStates({ h0: 0, h1: 1 })
        const states = yield* log.selectHostStates
        expect(states.h0).toBe(0)
        expect(states.h1).toBe(1)
        expect(yield* Effect.flatMap(Store, (store) => store.countMigrations())).toBe(2)
      }).pipe(Effect.provide(layer))
    )
  })

  it("reads past the store's page of 1000 rows", async () => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const log = yield* DecisionLog
        for (let n = 0; n < 1005; n++) yield* log.insertDecision(decision(`h${n % 7}`, n))
        const read = yield* log.selectDecisions(1003)
        expect(read.length).toBe(1003)
        expect(read[0]!.id).toBe(3)
        expect(read[1002]!.id).toBe(1005)
        expect((yield* log.selectDecisions(0)).length).toBe(0)
      }).pipe(Effect.provide(layer))
    )
  })

  it("reads rows that keep the plan among the inputs, and skips rows it cannot read", async () => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* Store
        const d = decision("h0", 0)
        const row = {
          time: new Date(d.finishedAtMs),
          host: "h0",
          reason: d.request.reason,
          placement: d.placement,
          outcome: d.outcome,
          timings: d.timings
        }
        yield* store.insertDecision({
          ...row,
          inputs: {
            ...d.inputs,
            request: d.request,
            status: d.status,
            detail: d.detail,
            plan: d.plan,
            receivedAtMs: d.receivedAtMs,
            startedAtMs: d.startedAtMs
          },
          migrations: d.execution
        })
        yield* store.insertDecision({ ...row, inputs: { something: "else" }, migrations: [] })
        const read = yield* Effect.flatMap(DecisionLog, (log) => log.selectDecisions(10))
        expect(read).toEqual([{ ...d, id: 1 }])
      }).pipe(Effect.provide(layer))
    )
  })
})
