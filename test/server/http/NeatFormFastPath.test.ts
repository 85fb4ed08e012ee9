/**
 * Neat's form `PUT /` takes the fast path; a JSON body takes the Effect stack. Both must answer
 * alike and share one queue and one set of metrics.
 */
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ReallocationView } from "../../../src/server/http/Api.js"
import { sha1Hex } from "../../../src/server/http/RequestSigning.js"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }
const credentials = { username: sha1Hex("admin"), password: sha1Hex("s3cret") }
const nowSec = () => String(Date.now() / 1000)

const put = (gm: RunningGlobalManager, params: Record<string, string>, json: boolean) =>
  fetch(`${gm.url}/`, {
    method: "PUT",
    ...(json
      ? { body: JSON.stringify(params), headers: { "content-type": "application/json" } }
      : { body: new URLSearchParams(params) })
  })

describe("Neat's form PUT / on the fast path", () => {
  let cloud: InMemoryCloud
  let gm: RunningGlobalManager
  beforeAll(async () => {
    cloud = new InMemoryCloud({
      hosts: [
        { name: "h1", ...spec },
        { name: "h2", ...spec },
        { name: "h3", ...spec }
      ],
      vms: [
        { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100] },
        { uuid: "b", host: "h2", ramMb: 512, cpuMhz: [100] }
      ]
    })
    gm = await startGlobalManager(cloud)
  })
  afterAll(() => gm.close())

  it.each([
    ["missing credentials", { time: "1", host: "h1", reason: "0" }],
    ["wrong password", { ...credentials, password: sha1Hex("x"), time: "1", host: "h1", reason: "0" }],
    ["bad reason", { ...credentials, time: "1", host: "h1", reason: "7" }],
    ["missing vm_uuids", { ...credentials, time: "1", host: "h1", reason: "1" }],
    ["stale", { ...credentials, time: "1", host: "h1", reason: "0" }],
    ["unknown VMs", { ...credentials, time: "now", host: "h1", reason: "1", vm_uuids: "nope" }]
  ])("answers a refusal (%s) exactly as the Effect stack does", async (_, params) => {
    // A fresh time for each, so the second is not refused as a replay of the first.
    const fresh = () => ({ ...params, time: params.time === "now" ? nowSec() : params.time })
    const form = await put(gm, fresh(), false)
    await new Promise((resolve) => setTimeout(resolve, 2))
    const json = await put(gm, fresh(), true)
    expect(form.status).toBe(json.status)
    expect(form.headers.get("content-type")).toBe(json.headers.get("content-type"))
    expect(await form.json()).toEqual(await json.json())
  })

  it("refuses a field given twice with 400", async () => {
    const body = new URLSearchParams({ ...credentials, time: nowSec(), host: "h1", reason: "0" })
    body.append("host", "h2")
    const response = await fetch(`${gm.url}/`, { method: "PUT", body })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe("host is given more than once")
  })

  it("shares the queue with the Effect stack: a JSON request joins a form request for the same host, and both show its decision alike", async () => {
    cloud.migrationDelayMs = 300
    try {
      const params = { ...credentials, time: nowSec(), host: "h1", reason: "1", vm_uuids: "a" }
      const form = put(gm, params, false)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const json = put(gm, { ...params, time: nowSec() }, true)
      const [first, second] = await Promise.all([form, json])
      const bodies = (await Promise.all([first.json(), second.json()])) as Array<{
        coalesced: boolean
        decision: { id: number }
      }>
      expect([first.status, second.status]).toEqual([200, 200])
      expect(bodies.map((body) => body.coalesced)).toEqual([false, true])
      expect(bodies[1]!.decision.id).toBe(bodies[0]!.decision.id)
      // The fast path writes its view without a schema pass: the Effect stack's encoding of the
      // same decision must read the same.
      expect({ ...bodies[0], coalesced: true }).toEqual(bodies[1])
      expect(Schema.encodeSync(ReallocationView)(Schema.decodeUnknownSync(ReallocationView)(bodies[0]))).toEqual(
        bodies[0]
      )
    } finally {
      cloud.migrationDelayMs = 0
    }
  })

  it("counts its requests in the same metrics", async () => {
    const metrics = await (await fetch(`${gm.url}/metrics`)).text()
    expect(metrics).toMatch(/neat_http_requests_total\{method="PUT",route="\/",status="403"\} 2/)
  })
})
