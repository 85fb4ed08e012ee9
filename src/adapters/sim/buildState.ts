/**
 * Builds the initial simulator state: hosts by alternating type, VMs by index-block type. A
 * trace's own per-VM memory (`ramMb`, when given and positive) replaces the type's.
 */
import { type HostType, hostTypeIndex, type VmType, vmTypeIndex } from "./Datacenter.js"
import { powerCurve } from "./PowerModel.js"
import { cloudsimUidHash, historyCapacity, type SimState } from "./SimState.js"

export const buildState = (
  hostCount: number,
  vmCount: number,
  hostTypes: ReadonlyArray<HostType>,
  vmTypes: ReadonlyArray<VmType>,
  vmRamOverride?: Float64Array | undefined,
  keepHistory = true
): { readonly state: SimState; readonly hostRamMb: Float64Array } => {
  const hostTotalMips = new Float64Array(hostCount)
  const hostPeMips = new Float64Array(hostCount)
  const hostBandwidthMbps = new Float64Array(hostCount)
  const hostRamMb = new Float64Array(hostCount)
  const hostPower = []
  const hostPowerCurve = []
  const curves = hostTypes.map((type) => powerCurve(type.power))
  const hostType = new Int32Array(hostCount)
  for (let h = 0; h < hostCount; h++) {
    hostType[h] = hostTypeIndex(h, hostTypes.length)
    const type = hostTypes[hostType[h]!]!
    hostTotalMips[h] = type.mhzPerCore * type.cores
    hostPeMips[h] = type.mhzPerCore
    hostBandwidthMbps[h] = type.bandwidthMbps
    hostRamMb[h] = type.ramMb
    hostPower.push(type.power)
    hostPowerCurve.push(curves[hostType[h]!]!)
  }
  const vmMips = new Float64Array(vmCount)
  const vmRamMb = new Float64Array(vmCount)
  const vmBandwidthMbps = new Float64Array(vmCount)
  for (let v = 0; v < vmCount; v++) {
    const type = vmTypes[vmTypeIndex(v, vmCount, vmTypes.length)]!
    vmMips[v] = type.mhz
    const own = vmRamOverride?.[v]
    vmRamMb[v] = own !== undefined && own > 0 ? own : type.ramMb
    vmBandwidthMbps[v] = type.bandwidthMbps
  }
  const state: SimState = {
    hostCount,
    vmCount,
    hostTotalMips,
    hostPeMips,
    hostBandwidthMbps,
    hostPower,
    hostPowerCurve,
    hostType,
    hostVms: Array.from({ length: hostCount }, () => []),
    hostAlloc: Array.from({ length: hostCount }, () => []),
    hostMigIn: Array.from({ length: hostCount }, () => []),
    hostAvailableMips: Float64Array.from(hostTotalMips),
    hostMapCapacity: new Int32Array(hostCount).fill(16),
    hostHashOrdered: new Uint8Array(hostCount),
    hostAllocatedMips: new Float64Array(hostCount),
    hostUtilMips: new Float64Array(hostCount),
    hostRequestedMips: new Float64Array(hostCount),
    vmMips,
    vmRamMb,
    vmBandwidthMbps,
    vmHost: new Int32Array(vmCount).fill(-1),
    vmInMigration: new Uint8Array(vmCount),
    vmUidHash: Int32Array.from({ length: vmCount }, (_, v) => cloudsimUidHash(v)),
    vmDemandMips: new Float64Array(vmCount),
    history: new Float64Array(keepHistory ? vmCount * historyCapacity : 0),
    historyHead: historyCapacity - 1,
    historyLength: 0,
    historyRecords: 0
  }
  return { state, hostRamMb }
}
