/**
 * The live Cloud against a real Keystone + Nova (../shared/openstack/start-fake-cloud.sh, started
 * by .ci/services/openstack.sh): inventory, live migration, compute service state and errors.
 */
import { Effect, Either, Layer } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { makeMigrationExecutor } from "../../../src/adapters/nova/MigrationExecutor.js"
import { MigrationLog, makeInMemoryMigrationLog } from "../../../src/adapters/nova/MigrationLog.js"
import { defaultMigrationPolicy, type MigrationPolicy } from "../../../src/adapters/nova/MigrationPolicy.js"
import { Nova } from "../../../src/adapters/nova/Nova.js"
import { Cloud } from "../../../src/core/Cloud.js"
import { adminCredentials, fakeCloudEnv, novaCloudRuntime } from "../../support/fakeCloud.js"
import {
  type AdminSession,
  adminSession,
  bootServer,
  computeServices,
  deleteServer,
  fakeImageId,
  serverView,
  updateService,
  waitActive,
  waitDeleted
} from "../../support/fakeCloudAdmin.js"
import { keystoneOptions, novaLayer } from "../../support/novaTestLayers.js"
import { describeWithRequirement } from "../../support/requirement.js"

/**
 * The hosts this suite uses; compute4 belongs to the suspend/wake suite, which runs in parallel.
 * Only compute2 is ever disabled here: the fault suite migrates between compute1 and compute3.
 */
const migrationHosts = ["compute1", "compute2", "compute3"]

const policy: MigrationPolicy = { ...defaultMigrationPolicy, pollIntervalSec: 0.5, retries: 1, backoffSec: 0.5 }

