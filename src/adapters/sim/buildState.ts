/**
 * Builds the initial simulator state (see `SimState`) and each host's memory, which only initial
 * placement reads.
 */
import { ConfigError } from "../../core/errors.js"
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

/** What is wrong with a per-host type list (`StateLayout.hostTypeOf`) for these hosts and types, if anything. */
export const hostTypeOfProblem = (
  hostTypeOf: Int32Array | undefined,
  hostCount: number,
  typeCount: number
): ConfigError | undefined => {
  if (hostTypeOf === undefined) return undefined
  if (hostTypeOf.length !== hostCount) {
    return new ConfigError({
      field: "hosts",
      message: `the host types name ${hostTypeOf.length} hosts, but ${hostCount} are simulated`
    })
  }
  for (let h = 0; h < hostCount; h++) {
    const type = hostTypeOf[h]!
    if (!(type >= 0 && type < typeCount)) {
      return new ConfigError({ field: "hostTypes", message: `host ${h} has type ${type}, not one of the ${typeCount}` })
    }
  }
  return undefined
}
