/** Suspend and wake decisions over in-memory doubles of Nova, SSH and Wake-on-LAN. */
import { Effect, Either, Layer } from "effect"
import { assert, describe, it } from "vitest"
import { HostMacsFromConfig } from "../../../src/adapters/nova/HostMacs.js"
import { type HostPowerOptions, makeHostPower } from "../../../src/adapters/nova/HostPower.js"
import { HostPowerLog, makeInMemoryHostPowerLog } from "../../../src/adapters/nova/HostPowerLog.js"
import { Nova, type NovaApi } from "../../../src/adapters/nova/Nova.js"
import type { ComputeService, Server } from "../../../src/adapters/nova/NovaModels.js"
import { powerStateOf, unusableTargetReason } from "../../../src/adapters/nova/OpenStackCloud.js"
import { type ExecResult, RemoteShell, SshError } from "../../../src/adapters/nova/RemoteShell.js"
import { WakeOnLan } from "../../../src/adapters/nova/WakeOnLan.js"

const service = (overrides: Partial<ComputeService> = {}): ComputeService => ({
  id: "svc-1",
  binary: "nova-compute",
  host: "compute1",
  status: "enabled",
  state: "up",
  disabled_reason: null,
  forced_down: false,
  ...overrides
})

const options: HostPowerOptions = {
  sleepCommand: ["systemctl", "suspend"],
  sshAddresses: { compute1: "10.0.0.1" },
  suspendVerifyTimeoutSec: 0.05,
  wakeTimeoutSec: 0.05,
  wakeResends: 2,
  pollIntervalSec: 0.01
}

interface World {
  svc: ComputeService
  servers: ReadonlyArray<Server>
  execs: Array<[string, ReadonlyArray<string>]>
  packets: Array<string>
  statusCalls: Array<string>
}

const run = async (
  world: World,
  shellResult: Effect.Effect<ExecResult, SshError>,
  action: "suspend" | "wake",
  onExec: (w: World) => void = () => {},
  onPacket: (w: World) => void = () => {}
) => {
  const nova: NovaApi = {
    hypervisors: Effect.succeed([]),
    computeServices: Effect.sync(() => [world.svc]),
    servers: Effect.sync(() => world.servers),
    server: () => Effect.dieMessage("unused"),
    flavors: Effect.succeed([]),
    serverGroups: Effect.succeed([]),
    liveMigrate: () => Effect.dieMessage("unused"),
    liveMigrations: () => Effect.succeed([]),
    abortLiveMigration: () => Effect.void,
    setServiceStatus: (_, status) =>
      Effect.sync(() => {
        world.statusCalls.push(status.enabled ? "enable" : `disable: ${status.reason}`)
        world.svc = status.enabled
          ? { ...world.svc, status: "enabled", disabled_reason: null }
          : { ...world.svc, status: "disabled", disabled_reason: status.reason }
        return world.svc
      })
  }
  const log = await Effect.runPromise(makeInMemoryHostPowerLog)
  const layer = Layer.mergeAll(
    Layer.succeed(Nova, nova),
    Layer.succeed(RemoteShell, {
      exec: (host, argv) =>
        Effect.sync(() => {
          world.execs.push([host, argv])
          onExec(world)
        }).pipe(Effect.zipRight(shellResult))
    }),
    Layer.succeed(WakeOnLan, {
      send: (mac) =>
        Effect.sync(() => {
          world.packets.push(mac)
          onPacket(world)
        })
    }),
    HostMacsFromConfig({ compute1: "52:54:00:00:00:01" }),
    Layer.succeed(HostPowerLog, log)
  )
  const result = await Effect.runPromise(
    Effect.either(
      Effect.flatMap(makeHostPower(options), (power) => power[action]("compute1")).pipe(Effect.provide(layer))
    )
  )
  return { result, records: await Effect.runPromise(log.records) }
}

const world = (overrides: Partial<World> = {}): World => ({
  svc: service(),
  servers: [],
  execs: [],
  packets: [],
  statusCalls: [],
  ...overrides
})
const exited = (code: number): Effect.Effect<ExecResult, SshError> =>
  Effect.succeed({ _tag: "Exited", code, stdout: "", stderr: code === 0 ? "" : "permission denied" })
const goesDown = (w: World) => {
  w.svc = { ...w.svc, state: "down" }
}
const comesUp = (w: World) => {
  w.svc = { ...w.svc, state: "up" }
}
const message = (result: Either.Either<void, { readonly _tag: string }>) =>
  Either.isLeft(result) && "message" in result.left ? String(result.left.message) : ""

