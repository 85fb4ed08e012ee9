/**
 * Random in-memory clouds for property tests: hosts in any power state (mostly active), VMs on the
 * active ones with 0 to 3 CPU samples each (so some have no data yet).
 */
import fc from "fast-check"
import type { PowerState } from "../../src/core/Host.js"
import type { CloudSetup } from "./InMemoryCloud.js"

const powers: ReadonlyArray<PowerState> = ["active", "active", "active", "suspended", "failed"]

export interface RandomCloudOptions {
  readonly minHosts: number
  readonly maxHosts: number
  readonly maxVms: number
  /** Largest CPU sample of a VM, MHz. */
  readonly maxVmMhz: number
  /** Host i's MHz per core (2 cores each) and own use, MHz. */
  readonly hostSpeed: (i: number) => { readonly mhzPerCore: number; readonly ownCpuMhz: number }
}

export const randomCloud = (options: RandomCloudOptions): fc.Arbitrary<CloudSetup> =>
  fc
    .array(fc.constantFrom(...powers), { minLength: options.minHosts, maxLength: options.maxHosts })
    .chain((hostPowers) => {
      const hosts = hostPowers.map((power, i) => {
        const speed = options.hostSpeed(i)
        return {
          name: `h${i}`,
          cores: 2,
          mhzPerCore: speed.mhzPerCore,
          ramMb: 4096,
          power,
          ownCpuMhz: [speed.ownCpuMhz]
        }
      })
      const active = hosts.filter((host) => host.power === "active").map((host) => host.name)
      if (active.length === 0) return fc.constant({ hosts, vms: [] })
      const vm = fc.record({
        host: fc.constantFrom(...active),
        ramMb: fc.constantFrom(256, 512, 1024),
        cpuMhz: fc.array(fc.integer({ min: 0, max: options.maxVmMhz }), { minLength: 0, maxLength: 3 })
      })
      return fc
        .array(vm, { maxLength: options.maxVms })
        .map((vms) => ({ hosts, vms: vms.map((v, i) => ({ ...v, uuid: `vm${i}` })) }))
    })
