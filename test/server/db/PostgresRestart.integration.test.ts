/**
 * PostgreSQL going away mid-run under the global manager (auto mode, decisions and intents in a
 * database of this test's own on the server CI starts, NEAT_TEST_PG_URL): every backend connection
 * is terminated (`pg_terminate_backend`, as a restart does) and new ones are refused for a while
 * (`allow_connections false`). Requests during the outage get 503 with Retry-After and execute
 * nothing; `/healthz` says the store is unreachable; the process does not die; once the server takes
 * connections again the store reconnects by itself and requests succeed. Nothing is lost: every
 * 200 answered is a decision in the store, and every action the cloud saw belongs to one.
 */
import { Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { globalManagerLayer, serverPort } from "../../../src/server/http/GlobalManager.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { fiveHostSetup } from "../../support/cloudFixtures.js"
import { testOptions } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { describeWithRequirement, postgresEnv } from "../../support/requirement.js"
import { call } from "../../support/signedCall.js"

describeWithRequirement("PostgreSQL restarting under the global manager", postgresEnv, ({ NEAT_TEST_PG_URL: url }) => {
  const database = `neat_restart_${process.pid}_${Date.now().toString(36)}`
  const databaseUrl = (() => {
    const parsed = new URL(url)
    parsed.pathname = `/${database}`
    return parsed.toString()
  })()

  const admin = async <A>(f: (client: pg.Client) => Promise<A>): Promise<A> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return await f(client)
    } finally {
      await client.end()
    }
  }

  beforeAll(() => admin((client) => client.query(`create database "${database}"`)))
  afterAll(() =>
    admin(async (client) => {
      await client.query(`alter database "${database}" allow_connections true`)
      await client.query(`drop database if exists "${database}" with (force)`)
    })
  )

  it("answers 503 during the outage, reconnects after it, and loses nothing", async () => {
    const cloud = new InMemoryCloud(fiveHostSetup())
    const layer = globalManagerLayer(testOptions, bestFitDecreasing()).pipe(
      Layer.provideMerge(Layer.merge(cloud.layer, StoreDecisionLog)),
      Layer.provide(Store.layer(databaseUrl)),
      Layer.provide(Logger.minimumLogLevel(LogLevel.None))
    )
    const runtime = ManagedRuntime.make(layer)
    const port = await runtime.runPromise(serverPort)
    const gm = { url: `http://127.0.0.1:${port}` }
    const hosts = ["h1", "h2", "h3", "h4", "h5"]
    const statuses = { before: [] as Array<number>, during: [] as Array<number>, after: [] as Array<number> }
    const recordedIds: Array<number> = []
    const round = async (phase: keyof typeof statuses) => {
      const answers = await Promise.all(
        hosts.map((host) => call(gm, "POST", "/v1/reallocations", { host, reason: "underload" }))
      )
      for (const answer of answers) {
        statuses[phase].push(answer.status)
        if (answer.status === 200) recordedIds.push((answer.body as { decision: { id: number } }).decision.id)
        else expect(answer.headers.get("retry-after")).toBe("1")
      }
    }
    const health = async () => (await (await fetch(`${gm.url}/healthz`)).json()) as { store?: { state: string } }
    try {
      for (let i = 0; i < 4; i++) await round("before")
      expect((await health()).store?.state).toBe("ok")

      // The outage: every connection ended, new ones refused.
      await admin(async (client) => {
        await client.query(`alter database "${database}" allow_connections false`)
        await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [database])
      })
      const actionsBefore = cloud.actions.length
      for (let i = 0; i < 4; i++) await round("during")
      expect((await health()).store?.state).toBe("unreachable")
      expect(cloud.actions.length, "nothing executed during the outage").toBe(actionsBefore)

      // The server is back.
      await admin((client) => client.query(`alter database "${database}" allow_connections true`))
      for (let i = 0; i < 4; i++) await round("after")
      expect((await health()).store?.state).toBe("ok")
    } finally {
      await runtime.dispose()
    }

    expect(statuses.before.every((status) => status === 200)).toBe(true)
    expect(statuses.during.every((status) => status === 503)).toBe(true)
    expect(statuses.after.every((status) => status === 200)).toBe(true)
    const stored = await admin(async (client) => {
      await client.query(`select 1`)
      const other = new pg.Client({ connectionString: databaseUrl })
      await other.connect()
      try {
        const { rows } = await other.query<{ id: string; outcome: string }>("select id, outcome from decisions")
        return rows.map((row) => ({ id: Number(row.id), outcome: row.outcome }))
      } finally {
        await other.end()
      }
    })
    const sent = statuses.before.length + statuses.during.length + statuses.after.length
    const ok = statuses.before.length + statuses.after.length
    console.log(
      `PostgreSQL outage: ${sent} requests sent, ${ok} answered 200 and recorded, ${statuses.during.length} answered 503 during the outage; ${stored.length} decisions in the store`
    )
    expect(stored.map((row) => row.id).sort((a, b) => a - b)).toEqual([...recordedIds].sort((a, b) => a - b))
    expect(stored.every((row) => row.outcome !== "executing")).toBe(true)
  }, 60_000)
})
