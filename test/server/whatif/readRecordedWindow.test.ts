import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { hpProLiantMl110G5 } from "../../../src/adapters/sim/PowerModel.js"
import { parseStoreConnection } from "../../../src/core/StoreConnection.js"
import { openDatabase } from "../../../src/server/db/openDatabase.js"
import { readRecordedWindow } from "../../../src/server/whatif/readRecordedWindow.js"

const t0 = Date.UTC(2026, 10, 24, 12)
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString()

describe("reading a recorded window from the store", () => {
  it("takes the samples, power changes and migrations of the window and the state at its start", async () => {
    const connection = Either.getOrThrow(parseStoreConnection("sqlite:///:memory:"))
    const window = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const db = yield* openDatabase(connection)
          yield* Effect.promise(async () => {
            await db
              .insertInto("hosts")
              .values([
                { hostname: "h1", cpu_mhz: 4000, cpu_cores: 2, ram: 8192 },
                { hostname: "h2", cpu_mhz: 4000, cpu_cores: 2, ram: 8192 }
              ])
              .execute()
            await db
              .insertInto("vms")
              .values([{ uuid: "a" }, { uuid: "b" }, { uuid: "gone" }, { uuid: "late" }])
              .execute()
            await db
              .insertInto("host_resource_usage")
              .values([
                { host_id: 1, cpu_mhz: 900, timestamp: at(-3) },
                { host_id: 1, cpu_mhz: 1200, timestamp: at(4) },
                { host_id: 2, cpu_mhz: 300, timestamp: at(-60) }
              ])
              .execute()
            await db
              .insertInto("vm_resource_usage")
              .values([
                { vm_id: 1, cpu_mhz: 500, timestamp: at(1) },
                { vm_id: 2, cpu_mhz: 250, timestamp: at(2) },
                { vm_id: 2, cpu_mhz: 260, timestamp: at(7) },
                { vm_id: 3, cpu_mhz: 100, timestamp: at(-120) },
                { vm_id: 1, cpu_mhz: 999, timestamp: at(30) },
                { vm_id: 4, cpu_mhz: 50, timestamp: at(5) }
              ])
              .execute()
            await db
              .insertInto("host_states")
              .values([
                { host_id: 2, state: 0, timestamp: at(-30) },
                { host_id: 2, state: 1, timestamp: at(6) }
              ])
              .execute()
            await db
              .insertInto("vm_migrations")
              .values([
                { vm_id: 1, host_id: 2, timestamp: at(-20) },
                { vm_id: 2, host_id: 1, timestamp: at(8) }
              ])
              .execute()
            // The collectors' placements: a on h1 before it migrated to h2; b on h2 before the
            // window (it migrates to h1 within it); late appears on h1 within the window.
            await db
              .insertInto("vm_placements")
              .values([
                { vm_id: 1, host_id: 1, timestamp: at(-60) },
                { vm_id: 2, host_id: 2, timestamp: at(-5) },
                { vm_id: 4, host_id: 1, timestamp: at(3) },
                { vm_id: 2, host_id: 1, timestamp: at(9) }
              ])
              .execute()
          })
          return yield* readRecordedWindow(db, t0, t0 + 10 * 60_000, {
            intervalSec: 300,
            power: hpProLiantMl110G5,
            vmCapacityMhz: 2000,
            vmRamMb: 1024,
            migrationBandwidthMBps: 64
          })
        })
      )
    )
    expect(window.hosts.map((host) => [host.name, host.activeAtStart, host.ownCpu.map((s) => s.value)])).toEqual([
      ["h1", true, [900, 1200]],
      ["h2", false, []]
    ])
    expect(window.hosts[1]?.states).toEqual([{ timeMs: t0 + 6 * 60_000, value: 1 }])
    expect(window.vms.map((vm) => [vm.uuid, vm.hostAtStart, vm.cpu.length, vm.capacityMhz])).toEqual([
      ["a", "h2", 1, 2000],
      ["b", "h2", 2, 2000],
      ["late", "h1", 1, 2000]
    ])
    expect(window.migrations).toEqual([{ vm: "b", host: "h1", timeMs: t0 + 8 * 60_000 }])
    expect(window.migrationSec).toBe(16)
    // Every placement and migration, oldest first, for the host each VM's samples count on.
    const ms = (minutes: number) => t0 + minutes * 60_000
    expect(window.vms.find((vm) => vm.uuid === "a")?.moves).toEqual([
      { timeMs: ms(-60), host: "h1", kind: "placement" },
      { timeMs: ms(-20), host: "h2", kind: "migration" }
    ])
    expect(window.vms.find((vm) => vm.uuid === "b")?.moves).toEqual([
      { timeMs: ms(-5), host: "h2", kind: "placement" },
      { timeMs: ms(8), host: "h1", kind: "migration" },
      { timeMs: ms(9), host: "h1", kind: "placement" }
    ])
  })
})
