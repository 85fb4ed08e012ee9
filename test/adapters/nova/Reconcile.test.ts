/**
 * The OpenStack side of the reconciliation at start, over a hand-written Nova: each pending action
 * is settled from what Nova shows (and finished or undone), and hosts left half-way without one are
 * found. The whole flow against the fake OpenStack is test/server/e2e/crashRecovery.integration.test.ts.
 */
import { Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { type HostPowerApi, neatReasonPrefix } from "../../../src/adapters/nova/HostPower.js"
import { makeInMemoryHostPowerLog } from "../../../src/adapters/nova/HostPowerLog.js"
import { defaultMigrationPolicy } from "../../../src/adapters/nova/MigrationPolicy.js"
import type { NovaApi } from "../../../src/adapters/nova/Nova.js"
import type { ComputeService, Server } from "../../../src/adapters/nova/NovaModels.js"
import { makeReconcile } from "../../../src/adapters/nova/Reconcile.js"
import type { PlanAction } from "../../../src/core/control/PlanAction.js"
import { CloudActionError, UnknownVm } from "../../../src/core/errors.js"

const service = (
  host: string,
  status: "enabled" | "disabled",
  state: "up" | "down",
  reason?: string
): ComputeService => ({
  id: `svc-${host}`,
  binary: "nova-compute",
  host,
  status,
  state,
  disabled_reason: reason ?? null,
  forced_down: false
})

const byNeat = `${neatReasonPrefix} suspended by Neat (consolidation)`

const server = (id: string, host: string, task: string | null = null, status = "ACTIVE"): Server => ({
  id,
  name: id,
  status,
  "OS-EXT-SRV-ATTR:host": host,
  "OS-EXT-STS:task_state": task,
  flavor: { ram: 512, vcpus: 1 }
})

interface World {
  services: Array<ComputeService>
  servers: Map<string, Array<Server>>
  calls: Array<string>
  failSuspend?: boolean
}

/** A Nova whose server `id` answers its scripted views in turn (the last one repeats). */
const novaOf = (world: World): NovaApi =>
  ({
    computeServices: Effect.sync(() => world.services),
    servers: Effect.sync(() => [...world.servers.values()].map((views) => views[0]!)),
    server: (id: string) =>
      Effect.suspend(() => {
        const views = world.servers.get(id)
        if (views === undefined) return Effect.fail(new UnknownVm({ vm: id }))
        const view = views.length > 1 ? views.shift()! : views[0]!
        return Effect.succeed(view)
      })
  }) as unknown as NovaApi

const powerOf = (world: World): HostPowerApi => ({
  suspend: (host) =>
    Effect.suspend(() => {
      world.calls.push(`suspend ${host}`)
      return world.failSuspend
        ? Effect.fail(new CloudActionError({ action: "suspend", target: host, message: "the sleep command failed" }))
        : Effect.void
    }),
  wake: (host) => Effect.sync(() => void world.calls.push(`wake ${host}`))
})

const reconcile = (world: World, pending: ReadonlyArray<PlanAction>, recordedSuspended: ReadonlyArray<string> = []) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const powerLog = yield* makeInMemoryHostPowerLog
      for (const host of recordedSuspended) yield* powerLog.record({ host, state: "suspended", atMs: 0, detail: "" })
      const run = makeReconcile({
        nova: novaOf(world),
        power: powerOf(world),
        powerLog,
        policy: { ...defaultMigrationPolicy, pollIntervalSec: 0.001 },
        managed: () => true,
        tracked: (_host, _state, effect) => effect
      })
      const result = yield* run(pending)
      const latest = yield* Effect.forEach(["c1", "c2", "c3"], (host) => powerLog.latest(host))
      return { ...result, latest: latest.map((record) => Option.getOrUndefined(record)?.state) }
    })
  )

const migrate = (vm: string, from: string, host: string): PlanAction => ({ kind: "migrate", vm, from, host })

