/**
 * Reads a `RecordedWindow` from the store (Neat's tables): hosts, host and VM CPU samples, power
 * changes and migrations between `startMs` and `endMs`, every VM's placements and migrations, and
 * the state at the start (the latest power change before it, and each VM's host then from the
 * collectors' placements and the migrations, or its first recorded host in the window for a VM
 * first seen there). Neat's tables do not hold each VM's capacity and memory nor the hosts' power
 * models: they come from `assumptions`.
 *
 * `host_resource_usage` holds what OpenStack Neat's collector has always written there, and ours
 * too: the host's own use (its total minus its VMs'), never the total. The host's total is rebuilt
 * from it and the VMs' rows (`windowResult.ts`), so every database, old or new, reads the same way.
 */

import type { Effect } from "effect"
import type { Kysely } from "kysely"
import type { PowerTable } from "../../adapters/sim/PowerModel.js"
import type { StoreError } from "../db/StoreError.js"
import { readTime, run } from "../db/storeQueries.js"
import type { StoreTables } from "../db/Tables.js"
import { vmHostsAt } from "../db/vmPlacements.js"
import { byMoveTime, type RecordedWindow, type TimedValue, type VmMove } from "./RecordedWindow.js"

export interface WindowAssumptions {
  readonly intervalSec: number
  /** Power model of every host. */
  readonly power: PowerTable
  /** CPU capacity of every VM, MHz (Neat's store keeps no vCPU count). */
  readonly vmCapacityMhz: number
  /** Memory of every VM, MB. */
  readonly vmRamMb: number
  /** Neat's `network_migration_bandwidth`, MB/s: a migration takes `vmRamMb` over it. */
  readonly migrationBandwidthMBps: number
}

const push = (map: Map<number, Array<TimedValue>>, id: number, timeMs: number, value: number): void => {
  const list = map.get(id) ?? []
  list.push({ timeMs, value })
  map.set(id, list)
}

export const readRecordedWindow = (
  db: Kysely<StoreTables>,
  startMs: number,
  endMs: number,
  assumptions: WindowAssumptions
): Effect.Effect<RecordedWindow, StoreError> =>
  run("read the recorded window", async () => {
    const until = new Date(endMs).toISOString()
    // Samples up to two intervals before the start stand for the state at the start (windowResult.ts).
    const from = new Date(startMs - 2 * assumptions.intervalSec * 1000).toISOString()
    const hosts = await db.selectFrom("hosts").selectAll().orderBy("hostname").execute()
    const vms = await db.selectFrom("vms").selectAll().orderBy("uuid").execute()
    const hostCpu = new Map<number, Array<TimedValue>>()
    for (const row of await db
      .selectFrom("host_resource_usage")
      .select(["host_id", "timestamp", "cpu_mhz"])
      .where("timestamp", ">=", from)
      .where("timestamp", "<", until)
      .orderBy("timestamp")
      .execute()) {
      push(hostCpu, row.host_id, readTime(row.timestamp).getTime(), row.cpu_mhz)
    }
    const vmCpu = new Map<number, Array<TimedValue>>()
    for (const row of await db
      .selectFrom("vm_resource_usage")
      .select(["vm_id", "timestamp", "cpu_mhz"])
      .where("timestamp", ">=", from)
      .where("timestamp", "<", until)
      .orderBy("timestamp")
      .execute()) {
      push(vmCpu, row.vm_id, readTime(row.timestamp).getTime(), row.cpu_mhz)
    }
    const states = new Map<number, Array<TimedValue>>()
    const stateAtStart = new Map<number, number>()
    for (const row of await db
      .selectFrom("host_states")
      .select(["host_id", "timestamp", "state"])
      .where("timestamp", "<", until)
      .orderBy("timestamp")
      .orderBy("id")
      .execute()) {
      const at = readTime(row.timestamp).getTime()
      if (at < startMs) stateAtStart.set(row.host_id, row.state)
      else push(states, row.host_id, at, row.state)
    }
    const hostNames = new Map(hosts.map((host) => [host.id, host.hostname]))
    const hostAtStart = await vmHostsAt(db, startMs, endMs)
    const migrations: Array<{ vm: string; host: string; timeMs: number }> = []
    const uuids = new Map(vms.map((vm) => [vm.id, vm.uuid]))
    for (const row of await db
      .selectFrom("vm_migrations")
      .select(["vm_id", "host_id", "timestamp"])
      .where("timestamp", ">=", new Date(startMs).toISOString())
      .where("timestamp", "<", until)
      .orderBy("timestamp")
      .orderBy("id")
      .execute()) {
      const at = readTime(row.timestamp).getTime()
      const host = hostNames.get(row.host_id) ?? `host ${row.host_id}`
      migrations.push({ vm: uuids.get(row.vm_id) ?? `vm ${row.vm_id}`, host, timeMs: at })
    }
    // Every placement and migration up to the end: rows are few (changes only) and never cleaned.
    const moves = new Map<string, Array<VmMove>>()
    const addMove = (uuid: string, move: VmMove) => {
      const list = moves.get(uuid) ?? []
      list.push(move)
      moves.set(uuid, list)
    }
    for (const row of await db
      .selectFrom("vm_placements")
      .innerJoin("vms", "vms.id", "vm_placements.vm_id")
      .innerJoin("hosts", "hosts.id", "vm_placements.host_id")
      .select(["vms.uuid", "hosts.hostname", "vm_placements.timestamp"])
      .where("vm_placements.timestamp", "<", until)
      .execute()) {
      addMove(row.uuid, { timeMs: readTime(row.timestamp).getTime(), host: row.hostname, kind: "placement" })
    }
    for (const row of await db
      .selectFrom("vm_migrations")
      .innerJoin("vms", "vms.id", "vm_migrations.vm_id")
      .innerJoin("hosts", "hosts.id", "vm_migrations.host_id")
      .select(["vms.uuid", "hosts.hostname", "vm_migrations.timestamp"])
      .where("vm_migrations.timestamp", "<", until)
      .execute()) {
      addMove(row.uuid, { timeMs: readTime(row.timestamp).getTime(), host: row.hostname, kind: "migration" })
    }
    return {
      startMs,
      endMs,
      intervalSec: assumptions.intervalSec,
      migrationSec: assumptions.vmRamMb / assumptions.migrationBandwidthMBps,
      hosts: hosts.map((host) => ({
        name: host.hostname,
        cpuMhz: host.cpu_mhz,
        cores: host.cpu_cores,
        ramMb: host.ram,
        power: assumptions.power,
        activeAtStart: (stateAtStart.get(host.id) ?? 1) === 1,
        ownCpu: hostCpu.get(host.id) ?? [],
        states: states.get(host.id) ?? []
      })),
      // Only VMs that ran in the window.
      vms: vms
        .filter((vm) => (vmCpu.get(vm.id)?.length ?? 0) > 0)
        .map((vm) => ({
          uuid: vm.uuid,
          capacityMhz: assumptions.vmCapacityMhz,
          ramMb: assumptions.vmRamMb,
          cpu: vmCpu.get(vm.id) ?? [],
          hostAtStart: hostAtStart.get(vm.uuid),
          moves: (moves.get(vm.uuid) ?? []).sort(byMoveTime)
        })),
      migrations
    }
  })
