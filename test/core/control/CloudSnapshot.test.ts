/** Reading a snapshot of the cloud: batched reads, and the same snapshot without them. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Cloud, type CloudApi } from "../../../src/core/Cloud.js"
import { takeSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const setup = () =>
  new InMemoryCloud({
    hosts: [
      { name: "h1", cores: 2, mhzPerCore: 1000, ramMb: 4096, ownCpuMhz: [50, 60] },
      { name: "h2", cores: 2, mhzPerCore: 1000, ramMb: 4096, ownCpuMhz: [30] },
      { name: "h3", cores: 2, mhzPerCore: 1000, ramMb: 4096, power: "suspended" }
    ],
    vms: [
      { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 200, 300] },
      { uuid: "b", host: "h1", ramMb: 512, cpuMhz: [] },
      { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [10, 20] }
    ]
  })

const withoutBatches = (api: CloudApi): CloudApi => {
  const { vmCpuHistories: _vms, hostCpuHistories: _hosts, ...rest } = api
  return rest
}

const options = { historyLength: 3, fullHistory: new Set(["c"]) }

describe("takeSnapshot", () => {
  it.effect("reads histories in three batched reads: latest samples, full histories, host totals", () =>
    Effect.gen(function* () {
      const cloud = setup()
      const snapshot = yield* takeSnapshot(options).pipe(Effect.provideService(Cloud, cloud.api))
      assert.strictEqual(cloud.batchedReads, 3)
      assert.deepStrictEqual(Object.fromEntries(snapshot.vmCpuMhz), { a: [300], b: [], c: [10, 20] })
      // The hosts' own use is their latest total minus their VMs' latest samples.
      assert.deepStrictEqual(Object.fromEntries(snapshot.hostOwnMhz), { h1: 60, h2: 30 })
    })
  )

  it.effect("gives the same snapshot from a cloud that reads VM by VM", () =>
    Effect.gen(function* () {
      const batched = yield* takeSnapshot(options).pipe(Effect.provideService(Cloud, setup().api))
      const single = yield* takeSnapshot(options).pipe(Effect.provideService(Cloud, withoutBatches(setup().api)))
      assert.deepStrictEqual(single, batched)
    })
  )

  it.effect("leaves out a VM deleted between the inventory and the history read", () =>
    Effect.gen(function* () {
      const cloud = setup()
      const api: CloudApi = {
        ...cloud.api,
        vms: Effect.tap(cloud.api.vms, () => Effect.sync(() => cloud.deleteVm("a")))
      }
      const snapshot = yield* takeSnapshot(options).pipe(Effect.provideService(Cloud, api))
      assert.isFalse(snapshot.vmCpuMhz.has("a"))
      assert.isTrue(snapshot.vms.has("a"))
    })
  )
})
