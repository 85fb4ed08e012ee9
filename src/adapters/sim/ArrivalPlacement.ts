/**
 * Placement of a VM arriving during the run, as CloudSim's allocation policy creates a VM: the
 * VM asks for its full capacity, memory and bandwidth; a host can take it when a core is large
 * enough and its scheduler, memory and network have room (VMs migrating in hold their
 * reservation on the target); best fit (the migration policies) picks the host whose power grows
 * least from its last update and that the overload detector does not find overloaded with the VM,
 * first fit (NPA, DVFS) the first such host. VMs placed at one instant see each other.
 */
import { type HostLoad, makeHostLoad, trimmedLength } from "../../algorithms/cloudsim/HostLoad.js"
import type { OverloadDetector } from "../../algorithms/cloudsim/overload/OverloadDetector.js"
import {
  type BestFitHosts,
  type BestFitWorkspace,
  findFirstFit,
  findHostForVm,
  makeBestFitWorkspace
} from "../../algorithms/cloudsim/placement/powerAwareBestFit.js"
import { isAffinityPolicy, isHardPolicy, type ServerGroup } from "../../core/ServerGroup.js"
import { migrationSeconds } from "./Datacenter.js"
import type { LifetimeSchedule } from "./LifetimeSchedule.js"
import { powerOnCurve } from "./PowerModel.js"
import { coresFit, historyCapacity, hostCores, type SimState } from "./SimState.js"
import { clampedUtilization, type Simulator } from "./Simulator.js"

export class ArrivalPlacement implements BestFitHosts {
  /** Memory and bandwidth reserved on each host by the VMs in its list, worked out at each `begin`. */
  private readonly ramUsed: Float64Array
  private readonly bandwidthUsed: Float64Array
  /** CPU reserved since `begin` by VMs placed at this instant (their full capacity). */
  private readonly addedMips: Float64Array
  private readonly addedHosts: Array<number> = []
  private readonly load: HostLoad = makeHostLoad(historyCapacity)
  private readonly workspace: BestFitWorkspace
  private readonly none: Uint8Array

  constructor(
    private readonly state: SimState,
    private readonly hostRamMb: Float64Array,
    private readonly detector: OverloadDetector | undefined,
    intervalSec: number,
    private readonly rule: "best-fit" | "first-fit"
  ) {
    this.ramUsed = new Float64Array(state.hostCount)
    this.bandwidthUsed = new Float64Array(state.hostCount)
    this.addedMips = new Float64Array(state.hostCount)
    this.load.intervalSec = intervalSec
    this.workspace = makeBestFitWorkspace(state.hostCount)
    this.none = new Uint8Array(state.hostCount)
  }

  /** Takes the hosts as they are now, before the arrivals of an instant are placed. */
  begin(): void {
    const state = this.state
    for (let i = 0; i < this.addedHosts.length; i++) this.addedMips[this.addedHosts[i]!] = 0
    this.addedHosts.length = 0
    for (let h = 0; h < state.hostCount; h++) {
      let ram = 0
      let bandwidth = 0
      const first = h * state.hostSlots
      for (let at = first; at < first + state.hostVmCount[h]!; at++) {
        const v = state.hostVmIds[at]!
        ram += state.vmRamMb[v]!
        bandwidth += state.vmBandwidthMbps[v]!
      }
      this.ramUsed[h] = ram
      this.bandwidthUsed[h] = bandwidth
    }
  }

  /** The host for `vm` among those not `excluded` (none by default), or -1 when none can take it. */
  choose(vm: number, excluded: Uint8Array = this.none): number {
    return this.rule === "best-fit"
      ? findHostForVm(this, vm, excluded, this.workspace)
      : findFirstFit(this, vm, excluded, this.workspace)
  }

  /** Whether `host` can take `vm` now: core size, free CPU, memory and bandwidth. */
  fits(vm: number, host: number): boolean {
    const state = this.state
    const mips = state.vmMips[vm]!
    return (
      coresFit(state, vm, state.hostPeMips[host]!, hostCores(state, host)) &&
      state.hostAvailableMips[host]! - this.addedMips[host]! >= mips &&
      this.hostRamMb[host]! - this.ramUsed[host]! >= state.vmRamMb[vm]! &&
      state.hostBandwidthMbps[host]! - this.bandwidthUsed[host]! >= state.vmBandwidthMbps[vm]!
    )
  }

