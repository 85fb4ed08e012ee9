/**
 * The shapes every consolidation algorithm has. Algorithms are pure: state goes in and comes
 * out, so stateful ones (OTF, MHOD) can be persisted and resumed, and every call is replayable.
 */
import type { Placement } from "../core/Placement.js"
import type { VmSample } from "../core/Vm.js"

/** What a factory knows about the deployment when it builds an algorithm. */
export interface AlgorithmContext {
  /** Seconds between two utilisation samples (Neat's `data_collector_interval`). */
  readonly timeStepSec: number
  /** Expected duration of one VM migration, seconds. */
  readonly migrationTimeSec: number
}

/**
 * Underload and overload detection: host CPU utilisation history, fractions of capacity,
 * oldest first → is the host under/overloaded?
 */
export interface Detector<S = unknown> {
  readonly initialState: S
  readonly decide: (utilization: ReadonlyArray<number>, state: S) => readonly [boolean, S]
  /**
   * When the decision depends only on the newest `newestSamples` values (a mean of the last n),
   * that count: a caller may then pass only those (fewer when the history is shorter).
   */
  readonly newestSamples?: number | undefined
}

/** VM selection: the VMs of an overloaded host → the UUIDs to migrate away. */
export interface VmSelector<S = unknown> {
  readonly initialState: S
  readonly select: (vms: ReadonlyArray<VmSample>, state: S) => readonly [ReadonlyArray<string>, S]
}

export interface PlacementHost {
  readonly name: string
  /** Total CPU, MHz. */
  readonly cpuMhz: number
  /** CPU in use, MHz. */
  readonly cpuUsedMhz: number
  /** Total memory, MB. */
  readonly ramMb: number
  /** Memory in use, MB. */
  readonly ramUsedMb: number
}

export interface PlacementInput {
  /** Active hosts that may receive VMs. */
  readonly hosts: ReadonlyArray<PlacementHost>
  /** Suspended hosts that may be woken if the active ones do not suffice (usage 0). */
  readonly inactiveHosts: ReadonlyArray<PlacementHost>
  /** The VMs to place. */
  readonly vms: ReadonlyArray<VmSample>
}

/** VM placement: returns a host for every VM, or `undefined` when not every VM fits. */
export interface VmPlacer<S = unknown> {
  readonly initialState: S
  readonly place: (input: PlacementInput, state: S) => readonly [Placement | undefined, S]
}
