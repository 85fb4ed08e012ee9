/**
 * Faults between Neat and OpenStack: a proxy on loopback in front of the real Keystone and Nova
 * injects 500s, connection resets, requests that never get an answer, slow answers and malformed
 * bodies. Reads are retried a bounded number of times, every failure names the request, and a
 * migration whose answer is lost is neither sent twice nor lost track of.
 */
import { Effect, Either, Layer } from "effect"
import { afterAll, afterEach, assert, beforeAll, it } from "vitest"
import {
  type InMemoryMigrationLog,
  MigrationLog,
  makeInMemoryMigrationLog
} from "../../../src/adapters/nova/MigrationLog.js"
import { defaultMigrationPolicy, type MigrationPolicy } from "../../../src/adapters/nova/MigrationPolicy.js"
import { Nova } from "../../../src/adapters/nova/Nova.js"
import { Cloud } from "../../../src/core/Cloud.js"
import { describeError } from "../../../src/core/errors.js"
import { adminCredentials, fakeCloudEnv, novaCloudRuntime } from "../../support/fakeCloud.js"
import {
  type AdminSession,
  adminSession,
  bootServer,
  deleteServer,
  fakeImageId,
  serverView,
  waitActive,
  waitDeleted
} from "../../support/fakeCloudAdmin.js"
import { type FaultProxy, pass, startFaultProxy } from "../../support/faultProxy.js"
import { keystoneOptions, novaLayer, novaRequestOptions } from "../../support/novaTestLayers.js"
import { describeWithRequirement } from "../../support/requirement.js"

/** Short enough for the hang test, long enough for a loaded 2-core machine. */
const novaTimeoutSec = 3

const policy: MigrationPolicy = { ...defaultMigrationPolicy, pollIntervalSec: 0.5, retries: 2, backoffSec: 0.5 }

