/** The replay source neat.conf selects: domains from libvirt, CPU use replayed from a trace. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import { afterAll } from "vitest"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { collectorSource } from "../../../src/server/cli/collect.js"
import type { LibvirtService } from "../../../src/server/collector/Libvirt.js"
import { Libvirt } from "../../../src/server/collector/Libvirt.js"
import { ProcStat } from "../../../src/server/collector/ProcStat.js"
import { replaySource, seriesIndexOf } from "../../../src/server/collector/replaySource.js"
import { runCollector } from "../../../src/server/collector/runCollector.js"
import { loadNeatConfig } from "../../../src/server/config/NeatConfig.js"
import { Store } from "../../../src/server/db/Store.js"

/** Four VMs with constant use 0.1, 0.2, 0.3, 0.4 of their capacity. */
const trace: Trace = {
  names: ["v0", "v1", "v2", "v3"],
  intervalSec: 300,
  samples: 2,
  cpu: Float64Array.from([0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4])
}

const uuids = ["6695eb01-f6a4-8304-79aa-97f2502e193f", "aaaaaaaa-0000-0000-0000-000000000001"]

const libvirt: LibvirtService = {
  hostname: Effect.succeed("compute7"),
  nodeInfo: Effect.succeed({ cpus: 4, mhz: 2000, memoryMb: 8192 }),
  activeDomains: Effect.succeed(uuids.map((uuid, i) => ({ uuid, name: `vm${i}`, running: true }))),
  cpuTimes: () => Effect.succeed(new Map())
}

describe("replay source", () => {
  it("picks a series by a stable hash of the UUID", () => {
    assert.strictEqual(seriesIndexOf(uuids[0]!, 4), seriesIndexOf(uuids[0]!, 4))
    const spread = new Set(Array.from({ length: 40 }, (_, i) => seriesIndexOf(`vm-${i}`, 4)))
    assert.strictEqual(spread.size, 4)
  })

  it.effect("keeps libvirt's host and domains, and grows each domain's CPU time by its trace series", () =>
    Effect.gen(function* () {
      const layer = yield* replaySource(libvirt, { trace, sampleSec: 300, hostOwnFraction: 0.05 })
      const { replayed, hostname } = yield* Effect.gen(function* () {
        const source = yield* Libvirt
        const domains = yield* source.activeDomains
        yield* source.cpuTimes(domains)
        yield* TestClock.adjust("10 seconds")
        return { replayed: yield* source.cpuTimes(domains), hostname: yield* source.hostname }
      }).pipe(Effect.provide(layer))
      assert.strictEqual(hostname, "compute7")
      for (const uuid of uuids) {
        const expected = trace.cpu[seriesIndexOf(uuid, 4) * 2]! * 10 * 1e9
        assert.closeTo(replayed.get(uuid)!, expected, 1)
      }
    })
  )
})

describe("neat collect --once with the replay source", () => {
  const directory = mkdtempSync(join(tmpdir(), "neat-replay-once-"))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  /** Series that change every sample, so that a run replaying from the wrong instant reads other values. */
  const varying: Trace = {
    names: ["v0", "v1", "v2"],
    intervalSec: 300,
    samples: 3,
    cpu: Float64Array.from([0.64, 0.3, 0.07, 0.15, 0.9, 0.42, 0.5, 0.25, 0.81])
  }
  const sampleMs = 300_000
  const valueAt = (uuid: string, atMs: number) => varying.cpu[seriesIndexOf(uuid, 3) * 3 + ((atMs / sampleMs) % 3)]!

  it.effect("records, from each run's fresh replay, the MHz the series say, as the collector reads libvirt", () =>
    Effect.gen(function* () {
      const settings = {
        localDataDirectory: join(directory, "data"),
        dataCollectorDataLength: 10,
        dataCollectorInterval: 300,
        hostCpuUsableByVms: 1,
        hostCpuOverloadThreshold: 0.8,
        localHostName: "",
        localHostMac: "52-54-00-AB-CD-EF"
      }
      // Each run is a new process: a new replay, which has seen nothing before.
      const runOnce = Effect.flatMap(
        replaySource(libvirt, { trace: varying, sampleSec: 300, hostOwnFraction: 0.05 }),
        (layer) => runCollector(settings, { once: true }).pipe(Effect.provide(layer))
      )
      // Three runs 5 minutes apart, from a sample that starts in 2026.
      const t1 = 5_900_000 * sampleMs
      for (const atMs of [t1, t1 + sampleMs, t1 + 2 * sampleMs]) {
        yield* TestClock.setTime(atMs)
        yield* runOnce
      }
      const store = yield* Store
      // 4 cores of 2000 MHz; each VM has one vCPU.
      for (const uuid of uuids) {
        const expected = [t1, t1 + sampleMs].map((atMs) => Math.trunc(2000 * valueAt(uuid, atMs)))
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(uuid, 10), expected)
        assert.strictEqual(
          readFileSync(join(settings.localDataDirectory, "vms", uuid), "utf8"),
          expected.map((mhz) => `${mhz}\n`).join("")
        )
      }
      // The hypervisor's own 5 % of 8000 MHz, once the VMs' MHz are taken off the host's.
      assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute7", 10), [400, 400])
    }).pipe(Effect.provide(Layer.merge(Store.layer(":memory:"), NodeContext.layer)))
  )
})

