import { Effect, Layer, Logger, LogLevel } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LogBudget } from "../../../src/server/http/AuthFailures.js"
import { sha1Hex, signedHeaders } from "../../../src/server/http/RequestSigning.js"
import { neatRequestDigest, SeenRequestMemory } from "../../../src/server/http/SeenRequests.js"
import { type RunningGlobalManager, startGlobalManager, testSecret } from "../../support/globalManager.js"
import { type CloudSetup, InMemoryCloud } from "../../support/InMemoryCloud.js"
import { parseExposition } from "../../support/prometheusText.js"

const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }

const setup = (): CloudSetup => {
  const hosts = []
  const vms = []
  for (let i = 0; i < 8; i++) {
    const name = `h${i}`
    hosts.push({ name, ...spec })
    vms.push({ uuid: `${name}-a`, host: name, ramMb: 512, cpuMhz: [200, 300] })
  }
  return { hosts, vms }
}

const credentials = { username: sha1Hex("admin"), password: sha1Hex("s3cret") }
const nowSec = () => Date.now() / 1000

const put = (gm: RunningGlobalManager, params: Record<string, string>, json = false) =>
  fetch(`${gm.url}/`, {
    method: "PUT",
    ...(json
      ? { body: JSON.stringify(params), headers: { "content-type": "application/json" } }
      : { body: new URLSearchParams(params) })
  })

const authFailures = async (gm: RunningGlobalManager): Promise<Record<string, number>> => {
  const text = await (await fetch(`${gm.url}/metrics`)).text()
  const counts: Record<string, number> = {}
  for (const sample of parseExposition(text).samples) {
    if (sample.name === "neat_auth_failures_total")
      counts[`${sample.labels.scheme}/${sample.labels.reason}`] = sample.value
  }
  return counts
}

describe("Neat's scheme: times, replays and failed authentications", () => {
  let cloud: InMemoryCloud
  let gm: RunningGlobalManager
  const lines: Array<string> = []
  beforeAll(async () => {
    cloud = new InMemoryCloud(setup())
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ message, logLevel }) => {
        if (logLevel._tag === "Warning") lines.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
    )
    gm = await startGlobalManager(cloud, {}, undefined, Layer.merge(capture, Logger.minimumLogLevel(LogLevel.Warning)))
  })
  afterAll(() => gm.close())

  it.each([
    ["one year ahead", () => (nowSec() + 365 * 86400).toFixed(3)],
    ["the window and a second ahead", () => (nowSec() + 6).toFixed(3)]
  ])("refuses a request dated %s with 412, form and JSON alike", async (_, time) => {
    for (const json of [false, true]) {
      const response = await put(gm, { ...credentials, time: time(), host: "h0", reason: "0" }, json)
      expect(response.status).toBe(412)
      expect(((await response.json()) as { message: string }).message).toMatch(/ahead/)
    }
    expect(cloud.vmsOn("h0")).toEqual(["h0-a"])
  })

  it.each(["1e300", "0x7fffffff", "1.7e9", "-1", "Infinity", "NaN", " ", "1733580000,5", "+1733580000"])(
    "refuses the time %j with 400: only decimal digits are a time",
    async (time) => {
      for (const json of [false, true]) {
        const response = await put(gm, { ...credentials, time, host: "h0", reason: "0" }, json)
        expect(response.status).toBe(400)
        expect(((await response.json()) as { message: string }).message).toMatch(/decimal/)
      }
    }
  )

  it("accepts a JSON number as the time", async () => {
    const response = await fetch(`${gm.url}/`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...credentials, time: nowSec(), host: "h7", reason: "1", vm_uuids: "nope" })
    })
    // Past authentication and time checks: the VM is unknown.
    expect(response.status).toBe(422)
  })

  it("executes a request once and refuses its replay within the window with 409, form or JSON", async () => {
    const params = { ...credentials, time: nowSec().toFixed(6), host: "h1", reason: "0" }
    const first = await put(gm, params)
    expect(first.status).toBe(200)
    const decisions = (await Effect.runPromise(gm.log.selectDecisions(100))).length
    for (const json of [false, true, false]) {
      const replay = await put(gm, params, json)
      expect(replay.status).toBe(409)
      expect((await replay.json()) as { _tag: string }).toMatchObject({ _tag: "Conflict" })
    }
    const after = await Effect.runPromise(gm.log.selectDecisions(100))
    expect(after.length).toBe(decisions)
    // A new request (a new time) from the same manager is executed.
    const next = await put(gm, { ...params, time: (Number(params.time) + 0.5).toFixed(6) })
    expect(next.status).toBe(200)
  })

  it("counts failed authentications by reason in /metrics and logs them without secrets, rate-limited", async () => {
    const before = await authFailures(gm)
    const wrong = { username: credentials.username, password: sha1Hex("guess"), time: nowSec().toFixed(3) }
    for (let i = 0; i < 25; i++) {
      const response = await put(gm, { ...wrong, host: "h2", reason: "0" }, i % 2 === 0)
      expect(response.status).toBe(403)
    }
    expect((await put(gm, { time: nowSec().toFixed(3), host: "h2", reason: "0" })).status).toBe(401)
    expect((await put(gm, { ...credentials, time: "1", host: "h2", reason: "0" })).status).toBe(412)
    const bad = signedHeaders("not-the-secret-0000", "GET", "/v1/policy", "", nowSec())
    expect((await fetch(`${gm.url}/v1/policy`, { headers: bad })).status).toBe(403)
    const after = await authFailures(gm)
    const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0)
    expect(delta("neat/wrong_credentials")).toBe(25)
    expect(delta("neat/missing_credentials")).toBe(1)
    expect(delta("neat/stale")).toBe(1)
    expect(delta("signed/bad_signature")).toBe(1)
    // Logged within the budget (at most 10 a minute, across every test of this file), never a secret.
    const failures = lines.filter((line) => line.startsWith("authentication failed"))
    expect(failures.length).toBeGreaterThan(0)
    expect(failures.length).toBeLessThanOrEqual(10)
    expect(failures.some((line) => /neat wrong_credentials from (127\.0\.0\.1|::ffff:127\.0\.0\.1)/.test(line))).toBe(
      true
    )
    for (const line of failures) {
      expect(line).not.toContain(wrong.password)
      expect(line).not.toContain(credentials.username)
      expect(line).not.toContain(testSecret)
      expect(line).not.toContain(bad["x-neat-signature"]!)
    }
  })
})

