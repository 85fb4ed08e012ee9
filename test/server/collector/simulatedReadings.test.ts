/**
 * `neat serve --mode sim` records its collectors' readings as Neat's collectors record theirs: the
 * hosts registered once, each VM's use, each host's own use (its total minus its VMs', never the
 * total) and the VMs that appeared on a host, on the clock the store is given.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { hpProLiantMl110G5 } from "../../../src/adapters/sim/PowerModel.js"
import { makeNeatCloudView } from "../../../src/adapters/sim/policies/NeatCloudView.js"
import { makeSimCloud } from "../../../src/adapters/sim/SimCloud.js"
import { syntheticTrace } from "../../../src/adapters/sim/traces/synthetic.js"
import { parseStoreConnection } from "../../../src/core/StoreConnection.js"
import { openDatabase } from "../../../src/server/db/openDatabase.js"
import { Store } from "../../../src/server/db/Store.js"
import { makeCollectorReader } from "../../../src/server/simulated/CollectorReadings.js"
import { makeReadingsRecorder } from "../../../src/server/simulated/recordReadings.js"
import { simulatedClock, storeOnClock } from "../../../src/server/simulated/simulatedClock.js"
import { readRecordedWindow } from "../../../src/server/whatif/readRecordedWindow.js"

const trace = Effect.runSync(syntheticTrace({ vms: 6, seed: 3, samples: 10 }))
const t0 = Date.UTC(2026, 5, 1)
const directory = mkdtempSync(join(tmpdir(), "neat-readings-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe("the simulated collectors' records", () => {
  it("store each VM's use, each host's own use and new placements, stamped in simulated time", async () => {
    const { cloud: sim, control } = await Effect.runPromise(makeSimCloud({ trace, hosts: 4 }))
    const view = makeNeatCloudView(sim, control)
    const read = makeCollectorReader()
    const sqlConnection = `sqlite:///${join(directory, "neat.db")}`
    const rows = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const plain = yield* Store
          const store = storeOnClock(
            plain,
            simulatedClock(() => t0 + control.reads.updates() * 300_000)
          )
          const record = makeReadingsRecorder(store)
          const readings = []
          for (let k = 0; k < 3; k++) {
            yield* view.advance
            const reading = yield* read(view.cloud)
            readings.push(reading)
            yield* record(reading)
          }
          const placements = yield* store.selectVmHostsAt(new Date(t0 + 3 * 300_000))
          return { readings, placements, recent: yield* plain.selectCpuMhzForVm(trace.names[0]!, 10) }
        })
      ).pipe(Effect.provide(Store.layer(sqlConnection)))
    )
    const first = rows.readings[0]!
    const active = first.filter((reading) => reading.active)
    expect(active.length).toBeGreaterThan(0)
    // Every VM on an active host is read once, with its whole-MHz use; all are new at the first reading.
    expect(active.flatMap((reading) => reading.vms.map((vm) => vm.uuid)).sort()).toEqual([...trace.names].sort())
    for (const reading of active) {
      expect(reading.arrived).toEqual(reading.vms.map((vm) => vm.uuid))
      for (const vm of reading.vms) expect(Number.isInteger(vm.mhz)).toBe(true)
      // Own use is what the host's total leaves after its VMs: a few MHz at most, never the total.
      const vmsMhz = reading.vms.reduce((sum, vm) => sum + vm.mhz, 0)
      expect(reading.ownMhz).toBeGreaterThanOrEqual(0)
      expect(reading.ownMhz).toBeLessThan(Math.max(10, vmsMhz / 10))
    }
    // Nothing moved: no VM is new at the next readings.
    for (const reading of rows.readings[1]!) expect(reading.arrived).toEqual([])
    // The store places every VM on the host its collector found it on.
    const expected = Object.fromEntries(active.flatMap((reading) => reading.vms.map((vm) => [vm.uuid, reading.host])))
    expect(rows.placements).toEqual(expected)
    // And holds its three samples.
    expect(rows.recent).toHaveLength(3)

    // What-if reads them back at the simulated instants, hosts' rows as their own use.
    const window = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(openDatabase(Either.getOrThrow(parseStoreConnection(sqlConnection))), (db) =>
          readRecordedWindow(db, t0, t0 + 4 * 300_000, {
            intervalSec: 300,
            power: hpProLiantMl110G5,
            vmCapacityMhz: 1000,
            vmRamMb: 1024,
            migrationBandwidthMBps: 10
          })
        )
      )
    )
    expect(window.hosts.map((host) => host.name)).toEqual(["host-0", "host-1", "host-2", "host-3"])
    const firstVm = window.vms[0]!
    expect(firstVm.cpu.map((sample) => sample.timeMs)).toEqual([1, 2, 3].map((k) => t0 + k * 300_000))
    const busy = active[0]!
    const recordedHost = window.hosts.find((host) => host.name === busy.host)!
    expect(recordedHost.ownCpu[0]).toEqual({ timeMs: t0 + 300_000, value: busy.ownMhz })
  })
})
