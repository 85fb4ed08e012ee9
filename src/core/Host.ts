/** A physical compute host: its capacity and its power state. */

/** Where a host is in its power life cycle. Only `active` hosts run VMs or receive migrations. */
export type PowerState = "active" | "suspended" | "waking" | "suspending" | "failed"

export interface HostSpec {
  /** The host's name, unique in a cloud (Nova's hypervisor hostname). */
  readonly name: string
  /** Number of physical cores. */
  readonly cores: number
  /** Clock of one core, MHz. */
  readonly mhzPerCore: number
  /** Memory, MB. */
  readonly ramMb: number
}

export interface HostState extends HostSpec {
  readonly power: PowerState
  /** UUIDs of the VMs resident on the host (VMs migrating in are listed at their target once done). */
  readonly vms: ReadonlyArray<string>
}

/** Total CPU capacity in MHz. */
export const hostCpuMhz = (host: HostSpec): number => host.cores * host.mhzPerCore