describe("collector_source in neat.conf", () => {
  const load = (env: Record<string, string>) => loadNeatConfig({ env }).pipe(Effect.provide(NodeContext.layer))

  it.effect("defaults to libvirt", () =>
    Effect.gen(function* () {
      const settings = yield* load({})
      assert.strictEqual(settings.collectorSource, "libvirt")
      yield* collectorSource(settings)
    })
  )

  it.effect("refuses an unknown source, naming the option", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(load({ NEAT_COLLECTOR_SOURCE: "magic" }))
      assert.match(JSON.stringify(error), /collector_source/)
    })
  )

  it.effect("replay needs a trace, and names replay_trace when it is missing or unreadable", () =>
    Effect.gen(function* () {
      const empty = yield* load({ NEAT_COLLECTOR_SOURCE: "replay", NEAT_REPLAY_TRACE: "" })
      const missing = yield* Effect.flip(collectorSource(empty))
      assert.strictEqual(missing._tag, "ConfigError")
      assert.match(JSON.stringify(missing), /replay_trace/)
      const bad = yield* load({ NEAT_COLLECTOR_SOURCE: "replay", NEAT_REPLAY_TRACE: "synthetic:vms=zero" })
      assert.match(JSON.stringify(yield* Effect.flip(collectorSource(bad))), /replay_trace/)
    })
  )

  it.effect("replay serves the collector libvirt's domains with CPU time from the trace, and host counters", () =>
    Effect.gen(function* () {
      const settings = yield* load({ NEAT_COLLECTOR_SOURCE: "replay", NEAT_REPLAY_TRACE: "synthetic:vms=5" })
      assert.strictEqual(settings.replaySampleSec, 300)
      const source = yield* collectorSource(settings, Layer.succeed(Libvirt, libvirt))
      const { domains, first, later, stat } = yield* Effect.gen(function* () {
        const replayed = yield* Libvirt
        const procStat = yield* ProcStat
        const domains = yield* replayed.activeDomains
        const first = yield* replayed.cpuTimes(domains)
        yield* procStat.read
        yield* TestClock.adjust("60 seconds")
        return { domains, first, later: yield* replayed.cpuTimes(domains), stat: yield* procStat.read }
      }).pipe(Effect.provide(source), Effect.provide(NodeContext.layer))
      assert.deepStrictEqual(
        domains.map((d) => d.uuid),
        uuids
      )
      for (const uuid of uuids) {
        assert.strictEqual(first.get(uuid), 0)
        assert.isAbove(later.get(uuid)!, 0)
        assert.isAtMost(later.get(uuid)!, 60 * 1e9)
      }
      // 4 CPUs for 60 s at 100 ticks a second; busy: the VMs plus the host's own 5 %.
      assert.strictEqual(stat.total, 4 * 60 * 100)
      assert.isAbove(stat.busy, 0.05 * 4 * 60 * 100)
    })
  )
})
