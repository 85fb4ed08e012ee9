/**
 * Builds the initial simulator state (see `SimState`) and each host's memory, which only initial
 * placement reads.
 */
import { type HostType, hostTypeIndex, type VmType } from "./Datacenter.js"
import { SimState } from "./SimState.js"

export const buildState = (
  hostCount: number,
  vmCount: number,
  hostTypes: ReadonlyArray<HostType>,
  vmTypes: ReadonlyArray<VmType>,
  vmRamOverride?: Float64Array | undefined,
  keepHistory = true,
  vmMipsOverride?: Float64Array | undefined,
  hostTypeOf?: Int32Array | undefined
): { readonly state: SimState; readonly hostRamMb: Float64Array } => {
  const hostRamMb = new Float64Array(hostCount)
  for (let h = 0; h < hostCount; h++) {
    hostRamMb[h] = hostTypes[hostTypeOf === undefined ? hostTypeIndex(h, hostTypes.length) : hostTypeOf[h]!]!.ramMb
  }
  return {
    state: new SimState(hostCount, vmCount, hostTypes, vmTypes, vmRamOverride, keepHistory, vmMipsOverride, hostTypeOf),
    hostRamMb
  }
}
