import type { ServerGroup } from "./ServerGroup.js"

/** A virtual machine as the consolidation logic sees it. */
export interface VmState {
  readonly uuid: string
  /** Configured memory, MB: what a live migration has to copy. */
  readonly ramMb: number
  /** Name of the host the VM runs on. */
  readonly host: string
  /** Number of virtual CPUs. */
  readonly vcpus: number
  /** The server group the VM belongs to (Nova allows one), absent when none. */
  readonly serverGroup?: ServerGroup | undefined
}

/** A VM with its recent CPU demand, the input of VM selection and placement. */
export interface VmSample {
  readonly uuid: string
  /** CPU demand history in MHz, oldest first. */
  readonly cpuMhz: ReadonlyArray<number>
  readonly ramMb: number
}
