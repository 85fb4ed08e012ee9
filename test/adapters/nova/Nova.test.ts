/** The Nova operations over a recorded transport: paths, microversion-shaped bodies, paging, errors. */
import { Effect, Either } from "effect"
import { assert, describe, it } from "vitest"
import { OpenStackHttpError } from "../../../src/adapters/nova/errors.js"
import { makeNovaApi } from "../../../src/adapters/nova/Nova.js"
import type { NovaCall, NovaSend } from "../../../src/adapters/nova/NovaRequest.js"
import { groupsByMember } from "../../../src/adapters/nova/OpenStackCloud.js"

const recorded = (answers: Record<string, unknown>) => {
  const calls: Array<NovaCall> = []
  const send: NovaSend = (call) =>
    Effect.suspend(() => {
      calls.push(call)
      const key = `${call.method} ${call.path}`
      const request = { method: call.method, url: `http://nova${call.path}` }
      if (!(key in answers)) return Effect.die(new Error(`unexpected call ${key}`))
      const json = answers[key]
      if (json instanceof OpenStackHttpError) return Effect.fail(json)
      return Effect.succeed({ status: 200, headers: {}, json, request })
    })
  return { calls, nova: makeNovaApi(send) }
}

// Shapes as Nova Zed answers at 2.79 (see the API transcript of the test cloud).
const hypervisor = {
  id: "0e1078d9-e4d2-4ce1-afe2-68e694830afb",
  hypervisor_hostname: "compute1",
  state: "up",
  status: "enabled",
  hypervisor_type: "fake",
  host_ip: "127.0.0.1",
  service: { id: "dd28b065-ba5b-4bc5-803c-849f44c45085", host: "compute1", disabled_reason: null },
  vcpus: 8,
  memory_mb: 16384,
  memory_mb_used: 0,
  running_vms: 0,
  cpu_info: { arch: "x86_64" }
}
const server = (id: string, host: string | null) => ({
  id,
  name: id,
  status: "ACTIVE",
  "OS-EXT-SRV-ATTR:host": host,
  "OS-EXT-STS:task_state": null,
  flavor: { vcpus: 1, ram: 2048, disk: 20, original_name: "m1.small", extra_specs: {} },
  links: []
})

