/**
 * Builds the initial simulator state (see `SimState`) and each host's memory, which only initial
 * placement reads.
 */
import { type HostType, hostTypeIndex, type VmType } from "./Datacenter.js"
import { SimState, type StateLayout } from "./SimState.js"

export const buildState = (
  hostCount: number,
  vmCount: number,
  hostTypes: ReadonlyArray<HostType>,
  vmTypes: ReadonlyArray<VmType>,
  vmRamOverride?: Float64Array | undefined,
  keepHistory = true,
  layout: StateLayout = {}
): { readonly state: SimState; readonly hostRamMb: Float64Array } => {
  const hostTypeOf = layout.hostTypeOf
  const hostRamMb = new Float64Array(hostCount)
  for (let h = 0; h < hostCount; h++) {
    hostRamMb[h] = hostTypes[hostTypeOf === undefined ? hostTypeIndex(h, hostTypes.length) : hostTypeOf[h]!]!.ramMb
  }
  return {
    state: new SimState(hostCount, vmCount, hostTypes, vmTypes, vmRamOverride, keepHistory, layout),
    hostRamMb
  }
}
