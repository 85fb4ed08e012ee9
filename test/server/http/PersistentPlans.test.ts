/**
 * Recommended plans kept in the store: a global manager that starts again on the same store finds
 * its pending plans, can approve or reject them, and still expires those the cloud outgrew or that
 * grew too old. On SQLite files, on PostgreSQL (a schema per store) when NEAT_TEST_PG_URL is set, and
 * on MySQL (a database per store) when NEAT_TEST_MYSQL_URL is set.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime, Schema } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import type { StoreError } from "../../../src/server/db/StoreError.js"
import { storePlanBookLayer } from "../../../src/server/db/StorePlanBook.js"
import { ApprovalView, PlanView, ReallocationView } from "../../../src/server/http/Api.js"
import { globalManagerLayer, serverPort } from "../../../src/server/http/GlobalManager.js"
import type { GlobalManagerOptions } from "../../../src/server/http/GlobalManagerOptions.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { fourHostSetup } from "../../support/cloudFixtures.js"
import { testOptions } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call, decode } from "../../support/signedCall.js"

const directory = mkdtempSync(join(tmpdir(), "neat-plans-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
let stores = 0

/** A store both managers of a test open: a SQLite file, or a PostgreSQL schema of its own. */
interface Backend {
  readonly name: string
  readonly fresh: () => Layer.Layer<Store, StoreError>
}

const sqlite: Backend = {
  name: "SQLite",
  fresh: () => Store.layer(`sqlite:///${join(directory, `plans-${++stores}.db`)}`)
}

const pgUrl = process.env.NEAT_TEST_PG_URL ?? ""
const pgSchemas: Array<string> = []
const postgres: Backend = {
  name: "PostgreSQL",
  fresh: () => {
    const schema = `neat_plans_${process.pid}_${Date.now().toString(36)}_${++stores}`
    pgSchemas.push(schema)
    return Store.layer(pgUrl, { pgSchema: schema })
  }
}
afterAll(async () => {
  if (pgSchemas.length === 0) return
  const client = new pg.Client({ connectionString: pgUrl })
  await client.connect()
  try {
    for (const schema of pgSchemas) await client.query(`drop schema if exists "${schema}" cascade`)
  } finally {
    await client.end()
  }
})

const mysqlUrl = process.env.NEAT_TEST_MYSQL_URL ?? ""
const mysqlDatabases: Array<string> = []
const mysqlAdmin = async (statement: string) => {
  const connection = await mysql.createConnection(mysqlUrl)
  try {
    await connection.query(statement)
  } finally {
    await connection.end()
  }
}
const mysqlBackend: Backend = {
  name: "MySQL",
  fresh: () => {
    const database = `neat_plans_${process.pid}_${Date.now().toString(36)}_${++stores}`
    mysqlDatabases.push(database)
    const url = new URL(mysqlUrl)
    url.pathname = `/${database}`
    return Layer.unwrapEffect(
      Effect.promise(() => mysqlAdmin(`create database if not exists \`${database}\``)).pipe(
        Effect.as(Store.layer(url.toString()))
      )
    )
  }
}
afterAll(async () => {
  for (const database of mysqlDatabases) await mysqlAdmin(`drop database if exists \`${database}\``)
})

/** h1 light (a, b), h2 medium, h3 heavy, h4 suspended. */
const setup = fourHostSetup

interface Running {
  readonly url: string
  readonly close: () => Promise<void>
}

/** A global manager in recommend mode whose decisions and plans live in `store`. */
const start = async (
  cloud: InMemoryCloud,
  store: Layer.Layer<Store, StoreError>,
  options: Partial<GlobalManagerOptions> = {}
): Promise<Running> => {
  const layer = globalManagerLayer(
    { ...testOptions, control_mode: "recommend", ...options },
    bestFitDecreasing(),
    storePlanBookLayer
  ).pipe(
    Layer.provideMerge(Layer.merge(cloud.layer, StoreDecisionLog)),
    Layer.provide(store),
    Layer.provide(Logger.minimumLogLevel(LogLevel.Error))
  )
  const runtime = ManagedRuntime.make(layer)
  const port = await runtime.runPromise(serverPort)
  return { url: `http://127.0.0.1:${port}`, close: () => runtime.dispose() }
}

const plansOf = async (gm: Running) => decode(Schema.Array(PlanView), await call(gm, "GET", "/v1/plans"))
const recommend = async (gm: Running, body: unknown) =>
  decode(ReallocationView, await call(gm, "POST", "/v1/reallocations", body)).decision