describe("Nova operations", () => {
  it("reads hypervisors, compute services and flavors", async () => {
    const { nova, calls } = recorded({
      "GET /os-hypervisors/detail": { hypervisors: [hypervisor] },
      "GET /os-services?binary=nova-compute": {
        services: [
          {
            binary: "nova-compute",
            host: "compute1",
            id: "dd28b065-ba5b-4bc5-803c-849f44c45085",
            zone: "nova",
            status: "enabled",
            state: "up",
            updated_at: "2026-11-25T02:46:08.000000",
            disabled_reason: null,
            forced_down: false
          }
        ]
      },
      "GET /flavors/detail": { flavors: [{ id: "1", name: "m1.tiny", ram: 512, vcpus: 1, disk: 1 }] }
    })
    const [hypervisors, services, flavors] = await Effect.runPromise(
      Effect.all([nova.hypervisors, nova.computeServices, nova.flavors])
    )
    assert.strictEqual(hypervisors[0]?.memory_mb, 16384)
    assert.strictEqual(hypervisors[0]?.service.host, "compute1")
    assert.strictEqual(services[0]?.state, "up")
    assert.deepStrictEqual(flavors[0], { id: "1", name: "m1.tiny", ram: 512, vcpus: 1 })
    assert.strictEqual(calls.length, 3)
  })

  it("follows servers_links pages with the marker", async () => {
    const { nova, calls } = recorded({
      "GET /servers/detail?all_tenants=1": {
        servers: [server("a", "compute1"), server("b", null)],
        servers_links: [
          { rel: "next", href: "http://127.0.0.1:8774/v2.1/servers/detail?all_tenants=1&limit=2&marker=b" }
        ]
      },
      "GET /servers/detail?all_tenants=1&marker=b": { servers: [server("c", "compute2")] }
    })
    const servers = await Effect.runPromise(nova.servers)
    assert.deepStrictEqual(
      servers.map((s) => [s.id, s["OS-EXT-SRV-ATTR:host"]]),
      [
        ["a", "compute1"],
        ["b", null],
        ["c", "compute2"]
      ]
    )
    assert.strictEqual(calls.length, 2)
  })

  it("sends os-migrateLive with the host and block_migration, and services updates in the 2.53 form", async () => {
    const { nova, calls } = recorded({
      "POST /servers/a/action": undefined,
      "PUT /os-services/svc-1": {
        service: {
          id: "svc-1",
          binary: "nova-compute",
          host: "compute1",
          status: "disabled",
          state: "up",
          disabled_reason: "Neat: x"
        }
      }
    })
    await Effect.runPromise(nova.liveMigrate("a", "compute2", "auto"))
    await Effect.runPromise(nova.setServiceStatus("svc-1", { enabled: false, reason: "Neat: x" }))
    assert.deepStrictEqual(calls[0]?.body, { "os-migrateLive": { host: "compute2", block_migration: "auto" } })
    assert.deepStrictEqual(calls[1]?.body, { status: "disabled", disabled_reason: "Neat: x" })
  })

  it("maps Nova's 404 and unknown-host 400 to UnknownVm and UnknownHost, other errors unchanged", async () => {
    const request = { method: "POST", url: "http://nova/servers/x/action" }
    const { nova } = recorded({
      "GET /servers/x": new OpenStackHttpError({
        request,
        status: 404,
        kind: "itemNotFound",
        message: "Instance x could not be found."
      }),
      "POST /servers/x/action": new OpenStackHttpError({
        request,
        status: 404,
        kind: "itemNotFound",
        message: "Instance x could not be found."
      }),
      "POST /servers/a/action": new OpenStackHttpError({
        request,
        status: 400,
        kind: "badRequest",
        message: "Compute host compute9 could not be found."
      }),
      "POST /servers/b/action": new OpenStackHttpError({
        request,
        status: 409,
        kind: "conflictingRequest",
        message: "busy"
      })
    })
    const tags = await Effect.runPromise(
      Effect.all([
        Effect.either(Effect.asVoid(nova.server("x"))),
        Effect.either(nova.liveMigrate("x", "compute2", "auto")),
        Effect.either(nova.liveMigrate("a", "compute9", "auto")),
        Effect.either(nova.liveMigrate("b", "compute2", "auto"))
      ])
    )
    assert.deepStrictEqual(
      tags.map((result) => (Either.isLeft(result) ? result.left._tag : "Right")),
      ["UnknownVm", "UnknownVm", "UnknownHost", "OpenStackHttpError"]
    )
  })

  it("names the field when a body does not have the documented shape", async () => {
    const { nova } = recorded({
      "GET /os-hypervisors/detail": { hypervisors: [{ ...hypervisor, memory_mb: undefined }] }
    })
    const result = await Effect.runPromise(Effect.either(nova.hypervisors))
    assert.isTrue(Either.isLeft(result) && result.left._tag === "OpenStackDecodeError")
    if (Either.isLeft(result)) assert.match(result.left.message, /memory_mb/)
  })

  it("reads server groups of all projects in the 2.64 form (policy) and the older one (policies), page by page", async () => {
    const group = (i: number) => ({
      id: `g-${i}`,
      name: `group ${i}`,
      policy: "anti-affinity",
      rules: {},
      members: [`vm-${i}`],
      project_id: "p",
      user_id: "u"
    })
    const firstPage = Array.from({ length: 1000 }, (_, i) => group(i))
    const older = { id: "g-old", name: "db", policies: ["affinity"], members: ["a", "b"], metadata: {} }
    const { nova, calls } = recorded({
      "GET /os-server-groups?all_projects=True&limit=1000&offset=0": { server_groups: firstPage },
      "GET /os-server-groups?all_projects=True&limit=1000&offset=1000": { server_groups: [older] }
    })
    const groups = await Effect.runPromise(nova.serverGroups)
    assert.strictEqual(groups.length, 1001)
    assert.strictEqual(calls.length, 2)
    const byMember = groupsByMember(groups)
    assert.deepStrictEqual(byMember.get("vm-7"), { id: "g-7", name: "group 7", policy: "anti-affinity" })
    assert.deepStrictEqual(byMember.get("b"), { id: "g-old", name: "db", policy: "affinity" })
  })

  it("leaves out a group whose policy Neat does not know", () => {
    const byMember = groupsByMember([
      { id: "g", name: "x", policy: "something-new", members: ["a"] },
      { id: "h", name: null, policies: ["soft-affinity"], members: ["b"] }
    ])
    assert.isFalse(byMember.has("a"))
    assert.deepStrictEqual(byMember.get("b"), { id: "h", name: "h", policy: "soft-affinity" })
  })
})
