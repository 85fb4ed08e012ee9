/**
 * The intent log over a SQLite store, with the global manager in auto mode over an in-memory
 * cloud: a decision's plan is recorded before its first action and each outcome as it lands; a
 * plan that cannot be recorded is answered 503 with Retry-After and nothing runs; and a decision a
 * crash left `executing` is settled against the cloud at the next start, so the log stays complete.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import type { Decision } from "../../../src/core/control/Decision.js"
import type { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { planActions } from "../../../src/core/control/PlanAction.js"
import { Store } from "../../../src/server/db/Store.js"
import { StoreError } from "../../../src/server/db/StoreError.js"
import { makeStoreDecisionLog, StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { twoHostSetup } from "../../support/cloudFixtures.js"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call } from "../../support/signedCall.js"

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passed. */
const waitUntil = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const scratch: Array<string> = []
let gm: RunningGlobalManager | undefined

afterEach(async () => {
  await gm?.close()
  gm = undefined
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const freshDatabase = () => {
  const dir = mkdtempSync(join(tmpdir(), "neat-intent-"))
  scratch.push(dir)
  return join(dir, "neat.db")
}

const storeLog = (store: Layer.Layer<Store, StoreError>) =>
  StoreDecisionLog.pipe(Layer.provide(store), Layer.orDie) as Layer.Layer<DecisionLog>

/** Rows of the store, read with a connection of its own. */
const rows = <T>(file: string, query: string): Array<T> => {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(query).all() as Array<T>
  } finally {
    db.close()
  }
}

interface ActionRow {
  readonly decision_id: number
  readonly kind: string
  readonly vm: string | null
  readonly host: string
  readonly state: string
  readonly detail: string
}

describe("the intent log in auto mode", () => {
  it("records the plan before the first action and every outcome, in the log and Neat's tables", async () => {
    const file = freshDatabase()
    const cloud = new InMemoryCloud(twoHostSetup())
    gm = await startGlobalManager(cloud, {}, undefined, undefined, storeLog(Store.layer(file)))
    const answer = await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    expect(answer.status).toBe(200)
    const decision = (answer.body as { decision: { id: number; outcome: string } }).decision
    expect(decision.outcome).toBe("done")
    expect(cloud.vmsOn("h2")).toContain("vm-a")
    const actions = rows<ActionRow>(file, "select * from decision_actions order by id")
    expect(actions.map((a) => [a.decision_id, a.kind, a.vm, a.host, a.state])).toEqual([
      [decision.id, "migrate", "vm-a", "h2", "done"],
      [decision.id, "suspend", null, "h1", "done"]
    ])
    const stored = rows<{ outcome: string }>(file, "select outcome from decisions")
    expect(stored).toEqual([{ outcome: "done" }])
    const migrations = rows<{ uuid: string; hostname: string }>(
      file,
      "select uuid, hostname from vm_migrations join vms on vms.id = vm_id join hosts on hosts.id = host_id"
    )
    expect(migrations).toEqual([{ uuid: "vm-a", hostname: "h2" }])
    const states = rows<{ hostname: string; state: number }>(
      file,
      "select hostname, state from host_states join hosts on hosts.id = host_id"
    )
    expect(states).toEqual([{ hostname: "h1", state: 0 }])
  })

  it("answers 503 with Retry-After and executes nothing when the plan cannot be recorded", async () => {
    const file = freshDatabase()
    const refusing = Layer.effect(
      Store,
      Effect.map(Store, (store) => ({
        ...store,
        beginDecision: () => Effect.fail(new StoreError({ operation: "beginDecision", message: "database is locked" }))
      }))
    ).pipe(Layer.provide(Store.layer(file)))
    const cloud = new InMemoryCloud(twoHostSetup())
    gm = await startGlobalManager(cloud, {}, undefined, undefined, storeLog(refusing))
    let answered = 0
    for (let i = 0; i < 20; i++) {
      const answer = await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
      expect(answer.status).toBe(503)
      expect(answer.headers.get("retry-after")).toBe("1")
      expect((answer.body as { message: string }).message).toMatch(/nothing was executed/)
      answered++
    }
    expect(answered).toBe(20)
    expect(cloud.actions).toEqual([])
    expect(cloud.vmsOn("h1")).toEqual(["vm-a"])
    expect(cloud.hosts.get("h1")?.power).toBe("active")
    expect(rows(file, "select * from decisions")).toEqual([])
  })
})

describe("the reconciliation at start", () => {
  const interrupted = (from: string): Decision => ({
    request: { host: from, reason: "underload", vmUuids: [] },
    outcome: "executing",
    status: "planned",
    detail: "consolidating h1",
    inputs: { activeHosts: 2, inactiveHosts: 0, vmsToPlace: ["vm-a"] },
    placement: { "vm-a": "h2" },
    plan: { migrations: [{ vm: "vm-a", from, to: "h2" }], wake: [], suspend: [from] },
    execution: { woken: [], wakeFailures: [], migrations: [], suspended: [], suspendFailures: [] },
    receivedAtMs: Date.now() - 1000,
    startedAtMs: Date.now() - 1000,
    finishedAtMs: Date.now() - 1000,
    timings: { snapshotMs: 0, placementMs: 0, executionMs: 0 }
  })

  it("settles a decision a crash left executing, from what the cloud shows, before any request", async () => {
    const file = freshDatabase()
    // The crash: the intent recorded, the migration landed in the cloud, nothing else recorded.
    const runtime = ManagedRuntime.make(Store.layer(file))
    const id = await runtime.runPromise(
      Effect.flatMap(Store, (store) => {
        const intents = makeStoreDecisionLog(store).intents!
        const decision = interrupted("h1")
        return intents.begin(decision, planActions(decision.plan))
      })
    )
    await runtime.dispose()
    expect(id).toBeGreaterThan(0)
    const cloud = new InMemoryCloud({
      hosts: twoHostSetup().hosts,
      vms: [
        { uuid: "vm-a", host: "h2", ramMb: 1024, cpuMhz: [100] },
        { uuid: "vm-b", host: "h2", ramMb: 1024, cpuMhz: [600] }
      ]
    })
    gm = await startGlobalManager(cloud, {}, undefined, undefined, storeLog(Store.layer(file)))
    await waitUntil(() => rows(file, "select id from decisions where outcome = 'executing'").length === 0, 10_000)
    const [decision] = rows<{ id: number; outcome: string; migrations: string; inputs: string }>(
      file,
      "select * from decisions"
    )
    expect(decision?.id).toBe(id)
    expect(decision?.outcome).toBe("partial")
    expect(JSON.parse(decision!.inputs).detail).toMatch(/interrupted .*settled at start: 1 of 2 actions done/)
    const actions = rows<ActionRow>(file, "select * from decision_actions order by id")
    expect(actions.map((a) => [a.kind, a.state])).toEqual([
      ["migrate", "done"],
      ["suspend", "failed"]
    ])
    expect(actions[0]?.detail).toMatch(/found on h2/)
    const migrations = rows<{ uuid: string; hostname: string }>(
      file,
      "select uuid, hostname from vm_migrations join vms on vms.id = vm_id join hosts on hosts.id = host_id"
    )
    expect(migrations).toEqual([{ uuid: "vm-a", hostname: "h2" }])
    // The log, as the API shows it, has the settled decision.
    const listed = await call(gm, "GET", "/v1/decisions")
    expect(listed.status).toBe(200)
    expect((listed.body as Array<{ id: number; outcome: string }>).map((d) => [d.id, d.outcome])).toEqual([
      [id, "partial"]
    ])
  })
})
