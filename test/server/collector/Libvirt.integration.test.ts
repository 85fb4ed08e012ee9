/** The virsh-backed Libvirt service and the collector against libvirt's test driver. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { afterAll } from "vitest"
import { collectOnce, initCollector, initialState } from "../../../src/server/collector/Collector.js"
import { Libvirt } from "../../../src/server/collector/Libvirt.js"
import { ProcStat } from "../../../src/server/collector/ProcStat.js"
import { Store } from "../../../src/server/db/Store.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { requireVirsh, testNodeXml } from "../../support/virsh.js"

const virsh = requireVirsh()
const A = "aaaaaaaa-0000-0000-0000-000000000001"
const B = "aaaaaaaa-0000-0000-0000-000000000002"

describeWithRequirement("libvirt test driver", virsh, (command) => {
  const directory = mkdtempSync(join(tmpdir(), "neat-libvirt-"))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))
  const nodeXml = join(directory, "node.xml")
  writeFileSync(nodeXml, testNodeXml)
  const uri = `test://${nodeXml}`

  describe("Libvirt.virsh on the test driver", () => {
    const layer = Libvirt.virsh({ uri, command })

    it.effect("reads the node, the active domains and their CPU time", () =>
      Effect.gen(function* () {
        const libvirt = yield* Libvirt
        assert.notStrictEqual(yield* libvirt.hostname, "")
        assert.deepStrictEqual(yield* libvirt.nodeInfo, { cpus: 4, mhz: 2500, memoryMb: 8192 })
        const domains = yield* libvirt.activeDomains
        assert.deepStrictEqual(domains, [
          { uuid: A, name: "vm-a", running: true },
          { uuid: B, name: "vm-b", running: false }
        ])
        const times = yield* libvirt.cpuTimes(domains)
        assert.deepStrictEqual([...times.keys()], [A, B])
        assert.isAbove(times.get(A)!, 0)
      }).pipe(Effect.provide(layer))
    )

    it.effect("answers the built-in test:///default node", () =>
      Effect.gen(function* () {
        const libvirt = yield* Libvirt
        const domains = yield* libvirt.activeDomains
        assert.deepStrictEqual(domains, [{ uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", name: "test", running: true }])
        assert.deepStrictEqual(yield* libvirt.nodeInfo, { cpus: 16, mhz: 1400, memoryMb: 3072 })
      }).pipe(Effect.provide(Libvirt.virsh({ uri: "test:///default", command })))
    )

    it.effect("leaves out a domain that does not exist, and fails clearly on a bad URI", () =>
      Effect.gen(function* () {
        const libvirt = yield* Libvirt
        const times = yield* libvirt.cpuTimes([{ uuid: "00000000-0000-0000-0000-000000000000", name: "ghost" }])
        assert.strictEqual(times.size, 0)
        const error = yield* Effect.flip(
          Effect.flatMap(Libvirt, (l) => l.nodeInfo).pipe(
            Effect.provide(Libvirt.virsh({ uri: `test://${join(directory, "absent.xml")}`, command }))
          )
        )
        assert.strictEqual(error._tag, "LibvirtError")
        assert.include(error.command, "nodeinfo")
      }).pipe(Effect.provide(layer))
    )

    // The test driver's CPU time follows the wall clock: each running domain uses one whole core.
    it.live("collects one core's MHz for a running domain and skips the one migrating in", () =>
      Effect.gen(function* () {
        const procStat = join(directory, "proc-stat")
        writeFileSync(procStat, "cpu 100 0 0 900 0 0 0\n")
        const settings = {
          localDataDirectory: join(directory, "data"),
          dataCollectorDataLength: 10,
          dataCollectorInterval: 1,
          hostCpuUsableByVms: 1,
          hostCpuOverloadThreshold: 0.8,
          localHostName: "compute-test",
          localHostMac: ""
        }
        mkdirSync(join(settings.localDataDirectory, "vms"), { recursive: true })
        const host = yield* initCollector(settings)
        assert.strictEqual(host.physicalCoreMhz, 2500)
        const first = yield* collectOnce(settings, host, initialState(host.hostname))
        assert.deepStrictEqual(first.report.added, [A])
        yield* Effect.sleep("2 seconds")
        writeFileSync(procStat, "cpu 600 0 0 1400 0 0 0\n")
        const second = yield* collectOnce(settings, host, first.state)
        const mhz = second.report.vmCpuMhz[A]!
        assert.isAbove(mhz, 2500 * 0.75)
        assert.isBelow(mhz, 2500 * 1.25)
        assert.deepStrictEqual(Object.keys(second.report.vmCpuMhz), [A])
        assert.strictEqual(readFileSync(join(settings.localDataDirectory, "vms", A), "utf8"), `${mhz}\n`)
        const store = yield* Store
        assert.deepStrictEqual(yield* store.selectCpuMhzForVm(A, 5), [mhz])
        // Half of 10000 MHz busy, about 2500 of it vm-a's.
        assert.strictEqual(second.report.hostCpuMhz, Math.max(0, 5000 - mhz))
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            layer,
            Store.layer(":memory:"),
            ProcStat.file(join(directory, "proc-stat")).pipe(Layer.provide(NodeContext.layer)),
            NodeContext.layer
          )
        )
      )
    )
  })
})
