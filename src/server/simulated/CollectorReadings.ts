/**
 * What the data collectors of a simulated cloud measure after an interval, host by host, as
 * OpenStack Neat's collector would on each compute host: the average MHz of every VM on it, the
 * host's own use (its total minus its VMs', never below zero) and the VMs that appeared on it since
 * its previous reading. `neat serve --mode sim` writes these readings to the store
 * (`recordReadings.ts`) and `neat whatif`'s replay keeps them in memory, so both record the same
 * numbers the same way. Suspended hosts have no running collector: they read nothing.
 */
import { Effect } from "effect"
import type { CloudApi } from "../../core/Cloud.js"
import { hostOwnCpuMhz } from "../../core/control/HostUtilization.js"
import type { CloudError } from "../../core/errors.js"
import { hostCpuMhz } from "../../core/Host.js"

export interface HostReading {
  readonly host: string
  /** Total CPU capacity (all cores), MHz; cores and memory, as the collector registers them. */
  readonly cpuMhz: number
  readonly cores: number
  readonly ramMb: number
  readonly active: boolean
  /** The host's own use, MHz (Neat's `host_resource_usage`); 0 for a suspended host. */
  readonly ownMhz: number
  /** Each VM on the host and its latest use, MHz, in the host's order; none for a suspended host. */
  readonly vms: ReadonlyArray<{ readonly uuid: string; readonly mhz: number }>
  /** VMs on the host now that were not at its previous reading (all of them at the first). */
  readonly arrived: ReadonlyArray<string>
}

/** A reader that remembers each host's VMs from one reading to the next. */
export const makeCollectorReader = (): ((cloud: CloudApi) => Effect.Effect<ReadonlyArray<HostReading>, CloudError>) => {
  const previous = new Map<string, ReadonlySet<string>>()
  return (cloud) =>
    Effect.gen(function* () {
      const readings: Array<HostReading> = []
      for (const host of yield* cloud.hosts) {
        const spec = { cpuMhz: hostCpuMhz(host), cores: host.cores, ramMb: host.ramMb }
        if (host.power !== "active") {
          previous.delete(host.name)
          readings.push({ host: host.name, ...spec, active: false, ownMhz: 0, vms: [], arrived: [] })
          continue
        }
        const vms: Array<{ uuid: string; mhz: number }> = []
        for (const uuid of host.vms) {
          const latest = (yield* cloud.vmCpuHistory(uuid, 1))[0]
          if (latest !== undefined) vms.push({ uuid, mhz: latest })
        }
        const total = host.vms.length > 0 ? yield* cloud.hostCpuHistory(host.name, 1) : []
        const own = hostOwnCpuMhz(
          total,
          vms.map((vm) => [vm.mhz])
        )
        const before = previous.get(host.name)
        const arrived = host.vms.filter((uuid) => before === undefined || !before.has(uuid))
        previous.set(host.name, new Set(host.vms))
        readings.push({ host: host.name, ...spec, active: true, ownMhz: Math.trunc(own[0] ?? 0), vms, arrived })
      }
      return readings
    })
}
