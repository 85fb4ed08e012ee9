/**
 * Waking and suspending a host by IPMI through ipmitool, against OpenIPMI's BMC simulator on
 * loopback. The simulated chassis plays the host: the fake Nova reports compute7's service up
 * while the chassis is on, down while it is off. compute1, in the same HostPower, keeps
 * Wake-on-LAN: the method is chosen per host.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { Effect, Either, Layer, Redacted } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { HostMacsFromConfig } from "../../../src/adapters/nova/HostMacs.js"
import { type HostPowerOptions, makeHostPower } from "../../../src/adapters/nova/HostPower.js"
import { HostPowerLog, makeInMemoryHostPowerLog } from "../../../src/adapters/nova/HostPowerLog.js"
import { type IpmiTarget, makeIpmiTool } from "../../../src/adapters/nova/Ipmi.js"
import { Nova, type NovaApi } from "../../../src/adapters/nova/Nova.js"
import type { ComputeService } from "../../../src/adapters/nova/NovaModels.js"
import { RemoteShell } from "../../../src/adapters/nova/RemoteShell.js"
import { WakeOnLan } from "../../../src/adapters/nova/WakeOnLan.js"
import { type IpmiSim, ipmiSimRequirement } from "../../support/ipmiSim.js"
import { describeWithRequirement } from "../../support/requirement.js"

describeWithRequirement("IPMI wake and sleep against ipmi_sim", ipmiSimRequirement, (start) => {
  let sim: IpmiSim
  beforeAll(() => {
    sim = start()
  }, 30_000)
  afterAll(() => sim?.stop())

  const target = (password = sim.password): IpmiTarget => ({
    address: "127.0.0.1",
    port: sim.port,
    user: sim.user,
    password: Redacted.make(password),
    interface: "lanplus",
    // ipmi_sim does not answer ipmitool's cipher suite probe, which would cost 10 s a command.
    cipherSuite: 3
  })
  const chassis = () => readFileSync(sim.powerFile, "utf8").trim()

  const setup = async (password?: string) => {
    const disabled = { status: "disabled", disabled_reason: "Neat: suspended by Neat (consolidation)" } as const
    const services: Record<string, ComputeService> = {
      compute1: {
        id: "svc-1",
        binary: "nova-compute",
        host: "compute1",
        state: "down",
        forced_down: false,
        ...disabled
      },
      compute7: {
        id: "svc-7",
        binary: "nova-compute",
        host: "compute7",
        state: "down",
        forced_down: false,
        ...disabled
      }
    }
    const packets: Array<string> = []
    const sshRuns: Array<string> = []
    const nova: NovaApi = {
      hypervisors: Effect.succeed([]),
      // compute7 is the simulated chassis; compute1 comes up once its magic packet is sent.
      computeServices: Effect.sync(() => [
        services.compute1!,
        { ...services.compute7!, state: chassis() === "on" ? "up" : "down" }
      ]),
      servers: Effect.succeed([]),
      serverGroups: Effect.succeed([]),
      server: () => Effect.dieMessage("unused"),
      flavors: Effect.succeed([]),
      liveMigrate: () => Effect.dieMessage("unused"),
      liveMigrations: () => Effect.succeed([]),
      abortLiveMigration: () => Effect.void,
      setServiceStatus: (id, status) =>
        Effect.sync(() => {
          const host = id === "svc-1" ? "compute1" : "compute7"
          services[host] = status.enabled
            ? { ...services[host]!, status: "enabled", disabled_reason: null }
            : { ...services[host]!, status: "disabled", disabled_reason: status.reason }
          return services[host]!
        })
    }
    const options: HostPowerOptions = {
      sleepCommand: ["systemctl", "suspend"],
      sshAddresses: {},
      suspendVerifyTimeoutSec: 10,
      wakeTimeoutSec: 3,
      wakeResends: 1,
      pollIntervalSec: 0.2,
      wakeMethods: { compute7: "ipmi" },
      ipmi: { targets: { compute7: target(password) }, powerOff: "soft", timeoutSec: 20 }
    }
    const log = await Effect.runPromise(makeInMemoryHostPowerLog)
    const layer = Layer.mergeAll(
      Layer.succeed(Nova, nova),
      Layer.succeed(RemoteShell, {
        exec: (host) => Effect.sync(() => sshRuns.push(host)).pipe(Effect.zipRight(Effect.dieMessage("no SSH here")))
      }),
      Layer.succeed(WakeOnLan, {
        send: (mac) =>
          Effect.sync(() => {
            packets.push(mac)
            services.compute1 = { ...services.compute1!, state: "up" }
          })
      }),
      HostMacsFromConfig({ compute1: "52:54:00:00:00:01" }),
      Layer.succeed(HostPowerLog, log)
    )
    const power = await Effect.runPromise(makeHostPower(options).pipe(Effect.provide(layer)))
    const act = (action: "wake" | "suspend", host: string) => Effect.runPromise(Effect.either(power[action](host)))
    return { act, services, packets, sshRuns, records: () => Effect.runPromise(log.records) }
  }

  it("reads the chassis power through ipmitool", async () => {
    writeFileSync(sim.powerFile, "off\n")
    const ipmi = makeIpmiTool()
    assert.strictEqual(await Effect.runPromise(ipmi.status(target())), "off")
    await Effect.runPromise(ipmi.power(target(), "on"))
    assert.strictEqual(chassis(), "on")
    assert.strictEqual(await Effect.runPromise(ipmi.status(target())), "on")
    writeFileSync(sim.powerFile, "off\n")
  }, 30_000)

  it("wakes the IPMI host by chassis power on, the other by Wake-on-LAN, and puts it back to sleep by a soft power-off", async () => {
    writeFileSync(sim.powerFile, "off\n")
    const world = await setup()

    const woken = await world.act("wake", "compute7")
    assert.isTrue(Either.isRight(woken), JSON.stringify(woken))
    assert.strictEqual(chassis(), "on")
    assert.strictEqual(world.services.compute7?.status, "enabled")
    assert.deepStrictEqual(world.packets, [])

    const other = await world.act("wake", "compute1")
    assert.isTrue(Either.isRight(other), JSON.stringify(other))
    assert.deepStrictEqual(world.packets, ["52:54:00:00:00:01"])

    const slept = await world.act("suspend", "compute7")
    assert.isTrue(Either.isRight(slept), JSON.stringify(slept))
    assert.strictEqual(chassis(), "off")
    assert.match(world.services.compute7?.disabled_reason ?? "", /^Neat: suspended by Neat/)
    assert.deepStrictEqual(world.sshRuns, [], "an IPMI host is not put to sleep over SSH")

    const records = await world.records()
    assert.deepStrictEqual(
      records.map((record) => [record.host, record.state, record.detail]),
      [
        ["compute7", "active", "compute service up and enabled"],
        ["compute1", "active", "compute service up and enabled"],
        ["compute7", "suspended", "IPMI chassis power soft, compute service down, chassis power off"]
      ]
    )
  }, 60_000)

  it("fails the wake with the BMC's refusal when the password is wrong, and marks the host failed", async () => {
    writeFileSync(sim.powerFile, "off\n")
    const world = await setup("wrong-password")
    const woken = await world.act("wake", "compute7")
    assert.isTrue(Either.isLeft(woken))
    if (Either.isLeft(woken)) {
      assert.match(
        woken.left.message,
        /did not come up after 2 IPMI chassis power on command\(s\) over 6 s \(last command: ipmitool chassis power on failed: .+\)/
      )
    }
    assert.strictEqual(chassis(), "off")
    const records = await world.records()
    assert.strictEqual(records.at(-1)?.state, "failed")
  }, 120_000)
})
