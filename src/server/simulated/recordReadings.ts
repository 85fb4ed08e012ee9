/**
 * Writes a simulated interval's collector readings to the store as Neat's data collectors write
 * theirs (`collector/Collector.ts`): each host registered once with its capacity, cores and memory;
 * then, per active host, its VMs' use (`vm_resource_usage`), its own use (`host_resource_usage`,
 * the total minus the VMs', never the total) and the VMs that appeared on it (`vm_placements`).
 */
import { Effect } from "effect"
import type { UnknownHost } from "../../core/errors.js"
import type { StoreService } from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"
import type { HostReading } from "./CollectorReadings.js"

export const makeReadingsRecorder = (
  store: StoreService
): ((readings: ReadonlyArray<HostReading>) => Effect.Effect<void, StoreError | UnknownHost>) => {
  const registered = new Set<string>()
  return (readings) =>
    Effect.gen(function* () {
      for (const reading of readings) {
        if (!registered.has(reading.host)) {
          yield* store.updateHost(reading.host, Math.trunc(reading.cpuMhz), reading.cores, reading.ramMb)
          registered.add(reading.host)
        }
        if (!reading.active) continue
        if (reading.arrived.length > 0) yield* store.insertVmPlacements(reading.host, reading.arrived)
        if (reading.vms.length > 0) {
          yield* store.insertVmCpuMhz(Object.fromEntries(reading.vms.map((vm) => [vm.uuid, vm.mhz])))
        }
        yield* store.insertHostCpuMhz(reading.host, reading.ownMhz)
      }
    })
}
