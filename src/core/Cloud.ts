/**
 * The abstract cloud that the control loop drives. The simulator (`adapters/sim`) and the
 * OpenStack adapter (`adapters/nova`) each provide a layer for it; nothing in `core/control`
 * or `algorithms` knows which one runs.
 */
import { Context, type Effect } from "effect"
import type { CloudError } from "./errors.js"
import type { HostState } from "./Host.js"
import type { Migration, MigrationOutcome } from "./Placement.js"
import type { VmState } from "./Vm.js"

export interface CloudApi {
  /** Every host with its capacity, power state and resident VMs, in a stable order (by name). */
  readonly hosts: Effect.Effect<ReadonlyArray<HostState>, CloudError>
  /** Every VM with the host it runs on. */
  readonly vms: Effect.Effect<ReadonlyArray<VmState>, CloudError>
  /** The last `n` CPU samples of a VM in MHz, oldest first; fewer for a VM that is new. */
  readonly vmCpuHistory: (uuid: string, n: number) => Effect.Effect<ReadonlyArray<number>, CloudError>
  /** The last `n` CPU samples of a host in MHz (its VMs plus the host's own use), oldest first. */
  readonly hostCpuHistory: (host: string, n: number) => Effect.Effect<ReadonlyArray<number>, CloudError>
  /**
   * Live-migrates VMs and waits until each has finished or failed. A failed migration is an
   * outcome, not an error: the others still run. The error channel is for a cloud that cannot
   * be reached at all.
   */
  readonly migrate: (migrations: ReadonlyArray<Migration>) => Effect.Effect<ReadonlyArray<MigrationOutcome>, CloudError>
  /** Puts an empty host to sleep; succeeds once the host is verified down. */
  readonly suspendHost: (host: string) => Effect.Effect<void, CloudError>
  /** Wakes a suspended host; succeeds once the host is verified up and can receive VMs. */
  readonly wakeHost: (host: string) => Effect.Effect<void, CloudError>
}

export class Cloud extends Context.Tag("neat/Cloud")<Cloud, CloudApi>() {}
