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

  it.effect("reads the same counters in every process: they are functions of time, anchored at the epoch", () =>
    Effect.gen(function* () {
      const make = makeUsageReplay({
        hostname: "compute5",
        node,
        domains: Effect.succeed(domains),
        sampleSec: 300,
        hostOwnFraction: 0.05,
        defaultSeries: (uuid) => (uuid === a ? [0.2, 0.7, 0.4] : [0.9, 0.1])
      })
      // Two runs of `neat collect --once`, 5 minutes apart, each a fresh process.
      const t1 = 5_900_000 * 300_000
      yield* TestClock.setTime(t1)
      const first = yield* make
      const early = yield* first.libvirt.cpuTimes(yield* first.libvirt.activeDomains)
      const earlyHost = yield* first.procStat.read
      yield* TestClock.setTime(t1 + 300_000)
      const second = yield* make
      const late = yield* second.libvirt.cpuTimes(yield* second.libvirt.activeDomains)
      const lateHost = yield* second.procStat.read
      // From t1 (sample 5_900_000) a plays 0.4 on 2 vCPUs and b plays 0.9 on 1, for 300 s.
      assert.deepStrictEqual([5_900_000 % 3, 5_900_000 % 2], [2, 0])
      assert.strictEqual(late.get(a)! - early.get(a)!, 240e9)
      assert.strictEqual(late.get(b)! - early.get(b)!, 270e9)
      assert.strictEqual(lateHost.total - earlyHost.total, 8 * 300 * 100)
      // 0.4 × 2 + 0.9 cores, plus 5 % of 8 cores.
      assert.strictEqual(lateHost.busy - earlyHost.busy, 2.1 * 300 * 100)
      // And the first process, asked again at t2, agrees with the second.
      assert.deepStrictEqual(yield* first.libvirt.cpuTimes(yield* first.libvirt.activeDomains), late)
      assert.deepStrictEqual(yield* first.procStat.read, lateHost)
    })
  )

  it.effect("continues a VM's counter when its series changes at runtime", () =>
    Effect.gen(function* () {
      const replay = yield* makeUsageReplay({
        hostname: "compute5",
        node,
        domains: Effect.succeed(domains),
        sampleSec: 10,
        hostOwnFraction: 0,
        defaultSeries: [0.5]
      })
      const entries = yield* replay.libvirt.activeDomains
      yield* TestClock.setTime(1_000_007)
      const before = (yield* replay.libvirt.cpuTimes(entries)).get(b)!
      // The new series starts now, at its first sample, mid-way through the default's sample.
      yield* replay.setSeries(b, [0.1, 0.3])
      assert.strictEqual((yield* replay.libvirt.cpuTimes(entries)).get(b), before)
      yield* TestClock.adjust("15 seconds")
      assert.strictEqual((yield* replay.libvirt.cpuTimes(entries)).get(b), before + 0.1 * 10e9 + 0.3 * 5e9)
      // Back to the default series (an empty one), still from the counter's value.
      const switched = (yield* replay.libvirt.cpuTimes(entries)).get(b)!
      yield* replay.setSeries(b, [])
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual((yield* replay.libvirt.cpuTimes(entries)).get(b), switched + 0.5 * 4e9)
    })
  )

  it.effect("wraps a CPU-time counter at 2^53 ns, which the collector reads as a reset", () =>
    Effect.gen(function* () {
      const replay = yield* makeUsageReplay({
        hostname: "compute5",
        node,
        domains: Effect.succeed([{ uuid: a, name: "a", vcpus: 1 }]),
        sampleSec: 60,
        hostOwnFraction: 0,
        defaultSeries: [1]
      })
      const entries = yield* replay.libvirt.activeDomains
      // A fully busy vCPU reaches 2^53 ns (about 104 days) just after this.
      yield* TestClock.setTime(Math.floor(2 ** 53 / 1e6))
      const before = (yield* replay.libvirt.cpuTimes(entries)).get(a)!
      yield* TestClock.adjust("1 second")
      const after = (yield* replay.libvirt.cpuTimes(entries)).get(a)!
      assert.strictEqual(before, Math.floor(2 ** 53 / 1e6) * 1e6)
      assert.strictEqual(after, before + 1e9 - 2 ** 53)
      assert.isTrue(Number.isSafeInteger(before) && Number.isSafeInteger(after))
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
