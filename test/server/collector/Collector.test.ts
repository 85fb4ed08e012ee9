import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"
import { afterAll } from "vitest"
import {
  type CollectorSettings,
  collectOnce,
  initCollector,
  initialState
} from "../../../src/server/collector/Collector.js"
import { Libvirt } from "../../../src/server/collector/Libvirt.js"
import { LibvirtError } from "../../../src/server/collector/LibvirtError.js"
import { ProcStat } from "../../../src/server/collector/ProcStat.js"
import { runCollector } from "../../../src/server/collector/runCollector.js"
import { Store } from "../../../src/server/db/Store.js"
import { waitForSleeper, waitUntil } from "../../support/waitUntil.js"

const root = mkdtempSync(join(tmpdir(), "neat-collector-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let runs = 0

const A = "aaaaaaaa-0000-0000-0000-000000000001"
const B = "bbbbbbbb-0000-0000-0000-000000000002"

/** A hypervisor the test drives: its domains, their CPU counters and /proc/stat. */
const makeWorld = () => {
  const dir = join(root, `run-${++runs}`)
  mkdirSync(dir, { recursive: true })
  const world = {
    dir,
    procStat: join(dir, "proc-stat"),
    domains: [] as Array<{ uuid: string; name: string; running: boolean }>,
    cpuNs: new Map<string, number>(),
    setProcStat: (total: number, busy: number) =>
      // user nice system idle iowait irq softirq: busy = user, the rest idle.
      writeFileSync(world.procStat, `cpu  ${busy} 0 0 ${total - busy} 0 0 0 0 0 0\ncpu0 1 1 1 1 1 1 1\n`)
  }
  const settings: CollectorSettings = {
    localDataDirectory: join(dir, "data"),
    dataCollectorDataLength: 3,
    dataCollectorInterval: 300,
    hostCpuUsableByVms: 1,
    hostCpuOverloadThreshold: 0.8,
    localHostName: "",
    localHostMac: "52-54-00-AB-CD-EF"
  }
  const libvirt = Layer.succeed(Libvirt, {
    hostname: Effect.succeed("compute1"),
    nodeInfo: Effect.succeed({ cpus: 4, mhz: 2000, memoryMb: 16384 }),
    activeDomains: Effect.sync(() => world.domains.map((d) => ({ ...d }))),
    cpuTimes: (domains) =>
      Effect.sync(
        () => new Map(domains.flatMap((d) => (world.cpuNs.has(d.uuid) ? [[d.uuid, world.cpuNs.get(d.uuid)!]] : [])))
      )
  })
  const layer = Layer.mergeAll(
    libvirt,
    Store.layer(":memory:"),
    ProcStat.file(world.procStat).pipe(Layer.provide(NodeContext.layer)),
    NodeContext.layer
  )
  return { world, settings, layer }
}

const fileText = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined)

describe("collectOnce", () => {
  const { world, settings, layer } = makeWorld()
  const vmFile = (uuid: string) => fileText(join(settings.localDataDirectory, "vms", uuid))
  const hostFile = () => fileText(join(settings.localDataDirectory, "host"))

  it.effect("follows VMs arriving, restarting and leaving, as Neat's collector does", () =>
    Effect.gen(function* () {
      const store = yield* Store
      mkdirSync(join(settings.localDataDirectory, "vms"), { recursive: true })
      // A ran elsewhere before: its history is in the store.
      yield* store.insertVmCpuMhz({ [A]: 100 })
      yield* store.insertVmCpuMhz({ [A]: 200 })
      const host = yield* initCollector(settings)
      assert.deepStrictEqual(yield* store.selectHostCharacteristics(), {
        cpuMhz: { compute1: 8000 },
        cpuCores: { compute1: 4 },
        ram: { compute1: 16384 }
      })
      // The MAC that wakes the host, for the global manager's Wake-on-LAN.
      assert.strictEqual(yield* store.selectHostMac("compute1"), "52:54:00:ab:cd:ef")

      // 1: A runs, B is migrating in (paused): only A is taken, with its history.
      yield* TestClock.setTime(1_000_000)
      world.domains = [
        { uuid: A, name: "a", running: true },
        { uuid: B, name: "b", running: false }
      ]
      world.cpuNs.set(A, 1000e9).set(B, 0)
      world.setProcStat(1000, 100)
      const first = yield* collectOnce(settings, host, initialState("compute1"))
      assert.deepStrictEqual(first.report.added, [A])
      assert.strictEqual(first.report.recorded, false)
      assert.strictEqual(vmFile(A), "100\n200\n")
      assert.strictEqual(vmFile(B), undefined)

      // 2: A used half a core for 300 s (1000 MHz); B now runs and has no history.
      yield* TestClock.adjust("300 seconds")
      world.domains[1] = { uuid: B, name: "b", running: true }
      world.cpuNs.set(A, 1150e9).set(B, 10e9)
      world.setProcStat(2000, 600)
      const second = yield* collectOnce(settings, host, first.state)
      assert.deepStrictEqual(second.report.added, [B])
      assert.deepStrictEqual(second.report.vmCpuMhz, { [A]: 1000 })
      // Half the host's 8000 MHz was busy, 1000 of it A's.
      assert.strictEqual(second.report.hostCpuMhz, 3000)
      assert.strictEqual(second.report.overload, false)
      assert.strictEqual(vmFile(A), "100\n200\n1000\n")
      assert.strictEqual(vmFile(B), "")
      assert.strictEqual(hostFile(), "3000\n")

      // 3: A restarted (its counter went back) and keeps its last value; B used two cores;
      // /proc/stat was reset, so the host has no value this time.
      yield* TestClock.adjust("300 seconds")
      world.cpuNs.set(A, 5e9).set(B, 610e9)
      world.setProcStat(100, 10)
      const third = yield* collectOnce(settings, host, second.state)
      assert.deepStrictEqual(third.report.vmCpuMhz, { [A]: 1000, [B]: 4000 })
      assert.strictEqual(third.report.hostCpuMhz, undefined)
      assert.strictEqual(vmFile(A), "200\n1000\n1000\n")
      assert.strictEqual(vmFile(B), "4000\n")
      assert.strictEqual(hostFile(), "3000\n")

      // 4: A left; B used 3.5 cores, above 80% of the host: an overload is logged.
      yield* TestClock.adjust("300 seconds")
      world.domains = [{ uuid: B, name: "b", running: true }]
      world.cpuNs.set(B, 1660e9)
      world.setProcStat(1100, 1010)
      const fourth = yield* collectOnce(settings, host, third.state)
      assert.deepStrictEqual(fourth.report.removed, [A])
      assert.deepStrictEqual(fourth.report.vmCpuMhz, { [B]: 7000 })
      assert.strictEqual(fourth.report.hostCpuMhz, 1000)
      assert.strictEqual(fourth.report.overload, true)
      assert.strictEqual(vmFile(A), undefined)
      assert.strictEqual(hostFile(), "3000\n1000\n")

      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(A, 10), [100, 200, 1000, 1000])
      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(B, 10), [4000, 7000])
      assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute1", 10), [3000, 1000])
      // Where each VM ran: A from the first interval, B from the second (when it ran), A gone later
      // but its record stays until another host records it.
      assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(1_000_000 - 1)), {})
      assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(1_000_000)), { [A]: "compute1" })
      assert.deepStrictEqual(yield* store.selectVmHostsAt(new Date(1_900_000)), { [A]: "compute1", [B]: "compute1" })
      const overloads = yield* store.selectHostOverloads("compute1")
      assert.deepStrictEqual(
        overloads.map((o) => [o.overload, o.timestamp.getTime()]),
        [
          [false, 1_300_000],
          [true, 1_900_000]
        ]
      )
    }).pipe(Effect.provide(layer))
  )
})