const backends = [sqlite, ...(pgUrl === "" ? [] : [postgres]), ...(mysqlUrl === "" ? [] : [mysqlBackend])]

describe.each(backends)("recommended plans across a restart of the global manager, on $name", (backend) => {
  let gm: Running | undefined
  afterEach(async () => {
    await gm?.close()
    gm = undefined
  })

  it("keeps a merged plan, approves part of it after the restart, and keeps its skipped actions", async () => {
    const cloud = new InMemoryCloud(setup())
    const store = backend.fresh()
    gm = await start(cloud, store)
    const underload = await recommend(gm, { host: "h1", reason: "underload" })
    const overload = await recommend(gm, { host: "h3", reason: "overload", vm_uuids: ["d"] })
    expect([underload.outcome, overload.outcome]).toEqual(["recommended", "recommended"])
    await gm.close()

    gm = await start(cloud, store)
    const kept = await plansOf(gm)
    // One interval, one plan: opened by the underload, the overload merged into it.
    expect(kept.map((plan) => [plan.id, plan.status])).toEqual([[underload.id, "pending"]])
    expect(kept[0]?.requests?.map((request) => request.decision_id)).toEqual([underload.id, overload.id])
    expect(kept[0]?.actions.map((action) => [action.key, action.after])).toEqual([
      ["migrate:a", []],
      ["migrate:b", []],
      ["migrate:d", ["migrate:a", "migrate:b"]]
    ])
    expect(kept[0]?.fingerprint.vms).toEqual({ a: "h1", b: "h1", d: "h3" })
    expect(kept[0]?.effect?.migrations).toBe(3)
    expect(cloud.actions).toEqual([])

    const approval = await call(gm, "POST", `/v1/plans/${underload.id}/approve`, {
      actions: ["migrate:b", "migrate:d"]
    })
    expect(approval.status).toBe(200)
    const approved = decode(ApprovalView, approval)
    expect(approved.decision).toMatchObject({ status: "approved", outcome: "done" })
    // The decision ids continue from the store's, so the executing decision is a new one.
    expect(approved.decision.id).toBeGreaterThan(overload.id)
    expect(cloud.vmsOn("h1")).toEqual(["a"])
    expect(cloud.vmsOn("h3")).toEqual(["d", "e"])
    const rejected = await recommend(gm, { host: "h3", reason: "overload", vm_uuids: ["e"] })
    expect((await call(gm, "POST", `/v1/plans/${rejected.id}/reject`)).status).toBe(200)
    await gm.close()

    // The approval, its skipped actions and the rejection were kept.
    gm = await start(cloud, store)
    const after = await plansOf(gm)
    expect(after.map((plan) => [plan.id, plan.status])).toEqual([
      [rejected.id, "rejected"],
      [underload.id, "approved"]
    ])
    expect(after[1]).toMatchObject({ executed_by: approved.decision.id })
    expect(after[1]?.actions.map((action) => [action.key, action.status, action.detail])).toEqual([
      ["migrate:a", "skipped", "not approved"],
      ["migrate:b", "done", expect.stringMatching(/migrated/)],
      ["migrate:d", "skipped", "depends on migrate:a, which is skipped"]
    ])
    expect((await call(gm, "POST", `/v1/plans/${underload.id}/approve`, {})).status).toBe(409)
  })

  it("expires a kept plan the cloud outgrew while the manager was down, or one grown too old", async () => {
    const cloud = new InMemoryCloud(setup())
    const store = backend.fresh()
    gm = await start(cloud, store)
    const first = await recommend(gm, { host: "h1", reason: "underload" })
    await gm.close()

    cloud.deleteVm("b")
    gm = await start(cloud, store)
    expect((await plansOf(gm))[0]).toMatchObject({
      id: first.id,
      status: "expired",
      resolution: "VM b was on h1 and is now gone"
    })
    expect((await call(gm, "POST", `/v1/plans/${first.id}/approve`, {})).status).toBe(409)
    const second = await recommend(gm, { host: "h1", reason: "underload" })
    expect(second.id).toBeGreaterThan(first.id)
    await gm.close()

    // A manager whose plans may be 50 ms old, started after that.
    await new Promise((resolve) => setTimeout(resolve, 60))
    gm = await start(cloud, store, { plan_max_age: 0.05 })
    const refused = await call(gm, "POST", `/v1/plans/${second.id}/approve`, {})
    expect(refused.status).toBe(409)
    expect((await plansOf(gm)).find((plan) => plan.id === second.id)).toMatchObject({
      status: "expired",
      resolution: "the plan is older than 0.05 s"
    })
    expect(cloud.vmsOn("h1")).toEqual(["a"])
  })
})
