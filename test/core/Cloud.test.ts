/** The batched history reads of `Cloud`, and their VM-by-VM fallback. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { type CloudApi, readHostCpuHistories, readVmCpuHistories } from "../../src/core/Cloud.js"
import { CloudActionError } from "../../src/core/errors.js"
import { InMemoryCloud } from "../support/InMemoryCloud.js"

const setup = () =>
  new InMemoryCloud({
    hosts: [
      { name: "h1", cores: 2, mhzPerCore: 1000, ramMb: 4096, ownCpuMhz: [5, 7] },
      { name: "h2", cores: 2, mhzPerCore: 1000, ramMb: 4096 }
    ],
    vms: [
      { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 200, 300] },
      { uuid: "b", host: "h1", ramMb: 512, cpuMhz: [40] },
      { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [] }
    ]
  })

/** The cloud without its batched reads, as a wrapper that only overrides the one-by-one reads is. */
const oneByOne = (api: CloudApi): CloudApi => {
  const { vmCpuHistories: _vms, hostCpuHistories: _hosts, ...rest } = api
  return rest
}

describe("batched history reads", () => {
  it.effect("use the cloud's batched read, leaving unknown VMs and hosts out", () =>
    Effect.gen(function* () {
      const cloud = setup()
      const vms = yield* readVmCpuHistories(cloud.api, ["a", "b", "c", "gone"], 2)
      assert.deepStrictEqual(Object.fromEntries(vms), { a: [200, 300], b: [40], c: [] })
      const hosts = yield* readHostCpuHistories(cloud.api, ["h1", "h2", "gone"], 2)
      assert.deepStrictEqual(Object.fromEntries(hosts), { h1: [205, 347], h2: [] })
      assert.strictEqual(cloud.batchedReads, 2)
    })
  )

  it.effect("fall back to one read per VM or host with the same answer", () =>
    Effect.gen(function* () {
      const cloud = setup()
      const vms = yield* readVmCpuHistories(oneByOne(cloud.api), ["a", "b", "c", "gone"], 2)
      assert.deepStrictEqual(Object.fromEntries(vms), { a: [200, 300], b: [40], c: [] })
      const hosts = yield* readHostCpuHistories(oneByOne(cloud.api), ["h1", "h2", "gone"], 2)
      assert.deepStrictEqual(Object.fromEntries(hosts), { h1: [205, 347], h2: [] })
      assert.strictEqual(cloud.batchedReads, 0)
    })
  )

  it.effect("fail when the cloud cannot be read, in both ways", () =>
    Effect.gen(function* () {
      const cloud = setup()
      cloud.unreachable = true
      const batched = yield* Effect.flip(readVmCpuHistories(cloud.api, ["a"], 1))
      const single = yield* Effect.flip(readVmCpuHistories(oneByOne(cloud.api), ["a"], 1))
      assert.instanceOf(batched, CloudActionError)
      assert.instanceOf(single, CloudActionError)
    })
  )
})
