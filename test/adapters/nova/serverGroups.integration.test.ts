/**
 * Server groups against a real Keystone + Nova (../shared/openstack/start-fake-cloud.sh, started by
 * .ci/services/openstack.sh): the adapter reads each VM's group in both microversion forms, and a
 * consolidation that would put two members of an anti-affinity group on one host leaves the VM
 * where it is, saying why. Uses compute9 and compute10, which no other suite touches.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { HostPowerLogInMemory } from "../../../src/adapters/nova/HostPowerLog.js"
import { MigrationLog, makeInMemoryMigrationLog } from "../../../src/adapters/nova/MigrationLog.js"
import { defaultMigrationPolicy } from "../../../src/adapters/nova/MigrationPolicy.js"
import { Nova } from "../../../src/adapters/nova/Nova.js"
import { OpenStackCloudFromServices } from "../../../src/adapters/nova/OpenStackCloud.js"
import { makeInMemoryUsageHistory, UsageHistory } from "../../../src/adapters/nova/UsageHistory.js"
import { Cloud } from "../../../src/core/Cloud.js"
import { takeSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { defaultPlanningOptions, planReallocation } from "../../../src/core/control/GlobalPlanning.js"
import { reallocateOn } from "../../../src/core/control/Reallocate.js"
import { bestFitDecreasing } from "../../support/algorithms.js"
import { adminCredentials, fakeCloudEnv, noHostPower } from "../../support/fakeCloud.js"
import {
  type AdminSession,
  adminSession,
  bootServer,
  createServerGroup,
  deleteServer,
  deleteServerGroup,
  fakeImageId,
  serverView,
  waitActive,
  waitDeleted
} from "../../support/fakeCloudAdmin.js"
import { keystoneOptions, novaLayer, novaRequestOptions } from "../../support/novaTestLayers.js"
import { describeWithRequirement } from "../../support/requirement.js"

const groupHosts = ["compute9", "compute10"]

describeWithRequirement("server groups (real Keystone + Nova)", fakeCloudEnv, (values) => {
  const credentials = adminCredentials(values)
  const usage = Effect.runSync(makeInMemoryUsageHistory)
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      OpenStackCloudFromServices(
        { computeHosts: groupHosts, hostMhzPerCore: 2000, hostMhz: {} },
        defaultMigrationPolicy
      ).pipe(
        Layer.provideMerge(
          Layer.mergeAll(
            novaLayer(keystoneOptions(credentials)),
            noHostPower,
            HostPowerLogInMemory,
            Layer.succeed(UsageHistory, usage),
            Layer.effect(MigrationLog, makeInMemoryMigrationLog)
          )
        )
      ),
      DecisionLog.memory
    )
  )

  let admin: AdminSession
  let group = ""
  let web1 = ""
  let web2 = ""
  const booted: Array<string> = []

  beforeAll(async () => {
    admin = await adminSession(credentials)
    const image = await fakeImageId(admin)
    const suffix = Date.now().toString(36)
    group = await createServerGroup(admin, `neat-it-web-${suffix}`, "anti-affinity")
    web1 = await bootServer(admin, {
      name: `neat-it-web1-${suffix}`,
      imageId: image,
      flavorId: "1",
      host: "compute9",
      group
    })
    booted.push(web1)
    web2 = await bootServer(admin, {
      name: `neat-it-web2-${suffix}`,
      imageId: image,
      flavorId: "1",
      host: "compute10",
      group
    })
    booted.push(web2)
    for (const id of booted) await waitActive(admin, id)
    // Both VMs are nearly idle: compute9 is underloaded, and compute10 has all the room web-1 needs.
    for (const sample of [200, 180, 190]) {
      await Effect.runPromise(usage.addVmSample(web1, sample))
      await Effect.runPromise(usage.addVmSample(web2, sample))
    }
    for (const host of groupHosts) await Effect.runPromise(usage.addHostSample(host, 400))
  }, 120_000)

  afterAll(async () => {
    for (const id of booted) await deleteServer(admin, id)
    for (const id of booted) await waitDeleted(admin, id)
    if (group !== "") await deleteServerGroup(admin, group)
    await runtime.dispose()
  }, 120_000)

  it("reads each VM's group and policy, at 2.79 (policy) and at 2.60 (policies)", async () => {
    const vms = await runtime.runPromise(Effect.flatMap(Cloud, (cloud) => cloud.vms))
    for (const id of [web1, web2]) {
      const vm = vms.find((v) => v.uuid === id)
      assert.strictEqual(vm?.serverGroup?.id, group)
      assert.strictEqual(vm?.serverGroup?.policy, "anti-affinity")
      assert.match(vm?.serverGroup?.name ?? "", /^neat-it-web-/)
    }
    const older = await Effect.runPromise(
      Effect.flatMap(Nova, (nova) => nova.serverGroups).pipe(
        Effect.provide(novaLayer(keystoneOptions(credentials), novaRequestOptions({ microversion: "2.60" })))
      )
    )
    const mine = older.find((g) => g.id === group)
    assert.deepStrictEqual(mine?.policies, ["anti-affinity"])
    assert.sameMembers([...(mine?.members ?? [])], [web1, web2])
  })

  it("never puts the anti-affinity pair on one host: the underloaded host keeps its VM, and the decision says why", async () => {
    const request = { host: "compute9", reason: "underload" as const, vmUuids: [] }
    const options = { ...defaultPlanningOptions, vmHistoryLength: 3 }
    const snapshot = await runtime.runPromise(takeSnapshot({ historyLength: 3, fullHistoryHost: "compute9" }))
    // Without its group, web-1 would join web-2 on compute10.
    const ungrouped = {
      ...snapshot,
      vms: new Map([...snapshot.vms].map(([uuid, vm]) => [uuid, { ...vm, serverGroup: undefined }]))
    }
    const free = planReallocation(ungrouped, request, bestFitDecreasing(), null, options)
    assert.deepStrictEqual(free.plan.migrations, [{ vm: web1, from: "compute9", to: "compute10" }])

    const result = await runtime.runPromise(reallocateOn(snapshot, request, bestFitDecreasing(), null, options))
    const decision = result.decision
    assert.strictEqual(decision.status, "serverGroup")
    assert.strictEqual(decision.outcome, "skipped")
    assert.deepStrictEqual(decision.plan.migrations, [])
    assert.match(
      decision.detail,
      new RegExp(
        `^the host cannot be emptied: VM ${web1} stays: its anti-affinity group neat-it-web-\\S+ \\(${group}\\) has members on compute10, and no other host has room for it$`
      )
    )
    const logged = await runtime.runPromise(Effect.flatMap(DecisionLog, (log) => log.selectDecisions(10)))
    assert.strictEqual(logged.at(-1)?.status, "serverGroup")
    assert.strictEqual((await serverView(admin, web1))?.host, "compute9")
    assert.strictEqual((await serverView(admin, web2))?.host, "compute10")
  })
})