describe("makeReconcile", () => {
  it("waits for a migration Nova still runs, and settles each migration from where the VM is", async () => {
    const world: World = {
      services: [service("c1", "enabled", "up"), service("c2", "enabled", "up")],
      servers: new Map([
        ["moving", [server("moving", "c1", "migrating"), server("moving", "c1", "migrating"), server("moving", "c2")]],
        ["stayed", [server("stayed", "c1")]],
        ["broken", [server("broken", "c1", null, "ERROR")]]
      ]),
      calls: []
    }
    const result = await reconcile(world, [
      migrate("moving", "c1", "c2"),
      migrate("stayed", "c1", "c2"),
      migrate("broken", "c1", "c2"),
      migrate("deleted", "c1", "c2")
    ])
    expect(result.actions.map((outcome) => [outcome.state, outcome.detail])).toEqual([
      ["done", "found ACTIVE on c2 at start"],
      ["failed", "the server is ACTIVE on its source c1: Nova did not move it"],
      ["failed", "the server is in ERROR on c1"],
      ["failed", "Nova no longer has the server (deleted)"]
    ])
    expect(result.hosts).toEqual([])
  })

  it("finishes a suspend Neat started on an empty host, and undoes one on a host that still runs VMs", async () => {
    const world: World = {
      services: [
        service("c1", "disabled", "up", byNeat),
        service("c2", "disabled", "up", byNeat),
        service("c3", "disabled", "down", byNeat)
      ],
      servers: new Map([["vm", [server("vm", "c2")]]]),
      calls: []
    }
    const result = await reconcile(world, [
      { kind: "suspend", host: "c1" },
      { kind: "suspend", host: "c2" },
      { kind: "suspend", host: "c3" }
    ])
    expect(result.actions.map((outcome) => [outcome.action.host, outcome.state])).toEqual([
      ["c1", "done"],
      ["c2", "failed"],
      ["c3", "done"]
    ])
    expect(result.actions[1]?.detail).toBe("1 VM(s) run on it; enabled again")
    expect(world.calls).toEqual(["suspend c1", "wake c2"])
    expect(result.latest[2]).toBe("suspended")
  })

  it("leaves an operator's host alone and reports a suspend that never started", async () => {
    const world: World = {
      services: [service("c1", "disabled", "up", "maintenance"), service("c2", "enabled", "up")],
      servers: new Map(),
      calls: []
    }
    const result = await reconcile(world, [
      { kind: "suspend", host: "c1" },
      { kind: "suspend", host: "c2" }
    ])
    expect(result.actions.map((outcome) => outcome.state)).toEqual(["failed", "failed"])
    expect(result.actions[0]?.detail).toMatch(/an operator disabled its compute service \(maintenance\); left alone/)
    expect(result.actions[1]?.detail).toMatch(/never started/)
    expect(world.calls).toEqual([])
  })

  it("wakes again a host whose wake was pending", async () => {
    const world: World = { services: [service("c1", "disabled", "down", byNeat)], servers: new Map(), calls: [] }
    const result = await reconcile(world, [{ kind: "wake", host: "c1" }])
    expect(result.actions.map((outcome) => [outcome.state, outcome.detail])).toEqual([["done", "woken at start"]])
    expect(world.calls).toEqual(["wake c1"])
  })

  it("finds hosts stranded without a pending action: disabled but up, recorded suspended but up", async () => {
    const world: World = {
      services: [
        service("c1", "disabled", "up", byNeat),
        service("c2", "enabled", "up"),
        service("c3", "enabled", "up")
      ],
      servers: new Map(),
      calls: [],
      failSuspend: true
    }
    const result = await reconcile(world, [], ["c2"])
    expect(result.hosts).toEqual([
      {
        host: "c1",
        state: 1,
        detail:
          "disabled by Neat but up: the suspend could not be finished (suspend c1 failed: the sleep command failed); enabled again"
      },
      { host: "c2", state: 1, detail: "recorded suspended, found up and enabled at start" }
    ])
    expect(world.calls).toEqual(["suspend c1", "wake c1"])
    expect(result.latest[1]).toBe("active")
  })
})