  /** Books `vm` on `host` for the rest of the instant (the caller adds it to the host's list). */
  reserve(vm: number, host: number): void {
    const state = this.state
    if (this.addedMips[host] === 0) this.addedHosts.push(host)
    this.addedMips[host] = this.addedMips[host]! + state.vmMips[vm]!
    this.ramUsed[host] = this.ramUsed[host]! + state.vmRamMb[vm]!
    this.bandwidthUsed[host] = this.bandwidthUsed[host]! + state.vmBandwidthMbps[vm]!
  }

  /** CPU booked on `host` by the VMs placed since `begin`, MHz (their full capacity). */
  cpuAddedMhz(host: number): number {
    return this.addedMips[host]!
  }

  /** Memory in use on `host`, MB (the VMs in its list, those placed since `begin` included). */
  ramUsedMb(host: number): number {
    return this.ramUsed[host]!
  }

  score(vm: number, excluded: Uint8Array, ids: Int32Array, scores: Float64Array): number {
    const state = this.state
    const mips = state.vmMips[vm]!
    let count = 0
    for (let h = 0; h < state.hostCount; h++) {
      if (excluded[h] === 1 || !this.fits(vm, h)) continue
      const total = state.hostTotalMips[h]!
      const curve = state.hostPowerCurve[h]!
      const now = powerOnCurve(curve, clampedUtilization(state.hostUtilMips[h]!, total))
      const score = powerOnCurve(curve, (state.hostAllocatedMips[h]! + this.addedMips[h]! + mips) / total) - now
      if (!(score < Number.MAX_VALUE)) continue
      ids[count] = h
      scores[count] = score
      count++
    }
    return count
  }

  busy(host: number): boolean {
    return this.state.hostAllocatedMips[host] !== 0 || this.addedMips[host] !== 0
  }

  /**
   * The detector's verdict on `host` with `vm` created on it: its VMs' demand plus the full
   * capacity of the VMs created at this instant, the history rebuilt from the VMs' own (a new VM
   * has none, so adds nothing), the longest migration among them.
   */
  overloadedWith(host: number, vm: number): boolean {
    const detector = this.detector
    if (detector === undefined) return false
    const state = this.state
    const load = this.load
    const total = state.hostTotalMips[host]!
    const first = host * state.hostSlots
    const end = first + state.hostVmCount[host]!
    let requested = 0
    let maxRam = state.vmRamMb[vm]!
    for (let at = first; at < end; at++) {
      const v = state.hostVmIds[at]!
      requested += state.vmDemandMips[v]!
      if (state.vmRamMb[v]! > maxRam) maxRam = state.vmRamMb[v]!
    }
    load.host = host
    load.commit = false
    load.totalMips = total
    load.requestedMips = requested + this.addedMips[host]! + state.vmMips[vm]!
    load.maxMigrationSec = migrationSeconds(maxRam, state.hostBandwidthMbps[host]!)
    const m = detector.needsHistory && state.history.length > 0 ? state.historyLength : 0
    const history = load.history
    for (let i = 0; i < m; i++) {
      const slot = (state.historyHead - i + historyCapacity) % historyCapacity
      let sum = 0
      for (let at = first; at < end; at++) {
        const v = state.hostVmIds[at]!
        sum = sum + (state.history[v * historyCapacity + slot]! * state.vmMips[v]!) / total
      }
      history[i] = sum
    }
    load.historyLength = m === 0 ? 0 : trimmedLength(history, m)
    return detector.isOverloaded(load)
  }
}

