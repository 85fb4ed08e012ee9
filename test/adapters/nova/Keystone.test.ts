/** Keystone's token cache against a small Keystone double on loopback. */
import { createServer, type Server } from "node:http"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Redacted } from "effect"
import { afterEach, assert, beforeEach, describe, it } from "vitest"
import { type KeystoneOptions, makeKeystone } from "../../../src/adapters/nova/Keystone.js"

interface Double {
  readonly url: string
  posts: number
  expiresInSec: number
  status: number
  sendToken: boolean
  readonly server: Server
}

const startDouble = async (): Promise<Double> => {
  const double = { posts: 0, expiresInSec: 3600, status: 201, sendToken: true } as Omit<Double, "url" | "server">
  const server = createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      double.posts += 1
      const body = {
        token: {
          expires_at: new Date(Date.now() + double.expiresInSec * 1000).toISOString(),
          catalog: [
            { type: "compute", endpoints: [{ interface: "public", url: "http://127.0.0.1:1/v2.1", region_id: "R" }] }
          ]
        }
      }
      const headers: Record<string, string> = { "content-type": "application/json" }
      if (double.sendToken) headers["x-subject-token"] = `token-${double.posts}`
      response.writeHead(double.status, headers)
      response.end(
        double.status === 401
          ? JSON.stringify({ error: { code: 401, message: "The request you have made requires authentication." } })
          : JSON.stringify(body)
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return Object.assign(double, { url: `http://127.0.0.1:${port}/v3`, server })
}

describe("Keystone", () => {
  let double: Double
  beforeEach(async () => {
    double = await startDouble()
  })
  afterEach(() => {
    double.server.close()
  })

  const options = (): KeystoneOptions => ({
    authUrl: double.url,
    username: "admin",
    password: Redacted.make("s3cret"),
    projectName: "admin",
    userDomainName: "Default",
    projectDomainName: "Default",
    endpointInterface: "public",
    renewMarginSec: 300,
    requestTimeoutSec: 5,
    retries: 0
  })
  const withKeystone = <A, E>(f: (k: Effect.Effect.Success<ReturnType<typeof makeKeystone>>) => Effect.Effect<A, E>) =>
    Effect.runPromise(Effect.flatMap(makeKeystone(options()), f).pipe(Effect.provide(NodeHttpClient.layer)))

  it("caches the token and the compute endpoint until shortly before expiry", async () => {
    const [first, second] = await withKeystone((k) => Effect.all([k.session, k.session]))
    assert.strictEqual(double.posts, 1)
    assert.strictEqual(Redacted.value(first.token), "token-1")
    assert.strictEqual(second.token, first.token)
    assert.strictEqual(first.computeUrl, "http://127.0.0.1:1/v2.1")
  })

  it("renews a token that expires within the margin", async () => {
    double.expiresInSec = 100
    await withKeystone((k) => Effect.all([k.session, k.session]))
    assert.strictEqual(double.posts, 2)
  })

  it("renews once for callers that all met a 401 with the same token", async () => {
    const tokens = await withKeystone((k) =>
      Effect.flatMap(k.session, (stale) =>
        Effect.all([k.renew(stale), k.renew(stale), k.renew(stale)], { concurrency: "unbounded" })
      )
    )
    assert.strictEqual(double.posts, 2)
    assert.deepStrictEqual(
      tokens.map((t) => Redacted.value(t.token)),
      ["token-2", "token-2", "token-2"]
    )
  })

  it("turns refused credentials into a KeystoneAuthError naming the request, not the password", async () => {
    double.status = 401
    const result = await withKeystone((k) => Effect.either(k.session))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "KeystoneAuthError")
      assert.strictEqual(result.left.request.url, `${double.url}/auth/tokens`)
      assert.notInclude(JSON.stringify(result.left), "s3cret")
    }
  })

  it("reports a token answer without X-Subject-Token as malformed", async () => {
    double.sendToken = false
    const result = await withKeystone((k) => Effect.either(k.session))
    assert.isTrue(Either.isLeft(result) && result.left._tag === "OpenStackDecodeError")
  })
})
