/**
 * The abstract cloud that the control loop drives. The simulator (`adapters/sim`) and the
 * OpenStack adapter (`adapters/nova`) each provide a layer for it; nothing in `core/control`
 * or `algorithms` knows which one runs.
 */
import { Context, Effect } from "effect"
import type { PlanAction } from "./control/PlanAction.js"
import type { CloudReconciliation } from "./control/Reconciliation.js"
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
  /**
   * The last `n` CPU samples of many VMs at once, MHz, oldest first: one read instead of one per VM
   * (a cloud of 1000 hosts has thousands of VMs). A VM the cloud does not know (deleted meanwhile)
   * is absent from the result rather than an error. Optional: a cloud that has no cheaper way reads
   * VM by VM (`readVmCpuHistories`), and so does a view that wraps another cloud and overrides
   * `vmCpuHistory` without this method.
   */
  readonly vmCpuHistories?: (
    uuids: ReadonlyArray<string>,
    n: number
  ) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudError>
  /**
   * The last `n` CPU samples of many hosts at once, MHz, oldest first (as `hostCpuHistory`); hosts
   * the cloud does not know are absent. Optional, as `vmCpuHistories`.
   */
  readonly hostCpuHistories?: (
    hosts: ReadonlyArray<string>,
    n: number
  ) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudError>
  /** The last `n` CPU samples of a host in MHz (its VMs plus the host's own use), oldest first. */
  readonly hostCpuHistory: (host: string, n: number) => Effect.Effect<ReadonlyArray<number>, CloudError>
  /**
   * Live-migrates VMs and waits until each has finished or failed. A failed migration is an
   * outcome, not an error: the others still run. The error channel is for a cloud that cannot
   * be reached at all. `onOutcome`, when given, hears each migration's outcome as soon as it is
   * known (clouds that answer for the whole batch may leave it to the caller).
   */
  readonly migrate: (
    migrations: ReadonlyArray<Migration>,
    onOutcome?: (outcome: MigrationOutcome) => Effect.Effect<void>
  ) => Effect.Effect<ReadonlyArray<MigrationOutcome>, CloudError>
  /** Puts an empty host to sleep; succeeds once the host is verified down. */
  readonly suspendHost: (host: string) => Effect.Effect<void, CloudError>
  /** Wakes a suspended host; succeeds once the host is verified up and can receive VMs. */
  readonly wakeHost: (host: string) => Effect.Effect<void, CloudError>
  /**
   * Settles, at the global manager's start, actions whose outcome a crash left unknown (`pending`),
   * and finds hosts left half-way (disabled but up, recorded suspended but up). Optional: without
   * it, the pending actions are settled from `hosts` and `vms` (`settleFromInventory`).
   */
  readonly reconcile?: ((pending: ReadonlyArray<PlanAction>) => Effect.Effect<CloudReconciliation>) | undefined
}

export class Cloud extends Context.Tag("neat/Cloud")<Cloud, CloudApi>() {}

/** Whether a failed read only says that the VM or host is unknown (deleted or vanished meanwhile). */
const isUnknown = (error: CloudError): boolean => error._tag === "UnknownVm" || error._tag === "UnknownHost"

/**
 * Reads one sample series per key, key by key: the fallback of the batched reads. Unknown keys are
 * left out, any other failure fails the whole read.
 */
const oneByOne = (
  keys: ReadonlyArray<string>,
  read: (key: string) => Effect.Effect<ReadonlyArray<number>, CloudError>
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudError> =>
  Effect.suspend(() => {
    const result = new Map<string, ReadonlyArray<number>>()
    return Effect.as(
      Effect.forEach(
        keys,
        (key) =>
          Effect.matchEffect(read(key), {
            onFailure: (error) => (isUnknown(error) ? Effect.void : Effect.fail(error)),
            onSuccess: (history) => Effect.sync(() => void result.set(key, history))
          }),
        { discard: true }
      ),
      result
    )
  })

/** The last `n` CPU samples of the VMs, by UUID (unknown VMs absent), in one read when the cloud can. */
export const readVmCpuHistories = (
  cloud: CloudApi,
  uuids: ReadonlyArray<string>,
  n: number
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudError> =>
  cloud.vmCpuHistories !== undefined
    ? cloud.vmCpuHistories(uuids, n)
    : oneByOne(uuids, (uuid) => cloud.vmCpuHistory(uuid, n))

/** The last `n` CPU samples of the hosts, by name (unknown hosts absent), in one read when the cloud can. */
export const readHostCpuHistories = (
  cloud: CloudApi,
  hosts: ReadonlyArray<string>,
  n: number
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudError> =>
  cloud.hostCpuHistories !== undefined
    ? cloud.hostCpuHistories(hosts, n)
    : oneByOne(hosts, (host) => cloud.hostCpuHistory(host, n))