describe("HostPower.suspend", () => {
  it("disables the service with a Neat reason, runs the command at the host's SSH address and records once down", async () => {
    const w = world()
    const { result, records } = await run(w, exited(0), "suspend", goesDown)
    assert.isTrue(Either.isRight(result), message(result))
    assert.match(w.statusCalls[0] ?? "", /^disable: Neat: suspended by Neat/)
    assert.deepStrictEqual(w.execs, [["10.0.0.1", ["systemctl", "suspend"]]])
    assert.deepStrictEqual(
      records.map((r) => r.state),
      ["suspended"]
    )
  })

  it("counts a dropped connection as sent and still verifies the host down", async () => {
    const w = world()
    const { result } = await run(w, Effect.succeed({ _tag: "Dropped", stdout: "", stderr: "" }), "suspend", goesDown)
    assert.isTrue(Either.isRight(result))
  })

  it("does not record a host whose service stays up, and leaves it disabled", async () => {
    const w = world()
    const { result, records } = await run(w, exited(0), "suspend")
    assert.match(message(result), /sent \(exited\) but the compute service was still up/)
    assert.deepStrictEqual(records, [])
    assert.strictEqual(w.svc.status, "disabled")
  })

  it("refuses a host that still runs VMs, without touching it", async () => {
    const vm: Server = {
      id: "vm-1",
      name: "vm-1",
      status: "ACTIVE",
      "OS-EXT-SRV-ATTR:host": "compute1",
      "OS-EXT-STS:task_state": null,
      flavor: { ram: 512, vcpus: 1 }
    }
    const w = world({ servers: [vm] })
    const { result } = await run(w, exited(0), "suspend")
    assert.match(message(result), /still runs 1 VM\(s\): vm-1/)
    assert.deepStrictEqual(w.statusCalls, [])
    assert.deepStrictEqual(w.execs, [])
  })

  it("leaves a host an operator disabled alone", async () => {
    const w = world({ svc: service({ status: "disabled", disabled_reason: "hardware repair" }) })
    const { result } = await run(w, exited(0), "suspend")
    assert.match(message(result), /disabled by an operator \(hardware repair\)/)
    assert.deepStrictEqual(w.execs, [])
  })

  it("enables the service again when the command fails or never starts", async () => {
    const failing = world()
    const { result } = await run(failing, exited(1), "suspend")
    assert.match(message(result), /exited with code 1: permission denied/)
    assert.strictEqual(failing.svc.status, "enabled")
    const refused = world()
    const { result: refusal } = await run(
      refused,
      Effect.fail(new SshError({ host: "10.0.0.1", stage: "host-key", message: "changed key" })),
      "suspend"
    )
    assert.match(message(refusal), /not started over SSH \(host-key\): changed key/)
    assert.strictEqual(refused.svc.status, "enabled")
  })
})

describe("HostPower.wake", () => {
  const asleep = () =>
    world({ svc: service({ status: "disabled", state: "down", disabled_reason: "Neat: suspended" }) })

  it("sends a packet, waits until the service is up, enables it and records", async () => {
    const w = asleep()
    const { result, records } = await run(w, exited(0), "wake", () => {}, comesUp)
    assert.isTrue(Either.isRight(result), message(result))
    assert.deepStrictEqual(w.packets, ["52:54:00:00:00:01"])
    assert.deepStrictEqual(w.statusCalls, ["enable"])
    assert.deepStrictEqual(
      records.map((r) => r.state),
      ["active"]
    )
  })

  it("re-sends a bounded number of times, then marks the host failed", async () => {
    const w = asleep()
    const { result, records } = await run(w, exited(0), "wake")
    assert.match(message(result), /did not come up after 3 magic packet\(s\).*marked failed/)
    assert.strictEqual(w.packets.length, 3)
    assert.deepStrictEqual(w.statusCalls, [])
    assert.deepStrictEqual(
      records.map((r) => r.state),
      ["failed"]
    )
  })

  it("never re-enables a host an operator disabled", async () => {
    const w = world({ svc: service({ status: "disabled", state: "down", disabled_reason: "maintenance" }) })
    const { result } = await run(w, exited(0), "wake")
    assert.match(message(result), /Neat never re-enables it/)
    assert.deepStrictEqual(w.packets, [])
  })
})

describe("host power states and targets", () => {
  it("derives the power state from the compute service and the failure mark", () => {
    assert.strictEqual(powerStateOf(service(), false, undefined), "active")
    assert.strictEqual(powerStateOf(service({ state: "down" }), false, undefined), "failed")
    assert.strictEqual(
      powerStateOf(service({ status: "disabled", disabled_reason: "Neat: x", state: "down" }), false, undefined),
      "suspended"
    )
    assert.strictEqual(
      powerStateOf(service({ status: "disabled", disabled_reason: "Neat: x" }), false, undefined),
      "suspending"
    )
    assert.strictEqual(
      powerStateOf(service({ status: "disabled", disabled_reason: "repair" }), false, undefined),
      "failed"
    )
    assert.strictEqual(powerStateOf(service(), true, undefined), "failed")
    assert.strictEqual(powerStateOf(service({ state: "down" }), false, "waking"), "waking")
  })

  it("says why a host cannot receive VMs", () => {
    assert.isUndefined(unusableTargetReason(service(), false))
    assert.match(
      unusableTargetReason(service({ status: "disabled", disabled_reason: null }), false) ?? "",
      /operator \(no reason given\)/
    )
    assert.match(unusableTargetReason(service(), true) ?? "", /marked failed/)
    assert.match(unusableTargetReason(service({ state: "down" }), false) ?? "", /down/)
  })
})
