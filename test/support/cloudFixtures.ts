/** Small in-memory clouds that several suites share, so that one picture serves them all. */
import type { CloudSetup } from "./InMemoryCloud.js"

const oneCore = { cores: 1, mhzPerCore: 1000, ramMb: 4096 }

/**
 * Five one-core hosts of 1000 MHz and 4096 MB: h1 light (a, b), h2 medium (c), h3 heavy (d, e),
 * h4 suspended, h5 active and empty. VMs use 512 MB; CPU histories in MHz, oldest first.
 */
export const fiveHostSetup = (): CloudSetup => ({
  hosts: [
    { name: "h1", ...oneCore },
    { name: "h2", ...oneCore },
    { name: "h3", ...oneCore },
    { name: "h4", ...oneCore, power: "suspended" },
    { name: "h5", ...oneCore }
  ],
  vms: [
    { uuid: "a", host: "h1", ramMb: 512, cpuMhz: [100, 100] },
    { uuid: "b", host: "h1", ramMb: 512, cpuMhz: [50, 100] },
    { uuid: "c", host: "h2", ramMb: 512, cpuMhz: [400] },
    { uuid: "d", host: "h3", ramMb: 512, cpuMhz: [500] },
    { uuid: "e", host: "h3", ramMb: 512, cpuMhz: [450] }
  ]
})

/** `fiveHostSetup` without the empty h5: no active host is free, so a drain must fit on the others. */
export const fourHostSetup = (): CloudSetup => {
  const five = fiveHostSetup()
  return { ...five, hosts: five.hosts.filter((host) => host.name !== "h5") }
}

const twoCores = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }

/** Two hosts of 2 × 1000 MHz and 8192 MB: h1 runs vm-a (100 MHz, underloaded), h2 runs vm-b (600 MHz). */
export const twoHostSetup = (): CloudSetup => ({
  hosts: [
    { name: "h1", ...twoCores },
    { name: "h2", ...twoCores }
  ],
  vms: [
    { uuid: "vm-a", host: "h1", ramMb: 1024, cpuMhz: [100] },
    { uuid: "vm-b", host: "h2", ramMb: 1024, cpuMhz: [600] }
  ]
})
