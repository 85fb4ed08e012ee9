/**
 * The local manager's decision for one host, as Neat's local manager makes it: underload detection
 * first; only when the host is not underloaded, overload detection and then VM selection.
 * Pure: the algorithms' states go in and come out.
 */
import type { Detector, VmSelector } from "../../algorithms/types.js"
import type { VmSample } from "../Vm.js"
import { hostUtilization } from "./HostUtilization.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

/** The three algorithms a local manager runs. */
export interface LocalAlgorithms {
  readonly underload: Detector
  readonly overload: Detector
  readonly selector: VmSelector
}

/** The states of the local algorithms of one host (plain JSON for the stateful ones). */
export interface LocalStates {
  readonly underload: unknown
  readonly overload: unknown
  readonly selection: unknown
}

export const initialLocalStates = (algorithms: LocalAlgorithms): LocalStates => ({
  underload: algorithms.underload.initialState,
  overload: algorithms.overload.initialState,
  selection: algorithms.selector.initialState
})

/** What a local manager knows about its host at one interval. */
export interface LocalInput {
  readonly host: string
  /** CPU the VMs may use, MHz (the host's total times `host_cpu_usable_by_vms`). */
  readonly capacityMhz: number
  /** The host's VMs with their CPU histories in MHz, oldest first. */
  readonly vms: ReadonlyArray<VmSample>
  /** The host's own CPU use (hypervisor overhead), MHz, oldest first. */
  readonly hostOwnMhz: ReadonlyArray<number>
}

/**
 * `idle`: no VMs; `noData`: VMs but no sample yet; `underload` / `overload`: a request follows
 * (for an overload only when the selection picked VMs); `normal`: neither.
 */
export type LocalVerdict = "idle" | "noData" | "underload" | "overload" | "normal"

export interface LocalDecision {
  readonly verdict: LocalVerdict
  readonly request: ReallocationRequest | undefined
  readonly utilization: ReadonlyArray<number>
  readonly states: LocalStates
}

/**
 * Runs the local algorithms on one host's data. (States are written out, not spread: this runs per
 * host and interval.) An underload detector that reads only the newest samples is given only
 * those; the whole utilisation is then computed when the overload detector needs it or the
 * decision's `utilization` is read.
 */
export const decideLocally = (input: LocalInput, algorithms: LocalAlgorithms, states: LocalStates): LocalDecision => {
  if (input.vms.length === 0) return { verdict: "idle", request: undefined, utilization: [], states }
  const histories = input.vms.map((vm) => vm.cpuMhz)
  const window = algorithms.underload.newestSamples
  let whole: Array<number> | undefined
  const utilization = (): Array<number> => {
    whole ??= hostUtilization(histories, input.hostOwnMhz, input.capacityMhz)
    return whole
  }
  const newest =
    window !== undefined && Number.isInteger(window) && window >= 1
      ? hostUtilization(histories, input.hostOwnMhz, input.capacityMhz, window)
      : utilization()
  // Both are empty exactly when no VM has a sample yet (or the host has no capacity).
  if (newest.length === 0) return { verdict: "noData", request: undefined, utilization: newest, states }
  const [underloaded, underloadState] = algorithms.underload.decide(newest, states.underload)
  if (underloaded) {
    return {
      verdict: "underload",
      request: { host: input.host, reason: "underload", vmUuids: input.vms.map((vm) => vm.uuid) },
      get utilization() {
        return utilization()
      },
      states: { underload: underloadState, overload: states.overload, selection: states.selection }
    }
  }
  const [overloaded, overloadState] = algorithms.overload.decide(utilization(), states.overload)
  if (!overloaded) {
    return {
      verdict: "normal",
      request: undefined,
      utilization: utilization(),
      states: { underload: underloadState, overload: overloadState, selection: states.selection }
    }
  }
  const [selected, selectionState] = algorithms.selector.select(input.vms, states.selection)
  const next = { underload: underloadState, overload: overloadState, selection: selectionState }
  return {
    verdict: "overload",
    request: selected.length === 0 ? undefined : { host: input.host, reason: "overload", vmUuids: selected },
    utilization: utilization(),
    states: next
  }
}