describe("runCollector", () => {
  it.effect("clears old local files at start and collects every interval", () => {
    const { world, settings, layer } = makeWorld()
    return Effect.gen(function* () {
      mkdirSync(join(settings.localDataDirectory, "vms"), { recursive: true })
      writeFileSync(join(settings.localDataDirectory, "vms", "stale-vm"), "1\n")
      writeFileSync(join(settings.localDataDirectory, "host"), "1\n")
      world.domains = [{ uuid: A, name: "a", running: true }]
      world.cpuNs.set(A, 0)
      world.setProcStat(1000, 0)
      yield* TestClock.setTime(1_000_000)
      const store = yield* Store
      const fiber = yield* Effect.fork(runCollector(settings, { once: false }))
      yield* waitUntil(Effect.sync(() => existsSync(join(settings.localDataDirectory, "collector-state.json"))))
      for (let i = 1; i <= 3; i++) {
        world.cpuNs.set(A, i * 300e9)
        world.setProcStat(1000 + i * 1000, i * 250)
        // The daemon must be asleep before the clock moves.
        yield* waitForSleeper
        yield* TestClock.adjust("300 seconds")
        yield* waitUntil(Effect.map(store.selectCpuMhzForHost("compute1", 10), (values) => values.length === i))
      }
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(fileText(join(settings.localDataDirectory, "vms", "stale-vm")), undefined)
      // One core of 2000 MHz, busy all along; the host's busy quarter (2000 MHz) is all A's.
      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(A, 10), [2000, 2000, 2000])
      assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute1", 10), [0, 0, 0])
      assert.strictEqual(fileText(join(settings.localDataDirectory, "vms", A)), "2000\n2000\n2000\n")
    }).pipe(Effect.provide(layer))
  })

  it.effect("logs a failed iteration and measures the next one from the last good counters", () => {
    const { world, settings, layer } = makeWorld()
    let failNext = false
    const flaky = Layer.effect(
      Libvirt,
      Effect.map(Libvirt, (libvirt) => ({
        ...libvirt,
        activeDomains: Effect.suspend(() => {
          if (!failNext) return libvirt.activeDomains
          failNext = false
          return Effect.fail(new LibvirtError({ command: "virsh list", message: "virsh list: connection lost" }))
        })
      }))
    )
    return Effect.gen(function* () {
      const store = yield* Store
      world.domains = [{ uuid: A, name: "a", running: true }]
      world.cpuNs.set(A, 0)
      world.setProcStat(1000, 0)
      yield* TestClock.setTime(1_000_000)
      const fiber = yield* Effect.fork(runCollector(settings, { once: false }))
      yield* waitUntil(Effect.sync(() => existsSync(join(settings.localDataDirectory, "collector-state.json"))))
      // The iteration at 300 s fails; the one at 600 s covers the whole 600 s.
      failNext = true
      yield* waitForSleeper
      yield* TestClock.adjust("300 seconds")
      yield* waitUntil(Effect.sync(() => !failNext))
      world.cpuNs.set(A, 300e9)
      world.setProcStat(3000, 500)
      yield* waitForSleeper
      yield* TestClock.adjust("300 seconds")
      yield* waitUntil(Effect.map(store.selectCpuMhzForHost("compute1", 10), (rows) => rows.length === 1))
      yield* Fiber.interrupt(fiber)
      // Half a core over 600 s.
      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(A, 10), [1000])
    }).pipe(Effect.provide(Layer.provideMerge(flaky, layer)))
  })

  it.effect("resumes the saved counters in once mode", () => {
    const { world, settings, layer } = makeWorld()
    return Effect.gen(function* () {
      world.domains = [{ uuid: A, name: "a", running: true }]
      world.cpuNs.set(A, 0)
      world.setProcStat(1000, 0)
      yield* TestClock.setTime(1_000_000)
      yield* runCollector(settings, { once: true })
      const store = yield* Store
      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(A, 10), [])
      yield* TestClock.adjust("300 seconds")
      world.cpuNs.set(A, 150e9)
      world.setProcStat(2000, 500)
      yield* runCollector(settings, { once: true })
      assert.deepStrictEqual(yield* store.selectCpuMhzForVm(A, 10), [1000])
      assert.deepStrictEqual(yield* store.selectCpuMhzForHost("compute1", 10), [3000])
      assert.strictEqual(fileText(join(settings.localDataDirectory, "vms", A)), "1000\n")
    }).pipe(Effect.provide(layer))
  })
})
