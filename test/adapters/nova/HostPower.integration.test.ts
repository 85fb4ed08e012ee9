/**
 * Draining, suspending and waking a host through the live Cloud, against the real Nova, the real
 * loopback sshd and a UDP socket on 127.0.0.1: a VM is live-migrated off compute4, compute4 is
 * suspended, then woken. compute4 of the fake cloud plays a physical host: when the sleep
 * command's marker appears it "falls asleep" (its compute service is forced down), and when its
 * magic packet arrives it "wakes" (forced down is lifted). Nothing is sent beyond loopback.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Layer, ManagedRuntime } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { HostMacsFromConfig } from "../../../src/adapters/nova/HostMacs.js"
import { HostPowerLog, makeInMemoryHostPowerLog } from "../../../src/adapters/nova/HostPowerLog.js"
import { MigrationLogInMemory } from "../../../src/adapters/nova/MigrationLog.js"
import { defaultMigrationPolicy } from "../../../src/adapters/nova/MigrationPolicy.js"
import { OpenStackCloudLive } from "../../../src/adapters/nova/OpenStackCloudLive.js"
import type { OpenStackCloudOptions } from "../../../src/adapters/nova/OpenStackConfig.js"
import { UsageHistoryInMemory } from "../../../src/adapters/nova/UsageHistory.js"
import { Cloud } from "../../../src/core/Cloud.js"
import {
  adminCredentials,
  fakeCloudAndSshdEnv,
  type PhysicalHost,
  playPhysicalHost,
  sshUser
} from "../../support/fakeCloud.js"
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
import { keystoneOptions, novaRequestOptions } from "../../support/novaTestLayers.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { expectedMagicPacket } from "../../support/wolListener.js"

const host = "compute4"
const mac = "52:54:00:4e:45:04"

describeWithRequirement("suspend and wake (real Nova, sshd and UDP on loopback)", fakeCloudAndSshdEnv, (values) => {
  const credentials = adminCredentials(values)
  const scratch = mkdtempSync(join(tmpdir(), "neat-power-"))
  const marker = join(scratch, "asleep")
  // The real host key, pinned for the sshd's port and for port 1 (where nothing listens).
  const knownHosts = join(scratch, "known_hosts")
  const pinned = readFileSync(values.NEAT_TEST_SSH_KNOWN_HOSTS, "utf8")
  writeFileSync(knownHosts, `${pinned}${pinned.replace(/\]:\d+/, "]:1")}`)
  let admin: AdminSession
  let machine: PhysicalHost
  let drained = ""

  const options = (sshPort: number): OpenStackCloudOptions => ({
    keystone: keystoneOptions(credentials),
    nova: novaRequestOptions(),
    tls: { insecure: false },
    // compute1 receives the VM drained from compute4.
    inventory: { computeHosts: ["compute1", host], hostMhzPerCore: 2000, hostMhz: {} },
    migration: defaultMigrationPolicy,
    power: {
      sleepCommand: ["touch", marker],
      sshAddresses: { [host]: "127.0.0.1" },
      suspendVerifyTimeoutSec: 20,
      wakeTimeoutSec: 3,
      wakeResends: 1,
      pollIntervalSec: 0.3
    },
    ssh: {
      username: sshUser,
      privateKeyPath: values.NEAT_TEST_SSH_KEY,
      knownHostsPath: knownHosts,
      port: sshPort,
      connectTimeoutSec: 5,
      commandTimeoutSec: 10
    },
    wol: { address: "127.0.0.1", port: 0, sendTimeoutSec: 2 },
    hostMacs: { [host]: mac }
  })

  let runtime: ManagedRuntime.ManagedRuntime<Cloud | HostPowerLog, unknown>
  const makeRuntime = (sshPort: number) => {
    const base = options(sshPort)
    const opts = { ...base, wol: { ...base.wol, port: machine.listener.port } }
    return ManagedRuntime.make(
      OpenStackCloudLive(opts).pipe(
        Layer.provideMerge(
          Layer.mergeAll(
            UsageHistoryInMemory,
            MigrationLogInMemory,
            Layer.effect(HostPowerLog, makeInMemoryHostPowerLog),
            HostMacsFromConfig(opts.hostMacs)
          )
        )
      )
    )
  }
  const serviceOf = async () => (await computeServices(admin)).find((s) => s.host === host)

  beforeAll(async () => {
    admin = await adminSession(credentials)
    machine = await playPhysicalHost(admin, { host, mac, marker })
    runtime = makeRuntime(Number(values.NEAT_TEST_SSH_PORT))
  })

  afterAll(async () => {
    await machine.stop()
    await updateService(admin, host, { forced_down: false, status: "enabled" })
    if (drained !== "") {
      await deleteServer(admin, drained)
      await waitDeleted(admin, drained)
    }
    await runtime.dispose()
    rmSync(scratch, { recursive: true, force: true })
  })

  const hostPower = async () =>
    (await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.hosts))).find((h) => h.name === host)?.power

  it("refuses to suspend a host that runs a VM; once the VM is live-migrated off, the host is empty", async () => {
    drained = await bootServer(admin, {
      name: `neat-drain-${Date.now().toString(36)}`,
      imageId: await fakeImageId(admin),
      flavorId: "1",
      host
    })
    await waitActive(admin, drained)
    const refused = await runtime.runPromise(Effect.either(Effect.flatMap(Cloud, (cloud) => cloud.suspendHost(host))))
    assert.isTrue(Either.isLeft(refused) && refused.left._tag === "CloudActionError")
    if (Either.isLeft(refused) && refused.left._tag === "CloudActionError") {
      assert.match(refused.left.message, new RegExp(`still runs 1 VM\\(s\\): ${drained}`))
    }
    assert.strictEqual((await serviceOf())?.status, "enabled", "a refused suspend changes nothing")
    const outcomes = await runtime.runPromise(
      Effect.flatMap(Cloud, (cloud) => cloud.migrate([{ vm: drained, from: host, to: "compute1" }]))
    )
    assert.strictEqual(outcomes[0]?._tag, "Migrated", JSON.stringify(outcomes))
    assert.strictEqual((await serverView(admin, drained))?.host, "compute1")
    const hosts = await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.hosts))
    assert.deepStrictEqual(hosts.find((h) => h.name === host)?.vms, [])
  })

  it("suspends an empty host: service disabled by Neat, sleep command over SSH, verified down, recorded", async () => {
    assert.strictEqual(await hostPower(), "active")
    await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.suspendHost(host)))
    const service = await serviceOf()
    assert.strictEqual(service?.status, "disabled")
    assert.strictEqual(service?.state, "down")
    assert.match(service?.disabledReason ?? "", /^Neat: /)
    assert.strictEqual(await hostPower(), "suspended")
    const records = await runtime.runPromise(Effect.flatMap(HostPowerLog, (log) => log.latest(host)))
    assert.strictEqual(records._tag === "Some" ? records.value.state : undefined, "suspended")
  })

  it("wakes it with a magic packet on loopback, waits until it is up and enables it again", async () => {
    const before = machine.listener.packets.length
    await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.wakeHost(host)))
    const packets = machine.listener.packets.slice(before)
    assert.isAtLeast(packets.length, 1)
    for (const packet of packets) {
      assert.strictEqual(packet.fromAddress, "127.0.0.1")
      assert.isTrue(packet.bytes.equals(expectedMagicPacket(mac)))
    }
    const service = await serviceOf()
    assert.strictEqual(service?.status, "enabled")
    assert.strictEqual(service?.state, "up")
    assert.strictEqual(await hostPower(), "active")
  })

  it("re-enables the service when the SSH server refuses, so the host is not lost", async () => {
    const refusing = makeRuntime(1)
    try {
      const result = await refusing.runPromise(Effect.either(Effect.flatMap(Cloud, (cloud) => cloud.suspendHost(host))))
      assert.isTrue(Either.isLeft(result))
      assert.isTrue(Either.isLeft(result) && result.left._tag === "CloudActionError")
      if (Either.isLeft(result) && result.left._tag === "CloudActionError") {
        assert.match(result.left.message, /not started over SSH \(connect\)/)
      }
      const service = await serviceOf()
      assert.strictEqual(service?.status, "enabled")
      assert.strictEqual(service?.state, "up")
    } finally {
      await refusing.dispose()
    }
  })

  it("marks a host that never wakes as failed after a bounded number of packets, and clears the mark on a later wake", async () => {
    await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.suspendHost(host)))
    machine.answersPackets = false
    const before = machine.listener.packets.length
    const result = await runtime.runPromise(Effect.either(Effect.flatMap(Cloud, (cloud) => cloud.wakeHost(host))))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result) && result.left._tag === "CloudActionError")
      assert.match(result.left.message, /marked failed/)
    assert.strictEqual(machine.listener.packets.length - before, 2, "one packet and one re-send")
    assert.strictEqual(await hostPower(), "failed")
    const service = await serviceOf()
    assert.strictEqual(service?.status, "disabled", "a host that did not wake stays disabled")
    // Once it does come up, a wake clears the mark.
    machine.answersPackets = true
    await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.wakeHost(host)))
    assert.strictEqual(await hostPower(), "active")
  })
})
