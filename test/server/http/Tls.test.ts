import { rmSync } from "node:fs"
import { request as httpRequest } from "node:http"
import { request as httpsRequest } from "node:https"
import { afterAll, beforeAll, expect, it } from "vitest"
import { sha1Hex, signedHeaders } from "../../../src/server/http/RequestSigning.js"
import { type RunningGlobalManager, startGlobalManager, testSecret } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { selfSignedCertificate } from "../../support/selfSignedCertificate.js"

const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }
const token = "a-dashboard-token-of-some-length"

interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly text: string
}

/** One HTTPS request trusting only `ca`. */
const tlsCall = (
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {}
) =>
  new Promise<Reply>((resolve, reject) => {
    const req = httpsRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {}, ca }, (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        text += chunk
      })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on("error", reject)
    req.end(options.body)
  })

const certificate = selfSignedCertificate()

describeWithRequirement("the global manager over TLS (a self-signed certificate)", certificate, (tls) => {
  let gm: RunningGlobalManager
  let url: string
  beforeAll(async () => {
    const cloud = new InMemoryCloud({
      hosts: [
        { name: "h1", ...spec },
        { name: "h2", ...spec }
      ],
      vms: [{ uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 120] }]
    })
    gm = await startGlobalManager(cloud, {
      global_manager_tls: { cert: tls.cert, key: tls.key },
      dashboard_token: token
    })
    url = `https://127.0.0.1:${gm.port}`
  })
  afterAll(async () => {
    await gm.close()
    rmSync(tls.directory, { recursive: true, force: true })
  })

  it("answers the API over TLS and refuses plain HTTP", async () => {
    expect((await tlsCall(`${url}/healthz`, tls.cert)).status).toBe(200)
    const path = "/v1/policy"
    const signed = await tlsCall(`${url}${path}`, tls.cert, {
      headers: signedHeaders(testSecret, "GET", path, "", Date.now() / 1000)
    })
    expect(signed.status).toBe(200)
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest(`http://127.0.0.1:${gm.port}/healthz`, (res) => resolve(`status ${res.statusCode}`))
      req.on("error", (error) => resolve(`error ${error.message}`))
      req.end()
    })
    expect(plain).not.toBe("status 200")
  })

  it("answers Neat's form PUT / (the fast path) over TLS", async () => {
    const body = new URLSearchParams({
      username: sha1Hex("admin"),
      password: sha1Hex("s3cret"),
      time: (Date.now() / 1000).toFixed(3),
      host: "h1",
      reason: "0"
    }).toString()
    const reply = await tlsCall(`${url}/`, tls.cert, {
      method: "PUT",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body
    })
    expect(reply.status).toBe(200)
    expect((JSON.parse(reply.text) as { decision: { host: string } }).decision.host).toBe("h1")
  })

  it("serves the dashboard with a Secure session cookie", async () => {
    const login = await tlsCall(`${url}/dashboard/login`, tls.cert, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString()
    })
    expect(login.status).toBe(303)
    const cookie = String(login.headers["set-cookie"])
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/HttpOnly/)
  })

  it("is not trusted by a client that does not know the certificate", async () => {
    await expect(
      new Promise((resolve, reject) => {
        const req = httpsRequest(`${url}/healthz`, resolve)
        req.on("error", reject)
        req.end()
      })
    ).rejects.toThrow(/self[- ]signed/i)
  })
})