/**
 * Nova server groups for VMs arriving during the run (`neat sim --server-groups`, the `neat`
 * policy): which hosts an arriving member may not take, given where the group's members are now
 * (VMs placed earlier in the same instant included). An anti-affinity member never lands on a
 * host holding another member (nor one a member is migrating to or from); an affinity member
 * goes where the members are (where the last of their moves takes them), anywhere when none is
 * in the data centre. A hard policy is never broken: the VM is refused (and counted) when no
 * allowed host has room; a soft one is kept when an allowed host has room, else the VM goes
 * wherever it fits.
 */
export class ArrivalGroups {
  /** Each VM's group, by VM index; undefined for VMs in none. */
  private readonly groupOfVm: ReadonlyArray<ServerGroup | undefined>
  /** Each group's VMs, by group id. */
  private readonly members = new Map<string, Array<number>>()

  constructor(names: ReadonlyArray<string>, groups: ReadonlyMap<string, ServerGroup>) {
    this.groupOfVm = names.map((name) => groups.get(name))
    this.groupOfVm.forEach((group, v) => {
      if (group === undefined) return
      const list = this.members.get(group.id)
      if (list === undefined) this.members.set(group.id, [v])
      else list.push(v)
    })
  }

  /** The group of `vm`, undefined when it has none. */
  groupOf(vm: number): ServerGroup | undefined {
    return this.groupOfVm[vm]
  }

  /**
   * Marks in `ruledOut` (1; the caller clears it) the hosts the group of `vm` does not allow, from
   * where its other members are: `hostsOf(w)` lists the hosts member w is on or moving to, the
   * last one its destination, none when it is not in the data centre. False when no host is ruled
   * out (no group, or an affinity group with no member present).
   */
  ruleOut(vm: number, ruledOut: Uint8Array, hostsOf: (member: number) => ReadonlyArray<number>): boolean {
    const group = this.groupOfVm[vm]
    if (group === undefined) return false
    if (isAffinityPolicy(group.policy)) {
      // Every host but the members' destinations.
      const allowed = new Set<number>()
      for (const w of this.members.get(group.id) ?? []) {
        const hosts = w === vm ? [] : hostsOf(w)
        if (hosts.length > 0) allowed.add(hosts[hosts.length - 1]!)
      }
      if (allowed.size === 0) return false
      for (let h = 0; h < ruledOut.length; h++) if (!allowed.has(h)) ruledOut[h] = 1
      return true
    }
    let ruled = false
    for (const w of this.members.get(group.id) ?? []) {
      if (w === vm) continue
      for (const h of hostsOf(w)) {
        ruledOut[h] = 1
        ruled = true
      }
    }
    return ruled
  }

  /** Whether `vm`'s group is a rule (a hard policy) rather than a preference. */
  isHard(vm: number): boolean {
    const group = this.groupOfVm[vm]
    return group !== undefined && isHardPolicy(group.policy)
  }
}

/**
 * The lifetime events due at the update at `timeSec`, before it: the VMs leaving go (freeing their
 * hosts), then the VMs arriving are placed in order by `place` (a host index, or -1: refused and
 * counted). Call `Simulator.settleDepartures` after the update.
 */
export const replayLifetimes = (
  sim: Simulator,
  schedule: LifetimeSchedule,
  timeSec: number,
  place: (vm: number) => number,
  begin: () => void
): void => {
  const leaving = schedule.departuresDue(timeSec)
  for (let i = 0; i < leaving.length; i++) sim.removeVm(leaving[i]!, timeSec)
  const arriving = schedule.arrivalsDue(timeSec)
  if (arriving.length === 0) return
  begin()
  for (let i = 0; i < arriving.length; i++) {
    const vm = arriving[i]!
    const host = place(vm)
    if (host < 0) sim.vmsRefused++
    else sim.admitVm(vm, host)
  }
}

/** `replayLifetimes` with CloudSim's placement of the arrivals over `placement`. */
export const replayLifetimesCloudsim = (
  sim: Simulator,
  schedule: LifetimeSchedule,
  timeSec: number,
  placement: ArrivalPlacement
): void =>
  replayLifetimes(
    sim,
    schedule,
    timeSec,
    (vm) => {
      const host = placement.choose(vm)
      if (host >= 0) placement.reserve(vm, host)
      return host
    },
    () => placement.begin()
  )
