/**
 * Placement of every VM at time 0, in VM index order, as CloudSim creates them. The VM being
 * created asks for its full capacity, memory and bandwidth; VMs placed before it keep their full
 * reservations in the scheduler and provisioners but demand no CPU yet (their workloads start
 * later), which is what the overload-after-allocation test sees.
 */
import type { HostLoad } from "../../algorithms/cloudsim/HostLoad.js"
import { makeHostLoad } from "../../algorithms/cloudsim/HostLoad.js"
import type { OverloadDetector } from "../../algorithms/cloudsim/overload/OverloadDetector.js"
import {
  type BestFitHosts,
  findFirstFit,
  findHostForVm,
  makeBestFitWorkspace
} from "../../algorithms/cloudsim/placement/powerAwareBestFit.js"
import { ConfigError } from "../../core/errors.js"
import { migrationSeconds } from "./Datacenter.js"
import { powerAt } from "./PowerModel.js"
import { addToHost, type SimState } from "./SimState.js"

/** "best-fit": CloudSim's power-aware best fit (migration policies); "first-fit": `PowerVmAllocationPolicySimple` (NPA, DVFS). */
export type InitialPlacementRule = "best-fit" | "first-fit"

/**
 * Places every VM on a host (appending to the host lists of `state`); fails with a ConfigError
 * naming the first VM that fits nowhere (CloudSim aborts the run there).
 */
export const placeInitially = (
  state: SimState,
  rule: InitialPlacementRule,
  hostRamMb: Float64Array,
  detector: OverloadDetector | undefined,
  intervalSec: number
): ConfigError | undefined => {
  const hosts = state.hostCount
  const availableMips = Float64Array.from(state.hostTotalMips)
  const availableRam = Float64Array.from(hostRamMb)
  const availableBandwidth = Float64Array.from(state.hostBandwidthMbps)
  const reservedMips = new Float64Array(hosts)
  const maxRam = new Float64Array(hosts).fill(Number.NEGATIVE_INFINITY)
  const load: HostLoad = makeHostLoad(30)
  load.intervalSec = intervalSec
  const excluded = new Uint8Array(hosts)
  const workspace = makeBestFitWorkspace(hosts)
  const firstFitStart = new Map<string, number>()
  const view: BestFitHosts = {
    score: (v, skip, ids, scores) => {
      const mips = state.vmMips[v]!
      const ram = state.vmRamMb[v]!
      const bandwidth = state.vmBandwidthMbps[v]!
      let count = 0
      for (let h = 0; h < hosts; h++) {
        if (skip[h] === 1 || state.hostPeMips[h]! < mips || availableMips[h]! < mips) continue
        if (availableRam[h]! < ram || availableBandwidth[h]! < bandwidth) continue
        const table = state.hostPower[h]!
        ids[count] = h
        scores[count] = powerAt(table, (reservedMips[h]! + mips) / state.hostTotalMips[h]!) - powerAt(table, 0)
        count++
      }
      return count
    },
    firstSuitable: (v, skip) => {
      // Capacities only shrink at time 0, so no host before the first that took a VM of this
      // size can take another: each size resumes where it stopped.
      const mips = state.vmMips[v]!
      const ram = state.vmRamMb[v]!
      const bandwidth = state.vmBandwidthMbps[v]!
      const key = `${mips}/${ram}/${bandwidth}`
      for (let h = firstFitStart.get(key) ?? 0; h < hosts; h++) {
        if (skip[h] === 1 || state.hostPeMips[h]! < mips || availableMips[h]! < mips) continue
        if (availableRam[h]! < ram || availableBandwidth[h]! < bandwidth) continue
        firstFitStart.set(key, h)
        return h
      }
      firstFitStart.set(key, hosts)
      return -1
    },
    busy: (h) => reservedMips[h] !== 0,
    overloadedWith: (h, v) => {
      if (detector === undefined) return false
      // Only the VM being created demands CPU; nobody has history yet.
      load.totalMips = state.hostTotalMips[h]!
      load.requestedMips = state.vmMips[v]!
      load.history[0] = 0
      load.historyLength = 1
      load.maxMigrationSec = migrationSeconds(Math.max(maxRam[h]!, state.vmRamMb[v]!), state.hostBandwidthMbps[h]!)
      return detector.isOverloaded(load)
    }
  }
  for (let v = 0; v < state.vmCount; v++) {
    const host =
      rule === "best-fit" ? findHostForVm(view, v, excluded, workspace) : findFirstFit(view, v, excluded, workspace)
    if (host < 0) {
      return new ConfigError({
        field: "hosts",
        message: `VM ${v} (${state.vmMips[v]} MHz, ${state.vmRamMb[v]} MB) fits on no host at time 0: add hosts or use smaller VM types`
      })
    }
    availableMips[host] = availableMips[host]! - state.vmMips[v]!
    availableRam[host] = availableRam[host]! - state.vmRamMb[v]!
    availableBandwidth[host] = availableBandwidth[host]! - state.vmBandwidthMbps[v]!
    reservedMips[host] = reservedMips[host]! + state.vmMips[v]!
    if (state.vmRamMb[v]! > maxRam[host]!) maxRam[host] = state.vmRamMb[v]!
    addToHost(state, host, v, 0)
    state.vmHost[v] = host
  }
  return undefined
}