describeWithRequirement("faults between Neat and OpenStack (proxy on loopback)", fakeCloudEnv, (values) => {
  const credentials = adminCredentials(values)
  let keystoneProxy: FaultProxy
  let novaProxy: FaultProxy
  let admin: AdminSession
  let vm = ""
  let computeOrigin = ""
  /** The migration log of the last runtime built. */
  let migrationLog: InMemoryMigrationLog

  /** A fresh Cloud (empty token cache) through the proxies. */
  const cloudRuntime = () => {
    const nova = novaLayer(
      keystoneOptions({ ...credentials, authUrl: `${keystoneProxy.url}/v3` }, { requestTimeoutSec: 10, retries: 2 }),
      novaRequestOptions({ requestTimeoutSec: novaTimeoutSec, readRetries: 2, readBackoffSec: 0.05 })
    )
    migrationLog = Effect.runSync(makeInMemoryMigrationLog)
    return novaCloudRuntime({
      computeHosts: ["compute1", "compute3"],
      policy,
      nova,
      migrationLog: Layer.succeed(MigrationLog, migrationLog)
    })
  }
  const novaRequests = (method: string, pathPrefix: string) =>
    novaProxy.seen.filter((r) => r.method === method && r.path.includes(pathPrefix)).length

  beforeAll(async () => {
    admin = await adminSession(credentials)
    computeOrigin = new URL(admin.computeUrl).origin
    novaProxy = await startFaultProxy(computeOrigin)
    keystoneProxy = await startFaultProxy(new URL(credentials.authUrl).origin)
    // Keystone's catalog must send the adapter to the Nova proxy.
    keystoneProxy.setRewrite((body) => body.split(computeOrigin).join(novaProxy.url))
    vm = await bootServer(admin, {
      name: `neat-fault-${Date.now().toString(36)}`,
      imageId: await fakeImageId(admin),
      flavorId: "1",
      host: "compute1"
    })
    await waitActive(admin, vm)
  })

  afterEach(() => {
    novaProxy.setRule(pass)
    keystoneProxy.setRule(pass)
    novaProxy.seen.length = 0
    keystoneProxy.seen.length = 0
  })

  afterAll(async () => {
    if (vm !== "") {
      await deleteServer(admin, vm)
      await waitDeleted(admin, vm)
    }
    await novaProxy.close()
    await keystoneProxy.close()
  })

  const hostsEither = async () => {
    const runtime = cloudRuntime()
    try {
      return await runtime.runPromise(Effect.either(Effect.flatMap(Cloud, (cloud) => cloud.hosts)))
    } finally {
      await runtime.dispose()
    }
  }

  it("retries reads after 500s and succeeds when Nova recovers", async () => {
    let failures = 0
    novaProxy.setRule((request) =>
      request.path.includes("/os-hypervisors") && failures++ < 2 ? { kind: "status", status: 500 } : { kind: "pass" }
    )
    const hosts = await hostsEither()
    assert.isTrue(Either.isRight(hosts), JSON.stringify(hosts))
    assert.strictEqual(novaRequests("GET", "/os-hypervisors"), 3)
  })

  it("gives up after the bounded retries with an error naming the request and status", async () => {
    novaProxy.setRule((request) =>
      request.path.includes("/os-hypervisors") ? { kind: "status", status: 500 } : { kind: "pass" }
    )
    const hosts = await hostsEither()
    assert.isTrue(Either.isLeft(hosts))
    if (Either.isLeft(hosts)) {
      const line = describeError(hosts.left)
      assert.match(
        line,
        /^inventory nova failed: 500 computeFault: injected fault \[GET http:\/\/127\.0\.0\.1:\d+\/v2\.1\/os-hypervisors\/detail\]$/
      )
    }
    assert.strictEqual(novaRequests("GET", "/os-hypervisors"), 3, "one attempt and two retries")
  })

  it("retries after connection resets, then reports a connection failure", async () => {
    novaProxy.setRule((request) => (request.path.includes("/os-services") ? { kind: "reset" } : { kind: "pass" }))
    const hosts = await hostsEither()
    assert.isTrue(Either.isLeft(hosts))
    if (Either.isLeft(hosts))
      assert.match(
        describeError(hosts.left),
        /connection failed: .*\[GET http:\/\/127\.0\.0\.1:\d+\/v2\.1\/os-services/
      )
    assert.strictEqual(novaRequests("GET", "/os-services"), 3)
  })

  it("stops waiting for an answer that never comes", async () => {
    novaProxy.setRule((request) => (request.path.includes("/flavors") ? { kind: "hang" } : { kind: "pass" }))
    const runtime = cloudRuntime()
    try {
      const started = Date.now()
      const result = await runtime.runPromise(Effect.either(Effect.flatMap(Nova, (nova) => nova.flavors)))
      assert.isTrue(
        Either.isLeft(result) && result.left._tag === "OpenStackTransportError" && result.left.reason === "timeout"
      )
      const elapsed = Date.now() - started
      assert.isAtLeast(elapsed, 3 * novaTimeoutSec * 1000, "three attempts, each waited for in full")
      assert.isBelow(elapsed, 3 * novaTimeoutSec * 1000 + 3000, "and no more")
    } finally {
      await runtime.dispose()
    }
  })

  it("tolerates slow answers within the timeout", async () => {
    novaProxy.setRule(() => ({ kind: "slow", ms: 300 }))
    const hosts = await hostsEither()
    assert.isTrue(Either.isRight(hosts))
  })

  it("reports a malformed body as a decode error naming the request", async () => {
    novaProxy.setRule((request) =>
      request.path.includes("/os-hypervisors") ? { kind: "malformed", body: "<html>gateway</html>" } : { kind: "pass" }
    )
    const notJson = await hostsEither()
    assert.isTrue(Either.isLeft(notJson))
    if (Either.isLeft(notJson))
      assert.match(describeError(notJson.left), /malformed answer: status 200, body is not JSON/)
    novaProxy.setRule((request) =>
      request.path.includes("/os-hypervisors")
        ? { kind: "malformed", body: JSON.stringify({ hypervisors: [{ id: "x" }] }) }
        : { kind: "pass" }
    )
    const wrongShape = await hostsEither()
    assert.isTrue(Either.isLeft(wrongShape))
    if (Either.isLeft(wrongShape)) assert.match(describeError(wrongShape.left), /hypervisor_hostname/)
  })

  it("renews the token once when Nova answers 401, and retries Keystone after a 500", async () => {
    let keystoneFailures = 0
    keystoneProxy.setRule((request) =>
      request.method === "POST" && keystoneFailures++ < 1 ? { kind: "status", status: 500 } : { kind: "pass" }
    )
    let novaRefusals = 0
    novaProxy.setRule((request) =>
      request.path.includes("/os-hypervisors") && novaRefusals++ < 1
        ? { kind: "status", status: 401, body: JSON.stringify({ error: { code: 401, message: "expired" } }) }
        : { kind: "pass" }
    )
    const hosts = await hostsEither()
    assert.isTrue(Either.isRight(hosts), JSON.stringify(hosts))
    // One 500, one token, then one renewal after the 401.
    assert.strictEqual(keystoneProxy.seen.filter((r) => r.method === "POST").length, 3)
  })

  it("does not send a migration twice when the answer to the POST is lost, and follows it to the end", async () => {
    novaProxy.setRule((request) =>
      request.method === "POST" && request.path.endsWith("/action") ? { kind: "forward-then-reset" } : { kind: "pass" }
    )
    const runtime = cloudRuntime()
    try {
      const outcomes = await runtime.runPromise(
        Effect.flatMap(Cloud, (cloud) => cloud.migrate([{ vm, from: "compute1", to: "compute3" }]))
      )
      assert.strictEqual(outcomes[0]?._tag, "Migrated", JSON.stringify(outcomes))
      assert.strictEqual(novaRequests("POST", "/action"), 1)
      assert.strictEqual((await serverView(admin, vm))?.host, "compute3")
    } finally {
      await runtime.dispose()
    }
  })

  it("retries a migration refused with 503 and keeps polling through failing reads", async () => {
    let refusals = 0
    let pollFaults = 0
    novaProxy.setRule((request) => {
      if (request.method === "POST" && request.path.endsWith("/action") && refusals++ < 1)
        return { kind: "status", status: 503 }
      if (request.method === "GET" && request.path.includes(`/servers/${vm}`) && pollFaults++ % 2 === 0) {
        return { kind: "status", status: 500 }
      }
      return { kind: "pass" }
    })
    const runtime = cloudRuntime()
    try {
      const outcomes = await runtime.runPromise(
        Effect.flatMap(Cloud, (cloud) => cloud.migrate([{ vm, from: "compute3", to: "compute1" }]))
      )
      assert.strictEqual(outcomes[0]?._tag, "Migrated", JSON.stringify(outcomes))
      assert.strictEqual(novaRequests("POST", "/action"), 2)
      assert.strictEqual((await serverView(admin, vm))?.host, "compute1")
      const attempts = await Effect.runPromise(migrationLog.attempts)
      assert.deepStrictEqual(
        attempts.map((a) => a.result),
        ["retryable", "migrated"]
      )
    } finally {
      await runtime.dispose()
    }
  })

  it("reports a migration as failed, with the VM where it was, when Nova stays unreachable", async () => {
    novaProxy.setRule((request) =>
      request.method === "POST" || request.path.includes(`/servers/${vm}`) ? { kind: "reset" } : { kind: "pass" }
    )
    const runtime = cloudRuntime()
    try {
      const outcomes = await runtime.runPromise(
        Effect.flatMap(Cloud, (cloud) => cloud.migrate([{ vm, from: "compute1", to: "compute3" }]))
      )
      assert.strictEqual(outcomes[0]?._tag, "MigrationFailed")
      if (outcomes[0]?._tag === "MigrationFailed") {
        assert.match(outcomes[0].reason, /did not start migrating: connection failed/)
        assert.match(outcomes[0].reason, /after 3 attempts/)
      }
      novaProxy.setRule(pass)
      const vms = await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.vms))
      assert.strictEqual(vms.find((v) => v.uuid === vm)?.host, "compute1")
    } finally {
      await runtime.dispose()
    }
  })
})
