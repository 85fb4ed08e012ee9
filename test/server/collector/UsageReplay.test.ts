import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { makeUsageReplay, seriesOfTrace } from "../../../src/server/collector/UsageReplay.js"

const node = { cpus: 8, mhz: 2000, memoryMb: 16384 }
const domains = [
  { uuid: "11111111-1111-1111-1111-111111111111", name: "a", vcpus: 2 },
  { uuid: "22222222-2222-2222-2222-222222222222", name: "b", vcpus: 1 }
]
const [a, b] = domains.map((d) => d.uuid) as [string, string]

describe("UsageReplay", () => {
  it.effect("grows each VM's CPU time by its series × vCPUs, and the host's counters by VMs plus its own share", () =>
    Effect.gen(function* () {
      const replay = yield* makeUsageReplay({
        hostname: "compute5",
        node,
        domains: Effect.succeed(domains),
        sampleSec: 10,
        hostOwnFraction: 0.05,
        defaultSeries: [0.1]
      })
      assert.strictEqual(yield* replay.libvirt.hostname, "compute5")
      assert.deepStrictEqual(yield* replay.libvirt.nodeInfo, node)
      const entries = yield* replay.libvirt.activeDomains
      assert.deepStrictEqual(
        entries.map((d) => [d.uuid, d.running]),
        [
          [a, true],
          [b, true]
        ]
      )
      yield* replay.setSeries(a, [0.5, 1])
      assert.deepStrictEqual(
        [...(yield* replay.libvirt.cpuTimes(entries))],
        [
          [a, 0],
          [b, 0]
        ]
      )
      yield* replay.procStat.read
      yield* TestClock.adjust("5 seconds")
      // a: first sample (0.5) × 2 vCPUs × 5 s; b: default 0.1 × 1 × 5 s.
      const first = yield* replay.libvirt.cpuTimes(entries)
      assert.strictEqual(first.get(a), 0.5 * 2 * 5e9)
      assert.strictEqual(first.get(b), 0.1 * 5e9)
      const host = yield* replay.procStat.read
      assert.strictEqual(host.total, 8 * 5 * 100)
      assert.strictEqual(host.busy, Math.round((0.5 * 2 + 0.1 + 0.05 * 8) * 5 * 100))
      yield* TestClock.adjust("10 seconds")
      // 15 s: a played its first sample (0.5) for 10 s, then its second (1.0) for 5 s.
      const second = yield* replay.libvirt.cpuTimes(entries)
      assert.strictEqual(second.get(a), 0.5 * 2 * 10e9 + 1 * 2 * 5e9)
    })
  )

  it("takes a VM's series from a trace", () => {
    const trace = {
      names: ["x", "y"],
      intervalSec: 300,
      samples: 3,
      cpu: Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    }
    assert.deepStrictEqual(seriesOfTrace(trace, 1), [0.4, 0.5, 0.6])
  })
})
