/**
 * Aborting a live migration through Nova's API (DELETE /servers/{id}/migrations/{migration_id},
 * microversion 2.24 or later) over real HTTP, through the fault proxy: the path and microversion
 * sent, Nova's refusal, and a connection lost on the way.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Redacted } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import type { KeystoneApi } from "../../../src/adapters/nova/Keystone.js"
import { makeNovaApi } from "../../../src/adapters/nova/Nova.js"
import { makeNovaSend } from "../../../src/adapters/nova/NovaRequest.js"
import { type FaultProxy, pass, startFaultProxy } from "../../support/faultProxy.js"
import { novaRequestOptions } from "../../support/novaTestLayers.js"

/** A Nova that knows one running migration (7) and one that has completed (8). */
const received: Array<{ method: string; url: string; microversion: string | undefined }> = []
const upstream: Server = createServer((request, response) => {
  received.push({
    method: request.method ?? "",
    url: request.url ?? "",
    microversion: request.headers["x-openstack-nova-api-version"] as string | undefined
  })
  request.resume()
  request.on("end", () => {
    if (request.method === "DELETE" && request.url === "/v2.1/servers/vm-a/migrations/7") {
      response.writeHead(202).end()
      return
    }
    const body = JSON.stringify({
      badRequest: { code: 400, message: "Migration 8 state of instance vm-a is completed. Cannot abort" }
    })
    response.writeHead(400, { "content-type": "application/json" }).end(body)
  })
})

let proxy: FaultProxy

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve))
  proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)
})
afterAll(async () => {
  await proxy.close()
  await new Promise<void>((resolve) => upstream.close(() => resolve()))
})

const abort = (migrationId: number) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const keystone: KeystoneApi = {
      session: Effect.succeed({
        token: Redacted.make("token"),
        expiresAtMs: Date.now() + 3_600_000,
        computeUrl: `${proxy.url}/v2.1`
      }),
      renew: (stale) => Effect.succeed(stale)
    }
    const nova = makeNovaApi(makeNovaSend(client, keystone, novaRequestOptions({ requestTimeoutSec: 2 })))
    return yield* Effect.either(nova.abortLiveMigration("vm-a", migrationId))
  }).pipe(Effect.provide(NodeHttpClient.layer), Effect.runPromise)

describe("aborting a live migration through Nova", () => {
  it("sends DELETE /servers/{id}/migrations/{id} at the adapter's microversion (≥ 2.24), 202 accepted", async () => {
    proxy.setRule(pass)
    const result = await abort(7)
    assert.isTrue(Either.isRight(result))
    assert.deepStrictEqual(received.at(-1), {
      method: "DELETE",
      url: "/v2.1/servers/vm-a/migrations/7",
      microversion: "2.79"
    })
  })

  it("reports Nova's refusal of a migration that can no longer be aborted", async () => {
    proxy.setRule(pass)
    const result = await abort(8)
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "OpenStackHttpError")
      assert.match(JSON.stringify(result.left), /Cannot abort/)
    }
  })

  it("fails, without sending it twice, when the connection is lost", async () => {
    const before = received.length
    proxy.setRule((request) => (request.method === "DELETE" ? { kind: "reset" } : { kind: "pass" }))
    const result = await abort(7)
    assert.isTrue(Either.isLeft(result))
    assert.strictEqual(received.length, before)
    assert.strictEqual(proxy.seen.filter((request) => request.method === "DELETE").length, 3)
  })
})
