/** What a simulation run needs: the workload, the data centre and the control policy. */
import type { Detector, VmSelector } from "../../algorithms/types.js"
import type { ServerGroup } from "../../core/ServerGroup.js"
import type { HostType, VmType } from "./Datacenter.js"
import type { NeatAlgorithmChoice, NeatAlgorithmChoices } from "./policies/NeatAlgorithms.js"
import type { Trace } from "./Trace.js"

/** Control policies the simulator runs. */
export type PolicyName = "cloudsim" | "npa" | "dvfs" | "neat"
export const policyNames: ReadonlyArray<PolicyName> = ["cloudsim", "npa", "dvfs", "neat"]

/** CloudSim's host overload detectors. */
export type CloudsimOverloadName = "thr" | "iqr" | "mad" | "lr" | "lrr"
export const cloudsimOverloadNames: ReadonlyArray<CloudsimOverloadName> = ["thr", "iqr", "mad", "lr", "lrr"]

/** CloudSim's VM selection policies. */
export type CloudsimSelectionName = "mmt" | "mu" | "mc" | "rs"
export const cloudsimSelectionNames: ReadonlyArray<CloudsimSelectionName> = ["mmt", "mu", "mc", "rs"]

/** Default parameter of each detector: the values of CloudSim's PlanetLab study. */
export const defaultOverloadParam: Readonly<Record<CloudsimOverloadName, number>> = {
  thr: 0.8,
  iqr: 1.5,
  mad: 2.5,
  lr: 1.2,
  lrr: 1.2
}

export interface OverloadChoice {
  readonly name: CloudsimOverloadName
  /** THR: utilisation threshold (fraction); IQR, MAD, LR, LRR: the safety parameter. */
  readonly param: number
}

/**
 * A catalogue algorithm for the `cloudsim` policy: a name (or user reference) with its parameters,
 * built through the registry, or an algorithm already built (named `label` in errors).
 */
export type CatalogueChoice<A> = NeatAlgorithmChoice | { readonly built: A; readonly label: string }

export interface SimulationOptions {
  readonly trace: Trace
  /** Number of hosts (800). */
  readonly hosts?: number | undefined
  /** Host types; host i gets type i mod length (CloudSim's G4/G5), or `hostTypeOf[i]`. */
  readonly hostTypes?: ReadonlyArray<HostType> | undefined
  /** Each host's index in `hostTypes` (a hosts file's types in blocks, `HostsFile.ts`); one per host. */
  readonly hostTypeOf?: Int32Array | undefined
  /** VM types; VM v gets type floor(v / ceil(N / length)) (CloudSim's four types). */
  readonly vmTypes?: ReadonlyArray<VmType> | undefined
  /** Control policy ("cloudsim"). */
  readonly policy?: PolicyName | undefined
  /** Overload detector of the `cloudsim` policy (THR 0.8). */
  readonly overload?: OverloadChoice | undefined
  /** VM selection of the `cloudsim` policy ("mmt"). */
  readonly selection?: CloudsimSelectionName | undefined
  /**
   * `cloudsim` policy: any catalogue detector in place of CloudSim's own (`overload` must then be
   * unset); it sees the host history as CloudSim's detectors do (docs/simulation.md).
   */
  readonly overloadAlgorithm?: CatalogueChoice<Detector> | undefined
  /** `cloudsim` policy: any catalogue selection in place of CloudSim's own (`selection` must then be unset). */
  readonly selectionAlgorithm?: CatalogueChoice<VmSelector> | undefined
  /** Algorithms of the `neat` policy (registry names and parameters; Neat's neat.conf by default). */
  readonly neat?: NeatAlgorithmChoices | undefined
  /** `neat` policy: server groups by VM name (`--server-groups`, see ServerGroupsFile.ts). */
  readonly serverGroups?: ReadonlyMap<string, ServerGroup> | undefined
  /** Seed of random selection (RS). */
  readonly seed?: number | undefined
  /** Seconds between decisions (the trace's interval). */
  readonly schedulingIntervalSec?: number | undefined
  /** Simulated duration, seconds (samples × interval: 86 400 for a PlanetLab day). */
  readonly durationSec?: number | undefined
}