describeWithRequirement("OpenStack cloud (real Keystone + Nova)", fakeCloudEnv, (values) => {
  const credentials = adminCredentials(values)
  // Power is covered by the power suite; here it must not be reached.
  const runtime = novaCloudRuntime({
    computeHosts: migrationHosts,
    policy,
    nova: novaLayer(keystoneOptions(credentials)),
    migrationLog: Layer.effect(MigrationLog, makeInMemoryMigrationLog)
  })
  const run = <A, E>(effect: Effect.Effect<A, E, Cloud | Nova | MigrationLog>) => runtime.runPromise(effect)

  let admin: AdminSession
  const booted: Array<string> = []
  let vmA = ""
  let vmB = ""
  let vmC = ""

  beforeAll(async () => {
    admin = await adminSession(credentials)
    const image = await fakeImageId(admin)
    const suffix = Date.now().toString(36)
    vmA = await bootServer(admin, { name: `neat-it-a-${suffix}`, imageId: image, flavorId: "2", host: "compute1" })
    booted.push(vmA)
    vmB = await bootServer(admin, { name: `neat-it-b-${suffix}`, imageId: image, flavorId: "1", host: "compute1" })
    booted.push(vmB)
    vmC = await bootServer(admin, { name: `neat-it-c-${suffix}`, imageId: image, flavorId: "1", host: "compute2" })
    booted.push(vmC)
    for (const id of booted) await waitActive(admin, id)
  })

  afterAll(async () => {
    // Leave the cloud as found: enabled services, no servers of ours.
    for (const service of await computeServices(admin)) {
      if (migrationHosts.includes(service.host) && service.status === "disabled")
        await updateService(admin, service.host, { status: "enabled" })
    }
    for (const id of booted) await deleteServer(admin, id)
    for (const id of booted) await waitDeleted(admin, id)
    await runtime.dispose()
  })

  it("lists the compute hosts with their capacity and the VMs on them", async () => {
    const hosts = await run(Effect.flatMap(Cloud, (cloud) => cloud.hosts))
    assert.deepStrictEqual(
      hosts.map((h) => h.name),
      migrationHosts
    )
    for (const host of hosts) {
      assert.strictEqual(host.cores, 8)
      assert.strictEqual(host.ramMb, 16384)
      assert.strictEqual(host.mhzPerCore, 2000)
      assert.strictEqual(host.power, "active")
    }
    const compute1 = hosts.find((h) => h.name === "compute1")
    assert.includeMembers([...(compute1?.vms ?? [])], [vmA, vmB])
    assert.include(hosts.find((h) => h.name === "compute2")?.vms ?? [], vmC)
  })

  it("lists servers with their host, RAM and vCPUs, and the flavors", async () => {
    const vms = await run(Effect.flatMap(Cloud, (cloud) => cloud.vms))
    const a = vms.find((vm) => vm.uuid === vmA)
    assert.deepStrictEqual(a, { uuid: vmA, host: "compute1", ramMb: 2048, vcpus: 1 })
    assert.strictEqual(vms.find((vm) => vm.uuid === vmC)?.host, "compute2")
    const flavors = await run(Effect.flatMap(Nova, (n) => n.flavors))
    assert.deepStrictEqual(
      flavors.map((f) => [f.name, f.ram]),
      [
        ["m1.tiny", 512],
        ["m1.small", 2048],
        ["m1.medium", 4096],
        ["m1.large", 8192]
      ]
    )
  })

  it("live-migrates a VM and sees its host change", async () => {
    const outcomes = await run(
      Effect.flatMap(Cloud, (cloud) => cloud.migrate([{ vm: vmA, from: "compute1", to: "compute3" }]))
    )
    assert.strictEqual(outcomes.length, 1)
    assert.strictEqual(outcomes[0]?._tag, "Migrated", JSON.stringify(outcomes[0]))
    assert.strictEqual((await serverView(admin, vmA))?.host, "compute3")
    const vms = await run(Effect.flatMap(Cloud, (cloud) => cloud.vms))
    assert.strictEqual(vms.find((vm) => vm.uuid === vmA)?.host, "compute3")
  })

  it("runs a batch of two migrations (one after the other: they share hosts) and reports each", async () => {
    const outcomes = await run(
      Effect.flatMap(Cloud, (cloud) =>
        cloud.migrate([
          { vm: vmB, from: "compute1", to: "compute2" },
          { vm: vmC, from: "compute2", to: "compute1" }
        ])
      )
    )
    assert.deepStrictEqual(
      outcomes.map((o) => o._tag),
      ["Migrated", "Migrated"],
      JSON.stringify(outcomes)
    )
    assert.strictEqual((await serverView(admin, vmB))?.host, "compute2")
    assert.strictEqual((await serverView(admin, vmC))?.host, "compute1")
  })

  it("disables a compute service with a reason and enables it again", async () => {
    const services = await run(Effect.flatMap(Nova, (n) => n.computeServices))
    const compute2 = services.find((s) => s.host === "compute2")
    assert.isDefined(compute2)
    if (compute2 === undefined) return
    const disabled = await run(
      Effect.flatMap(Nova, (n) => n.setServiceStatus(compute2.id, { enabled: false, reason: "Neat: test" }))
    )
    assert.strictEqual(disabled.status, "disabled")
    assert.strictEqual(disabled.disabled_reason, "Neat: test")
    const enabled = await run(Effect.flatMap(Nova, (n) => n.setServiceStatus(compute2.id, { enabled: true })))
    assert.strictEqual(enabled.status, "enabled")
    assert.strictEqual(enabled.disabled_reason, null)
  })

  it("never targets a host an operator disabled, and reports it as failed", async () => {
    await updateService(admin, "compute2", { status: "disabled", disabled_reason: "maintenance" })
    try {
      const hosts = await run(Effect.flatMap(Cloud, (cloud) => cloud.hosts))
      assert.strictEqual(hosts.find((h) => h.name === "compute2")?.power, "failed")
      const outcomes = await run(
        Effect.flatMap(Cloud, (cloud) => cloud.migrate([{ vm: vmC, from: "compute1", to: "compute2" }]))
      )
      assert.strictEqual(outcomes[0]?._tag, "MigrationFailed")
      if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /disabled by an operator/)
      assert.strictEqual((await serverView(admin, vmC))?.host, "compute1")
    } finally {
      await updateService(admin, "compute2", { status: "enabled" })
    }
  })

  it("sees through Nova's 202 for a doomed migration, retries a bounded number of times and records every attempt", async () => {
    // Nova accepts a migration onto a disabled host (202) and rolls it back asynchronously.
    await updateService(admin, "compute2", { status: "disabled", disabled_reason: "maintenance" })
    try {
      const log = await runtime.runPromise(makeInMemoryMigrationLog)
      const outcomes = await run(
        Effect.gen(function* () {
          const executor = yield* makeMigrationExecutor(policy)
          return yield* executor.run([{ vm: vmC, from: "compute1", to: "compute2", ramMb: 512 }])
        }).pipe(Effect.provideService(MigrationLog, log))
      )
      assert.strictEqual(outcomes[0]?._tag, "MigrationFailed", JSON.stringify(outcomes[0]))
      if (outcomes[0]?._tag === "MigrationFailed") {
        assert.match(outcomes[0].reason, /Nova reported migration \d+ as error|still ACTIVE on compute1/)
        assert.match(outcomes[0].reason, /after 2 attempts/)
      }
      const attempts = await runtime.runPromise(log.attempts)
      assert.deepStrictEqual(
        attempts.map((a) => [a.attempt, a.result]),
        [
          [1, "retryable"],
          [2, "retryable"]
        ]
      )
      assert.strictEqual((await serverView(admin, vmC))?.host, "compute1")
    } finally {
      await updateService(admin, "compute2", { status: "enabled" })
    }
  })

  it("gives typed errors for an unknown server and an unknown target host", async () => {
    const missing = "00000000-0000-4000-8000-000000000000"
    const server = await run(Effect.either(Effect.flatMap(Nova, (n) => n.server(missing))))
    assert.isTrue(Either.isLeft(server) && server.left._tag === "UnknownVm")
    const migrateMissing = await run(
      Effect.either(Effect.flatMap(Nova, (n) => n.liveMigrate(missing, "compute2", "auto")))
    )
    assert.isTrue(Either.isLeft(migrateMissing) && migrateMissing.left._tag === "UnknownVm")
    const toNowhere = await run(Effect.either(Effect.flatMap(Nova, (n) => n.liveMigrate(vmA, "compute99", "auto"))))
    assert.isTrue(Either.isLeft(toNowhere) && toNowhere.left._tag === "UnknownHost", JSON.stringify(toNowhere))
    const viaCloud = await run(
      Effect.flatMap(Cloud, (cloud) =>
        cloud.migrate([
          { vm: missing, from: "compute1", to: "compute2" },
          { vm: vmA, from: "compute3", to: "compute99" }
        ])
      )
    )
    assert.deepStrictEqual(
      viaCloud.map((o) => o._tag),
      ["MigrationFailed", "MigrationFailed"]
    )
  })

  it("gives a KeystoneAuthError for a wrong password", async () => {
    const wrong = novaLayer(keystoneOptions({ ...credentials, password: "wrong" }))
    const result = await Effect.runPromise(
      Effect.either(Effect.flatMap(Nova, (n) => n.hypervisors)).pipe(Effect.provide(wrong))
    )
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "KeystoneAuthError")
      if (result.left._tag === "KeystoneAuthError") {
        assert.strictEqual(result.left.status, 401)
        assert.match(result.left.request.url, /\/v3\/auth\/tokens$/)
      }
    }
  })
})