describe("the memory of seen requests", () => {
  const params = { username: "u", password: "p", time: "100", host: "h", reason: "0" }

  it("tells a replay from a new request until the request leaves the window", () => {
    const memory = new SeenRequestMemory()
    const digest = neatRequestDigest(params)
    expect(memory.sight(digest, 100, 105)).toBe("first")
    expect(memory.sight(digest, 104, 105)).toBe("replayed")
    expect(memory.sight(digest, 105, 105)).toBe("replayed")
    expect(memory.sight(neatRequestDigest({ ...params, time: "100.5" }), 104, 105.5)).toBe("first")
    // Past the window the digest is forgotten (the request would be stale by then anyway).
    expect(memory.sight(digest, 106, 105)).toBe("first")
  })

  it("keeps fields apart: moving text from one field to the next changes the digest", () => {
    expect(neatRequestDigest({ ...params, host: "ab", reason: "c" })).not.toBe(
      neatRequestDigest({ ...params, host: "a", reason: "bc" })
    )
    expect(neatRequestDigest({ ...params, host: "" })).not.toBe(neatRequestDigest({ ...params, host: undefined }))
  })

  it("stays within its capacity: full, it refuses new requests instead of forgetting live ones", () => {
    const memory = new SeenRequestMemory(3)
    for (const time of ["1", "2", "3"])
      expect(memory.sight(neatRequestDigest({ ...params, time }), 0, 10)).toBe("first")
    expect(memory.sight(neatRequestDigest({ ...params, time: "4" }), 0, 10)).toBe("full")
    expect(memory.sight(neatRequestDigest({ ...params, time: "1" }), 0, 10)).toBe("replayed")
    expect(memory.size).toBe(3)
    // Once the old ones expire, there is room again.
    expect(memory.sight(neatRequestDigest({ ...params, time: "4" }), 11, 20)).toBe("first")
    expect(memory.size).toBe(1)
  })
})

describe("the budget of authentication log lines", () => {
  it("logs a few lines a minute, then says how many it left out", () => {
    const budget = new LogBudget(2, 60_000)
    expect(budget.admit(0)).toEqual({ log: true, leftOut: 0 })
    expect(budget.admit(1)).toEqual({ log: true, leftOut: 0 })
    expect(budget.admit(2).log).toBe(false)
    expect(budget.admit(3).log).toBe(false)
    expect(budget.admit(60_000)).toEqual({ log: true, leftOut: 2 })
    expect(budget.admit(60_001)).toEqual({ log: true, leftOut: 0 })
  })
})
