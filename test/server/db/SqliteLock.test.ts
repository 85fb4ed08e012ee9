/**
 * A SQLite store locked by another connection (a backup, a `sqlite3` session) while requests
 * arrive: the global manager keeps answering (`/healthz` fast, the event loop free), and a
 * reallocation waits for the lock and is then recorded, never answered with an unrecorded decision.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { retryWhileBusy } from "../../../src/server/db/sqliteBusyRetry.js"
import { serverPort } from "../../../src/server/http/GlobalManager.js"
import { sqliteGlobalManagerRuntime } from "../../support/globalManager.js"
import { call } from "../../support/signedCall.js"

const directory = mkdtempSync(join(tmpdir(), "neat-lock-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const lockMs = 3000

describe("a SQLite store locked by another connection", () => {
  it("keeps /healthz under 100 ms during the lock, and records the decision once the lock is released", async () => {
    const file = join(directory, "neat.db")
    const runtime = sqliteGlobalManagerRuntime(file)
    try {
      const port = await runtime.runPromise(serverPort)
      const gm = { url: `http://127.0.0.1:${port}` }
      // Another connection takes the write lock, as a backup or an open `sqlite3` transaction does.
      const other = new Database(file)
      other.prepare("begin immediate").run()
      const lockedAt = Date.now()
      const release = setTimeout(() => other.prepare("commit").run(), lockMs)
      try {
        const reallocation = call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
        const latencies: Array<number> = []
        while (Date.now() - lockedAt < lockMs - 300) {
          const started = performance.now()
          const health = await fetch(`${gm.url}/healthz`)
          expect(health.status).toBe(200)
          latencies.push(performance.now() - started)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        expect(latencies.length).toBeGreaterThan(10)
        expect(Math.max(...latencies)).toBeLessThan(100)
        const answer = await reallocation
        expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(lockMs - 50)
        expect(answer.status).toBe(200)
        const id = (answer.body as { decision: { id: number } }).decision.id
        expect(id).toBeGreaterThan(0)
        const recorded = await runtime.runPromise(Effect.flatMap(DecisionLog, (log) => log.selectDecisions(10)))
        expect(recorded.map((decision) => decision.id)).toContain(id)
      } finally {
        clearTimeout(release)
        if (other.inTransaction) other.prepare("rollback").run()
        other.close()
      }
    } finally {
      await runtime.dispose()
    }
  }, 20_000)
})

describe("retryWhileBusy", () => {
  const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })

  it("retries SQLITE_BUSY until the statement runs", async () => {
    let tries = 0
    const result = await retryWhileBusy(async () => {
      if (++tries < 4) throw busy()
      return "done"
    }, 1000)
    expect([result, tries]).toEqual(["done", 4])
  })

  it("gives up at the budget with the last error, and never retries another error", async () => {
    await expect(retryWhileBusy(() => Promise.reject(busy()), 30)).rejects.toMatchObject({ code: "SQLITE_BUSY" })
    let tries = 0
    await expect(
      retryWhileBusy(() => {
        tries++
        return Promise.reject(Object.assign(new Error("no such table"), { code: "SQLITE_ERROR" }))
      }, 1000)
    ).rejects.toThrow(/no such table/)
    expect(tries).toBe(1)
  })
})
