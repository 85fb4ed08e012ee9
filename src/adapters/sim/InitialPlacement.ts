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
import { describeGroup, isAffinityPolicy, isHardPolicy, type ServerGroup } from "../../core/ServerGroup.js"
import { migrationSeconds } from "./Datacenter.js"
import { powerOnCurve } from "./PowerModel.js"
import { addToHost, coresFit, hostCores, type SimState } from "./SimState.js"

/** "best-fit": CloudSim's power-aware best fit (migration policies); "first-fit": `PowerVmAllocationPolicySimple` (NPA, DVFS). */
export type InitialPlacementRule = "best-fit" | "first-fit"

/**
 * A given placement at time 0: VM name (as in the trace) → host index (0-based). VMs it does not
 * name are placed by best fit on what the named ones leave.
 */
export type ExplicitPlacement = Readonly<Record<string, number>>

/** How VMs are placed at time 0: a rule, or a given placement. */
export type InitialPlacementOption = InitialPlacementRule | ExplicitPlacement

/** No host given for the VM: the rule places it. */
const free = -1

/**
 * The host of each VM (by index) under an explicit placement, `free` for VMs it does not name; a
 * ConfigError naming the first VM that the trace lacks or whose host index is out of range.
 */
export const fixedHostsOf = (
  placement: ExplicitPlacement,
  names: ReadonlyArray<string>,
  hostCount: number
): Int32Array | ConfigError => {
  const index = new Map(names.map((name, v) => [name, v] as const))
  const fixed = new Int32Array(names.length).fill(free)
  for (const [vm, host] of Object.entries(placement)) {
    const v = index.get(vm)
    if (v === undefined) {
      return new ConfigError({ field: "initialPlacement", message: `VM ${vm} is not in the trace` })
    }
    if (!Number.isInteger(host) || host < 0 || host >= hostCount) {
      return new ConfigError({
        field: "initialPlacement",
        message: `VM ${vm}: host index ${host} is not one of the ${hostCount} hosts (0-${hostCount - 1})`
      })
    }
    fixed[v] = host
  }
  return fixed
}

/**
 * Places every VM at time 0 by `option`: a rule, or an explicit placement (the named VMs first,
 * each checked to fit, then the others by best fit). A ConfigError names what does not fit.
 */
export const placeInitiallyBy = (
  state: SimState,
  option: InitialPlacementOption | undefined,
  names: ReadonlyArray<string>,
  hostRamMb: Float64Array,
  intervalSec: number,
  groups?: ReadonlyMap<string, ServerGroup>,
  lifetimes?: StartingVms
): ConfigError | undefined => {
  const groupOf = groups === undefined ? undefined : (v: number) => groups.get(names[v]!)
  if (option === undefined || typeof option === "string") {
    return placeInitially(
      state,
      option ?? "best-fit",
      hostRamMb,
      undefined,
      intervalSec,
      undefined,
      names,
      groupOf,
      lifetimes
    )
  }
  const fixed = fixedHostsOf(option, names, state.hostCount)
  if (fixed instanceof ConfigError) return fixed
  return placeInitially(state, "best-fit", hostRamMb, undefined, intervalSec, fixed, names, groupOf, lifetimes)
}

/**
 * With trace lifetimes: the VMs there at time 0 (1 in `present`; the others arrive later or
 * never), and what to do with one that fits nowhere (it is refused, not an error).
 */
export interface StartingVms {
  readonly present: Uint8Array
  readonly refuse: (vm: number) => void
}

/**
 * Places every VM on a host (appending to the host lists of `state`); fails with a ConfigError
 * naming the first VM that fits nowhere (CloudSim aborts the run there). VMs with a host in `fixed`
 * (an index, or -1 for none) go there first, each checked to fit (CPU, memory, bandwidth); the
 * rule places the others on what they leave. With `groupOf`, the rule places a VM of a server
 * group only where its policy allows (soft policies: when some host allows it); the VMs given a
 * host are not checked.
 */
export const placeInitially = (
  state: SimState,
  rule: InitialPlacementRule,
  hostRamMb: Float64Array,
  detector: OverloadDetector | undefined,
  intervalSec: number,
  fixed?: Int32Array,
  names?: ReadonlyArray<string>,
  groupOf?: (vm: number) => ServerGroup | undefined,
  lifetimes?: StartingVms
): ConfigError | undefined => {
  const absent = (v: number): boolean => lifetimes !== undefined && lifetimes.present[v] === 0
  // Server groups exclude hosts per VM: their placements scan every host (first fit needs no classes).
  const view = new HostsAtStart(state, hostRamMb, detector, intervalSec, groupOf === undefined && rule === "best-fit")
  const { availableMips, availableRam, availableBandwidth } = view
  const excluded = new Uint8Array(state.hostCount)
  const workspace = makeBestFitWorkspace(state.hostCount)
  for (let v = 0; fixed !== undefined && v < state.vmCount; v++) {
    const host = fixed[v]!
    if (host < 0 || absent(v)) continue
    const lacking = !coresFit(state, v, state.hostPeMips[host]!, hostCores(state, host))
      ? state.vmCores[v] === 1
        ? `its ${state.vmMips[v]} MHz exceed a core of the host (${state.hostPeMips[host]} MHz)`
        : `its ${state.vmCores[v]} cores of ${state.vmMips[v]! / state.vmCores[v]!} MHz exceed the host's cores (${hostCores(state, host)} of ${state.hostPeMips[host]} MHz)`
      : availableMips[host]! < state.vmMips[v]!
        ? `${state.vmMips[v]} MHz asked, ${availableMips[host]} MHz of ${state.hostTotalMips[host]} left`
        : availableRam[host]! < state.vmRamMb[v]!
          ? `${state.vmRamMb[v]} MB asked, ${availableRam[host]} MB of ${hostRamMb[host]} left`
          : availableBandwidth[host]! < state.vmBandwidthMbps[v]!
            ? `${state.vmBandwidthMbps[v]} Mbit/s asked, ${availableBandwidth[host]} Mbit/s left`
            : undefined
    if (lacking !== undefined) {
      return new ConfigError({
        field: "initialPlacement",
        message: `VM ${names?.[v] ?? v} does not fit on host index ${host} as given: ${lacking}`
      })
    }
    view.place(v, host)
  }
  const pick = (v: number): number =>
    rule === "best-fit" ? findHostForVm(view, v, excluded, workspace) : findFirstFit(view, v, excluded, workspace)
  // Hosts of each group's members placed so far, those given a host first.
  const membersOn = new Map<string, Array<number>>()
  const joined = (v: number, host: number): void => {
    const group = groupOf?.(v)
    if (group !== undefined) membersOn.set(group.id, [...(membersOn.get(group.id) ?? []), host])
  }
  for (let v = 0; groupOf !== undefined && fixed !== undefined && v < state.vmCount; v++) {
    if (fixed[v]! >= 0 && !absent(v)) joined(v, fixed[v]!)
  }
  /** Whether `host` has room for all of `vms` at once (CPU per core and in all, memory, bandwidth). */
  const roomFor = (host: number, vms: ReadonlyArray<number>): boolean => {
    let mips = 0
    let ram = 0
    let bandwidth = 0
    for (const w of vms) {
      if (!coresFit(state, w, state.hostPeMips[host]!, hostCores(state, host))) return false
      mips += state.vmMips[w]!
      ram += state.vmRamMb[w]!
      bandwidth += state.vmBandwidthMbps[w]!
    }
    return mips <= availableMips[host]! && ram <= availableRam[host]! && bandwidth <= availableBandwidth[host]!
  }
  /** The VMs after `v` of its group that the rule is still to place. */
  const restOfGroup = (v: number, group: ServerGroup): Array<number> => {
    const rest: Array<number> = []
    for (let w = v + 1; w < state.vmCount; w++) {
      if ((fixed === undefined || fixed[w]! < 0) && !absent(w) && groupOf?.(w)?.id === group.id) rest.push(w)
    }
    return rest
  }
  /**
   * The rule's host among those the VM's group allows, and the group's other VMs to place there at
   * once (an affinity group's first member goes where all of them fit); host -1 when none has room.
   */
  const pickInGroup = (v: number, group: ServerGroup): { host: number; along: ReadonlyArray<number> } => {
    const members = membersOn.get(group.id) ?? []
    const together = isAffinityPolicy(group.policy)
    if (members.length === 0 && together) {
      const along = restOfGroup(v, group)
      if (along.length === 0) return { host: pick(v), along }
      for (let host = pick(v); host >= 0; host = pick(v)) {
        if (roomFor(host, [v, ...along])) {
          excluded.fill(0)
          return { host, along }
        }
        excluded[host] = 1
      }
      excluded.fill(0)
      return isHardPolicy(group.policy) ? { host: -1, along } : { host: pick(v), along: [] }
    }
    if (members.length === 0) return { host: pick(v), along: [] }
    for (let h = 0; h < state.hostCount; h++) if (members.includes(h) !== together) excluded[h] = 1
    const host = pick(v)
    excluded.fill(0)
    return { host: host < 0 && !isHardPolicy(group.policy) ? pick(v) : host, along: [] }
  }
  const placedEarly = new Uint8Array(groupOf === undefined ? 0 : state.vmCount)
  for (let v = 0; v < state.vmCount; v++) {
    if (fixed !== undefined && fixed[v]! >= 0) continue
    if (placedEarly[v] === 1 || absent(v)) continue
    const group = groupOf?.(v)
    const chosen = group === undefined ? undefined : pickInGroup(v, group)
    const host = chosen === undefined ? pick(v) : chosen.host
    if (host < 0 && lifetimes !== undefined) {
      lifetimes.refuse(v)
      continue
    }
    if (host < 0 && group !== undefined && isHardPolicy(group.policy)) {
      return new ConfigError({
        field: "server-groups",
        message: `VM ${names?.[v] ?? v} fits on no host its ${describeGroup(group)} allows at time 0: add hosts, or give an initial placement`
      })
    }
    if (host < 0) {
      return new ConfigError({
        field: "hosts",
        message: `VM ${v} (${state.vmMips[v]} MHz, ${state.vmRamMb[v]} MB) fits on no host at time 0: add hosts or use smaller VM types`
      })
    }
    view.place(v, host)
    if (group === undefined) continue
    joined(v, host)
    for (const w of chosen?.along ?? []) {
      view.place(w, host)
      joined(w, host)
      placedEarly[w] = 1
    }
  }
  return undefined
}

/**
 * The hosts as placement sees them at time 0 (`BestFitHosts`): capacities left after the VMs
 * placed so far. A class rather than closures, so that the code V8 compiles for it in one run
 * serves the next.
 */
class HostsAtStart implements BestFitHosts {
  readonly availableMips: Float64Array
  readonly availableRam: Float64Array
  readonly availableBandwidth: Float64Array
  private readonly reservedMips: Float64Array
  private readonly maxRam: Float64Array
  // One history value (0) at time 0, on which every detector falls back to its plain threshold.
  private readonly load: HostLoad = makeHostLoad(1)
  /**
   * Hosts that have taken no VM yet are alike within their type: same capacities, same score,
   * never busy (so never rejected). Only the first of each type can win, so only it is scored.
   */
  private readonly used: Uint8Array
  private readonly typeSeen: Int32Array
  private scoreCall = 0
  /** Per VM size, the first host first fit has not yet ruled out. */
  private readonly firstFitStart = new Map<string, number>()
  /**
   * Hosts that took VMs, by class: hosts of one type with the same reserved and free capacities
   * and the same largest VM memory score alike, pass the same checks and get the same overload
   * verdict (every input of the detector's time-0 test is the same), so among a class only its
   * lowest-numbered host can be chosen, and best fit scores only that one (`score`), in host order
   * among the others: the scan's choice without a pass over every host per VM.
   */
  private readonly classOf: Int32Array
  private readonly classIds = new Map<string, number>()
  private classMembers: Array<Int32Array> = []
  private classSize: Array<number> = []
  private readonly classCount: Array<number> = []
  /** Classes with members, and per type the lowest host that took no VM yet. */
  private readonly liveClasses: Array<number> = []
  private readonly firstUnused: Int32Array
  private readonly reps: Array<number> = []

  constructor(
    private readonly state: SimState,
    hostRamMb: Float64Array,
    private readonly detector: OverloadDetector | undefined,
    intervalSec: number,
    /** Score class representatives (`score`); false: every host, as when hosts are excluded. */
    private readonly byClass = false
  ) {
    const hosts = state.hostCount
    this.availableMips = Float64Array.from(state.hostTotalMips)
    this.availableRam = Float64Array.from(hostRamMb)
    this.availableBandwidth = Float64Array.from(state.hostBandwidthMbps)
    this.reservedMips = new Float64Array(hosts)
    this.maxRam = new Float64Array(hosts).fill(Number.NEGATIVE_INFINITY)
    this.load.intervalSec = intervalSec
    this.used = new Uint8Array(hosts)
    let types = 0
    for (let h = 0; h < hosts; h++) types = Math.max(types, state.hostType[h]! + 1)
    this.typeSeen = new Int32Array(types)
    this.classOf = new Int32Array(hosts).fill(-1)
    this.firstUnused = new Int32Array(types).fill(hosts)
    for (let h = hosts - 1; h >= 0; h--) this.firstUnused[state.hostType[h]!] = h
  }

  score(v: number, skip: Uint8Array, ids: Int32Array, scores: Float64Array): number {
    if (this.byClass) {
      const count = this.scoreClasses(v, skip, ids, scores)
      if (count >= 0) return count
    }
    const state = this.state
    const mips = state.vmMips[v]!
    const ram = state.vmRamMb[v]!
    const bandwidth = state.vmBandwidthMbps[v]!
    const call = ++this.scoreCall
    let count = 0
    for (let h = 0; h < state.hostCount; h++) {
      if (skip[h] === 1 || !coresFit(state, v, state.hostPeMips[h]!, hostCores(state, h))) continue
      if (this.availableMips[h]! < mips) continue
      if (this.availableRam[h]! < ram || this.availableBandwidth[h]! < bandwidth) continue
      if (this.used[h] === 0) {
        const type = state.hostType[h]!
        if (this.typeSeen[type] === call) continue
        this.typeSeen[type] = call
      }
      // powerAt(table, 0) is the table's first value, the curve's too.
      const curve = state.hostPowerCurve[h]!
      ids[count] = h
      scores[count] = powerOnCurve(curve, (this.reservedMips[h]! + mips) / state.hostTotalMips[h]!) - curve[0]!
      count++
    }
    return count
  }

  /**
   * `score` over each type's first unused host and each class's lowest host, in host order: the
   * hosts among which the full scan's choice lies (the others tie with one of them at a higher
   * number and get the same verdict). -1 when a representative is excluded (the full scan decides).
   */
  private scoreClasses(v: number, skip: Uint8Array, ids: Int32Array, scores: Float64Array): number {
    const state = this.state
    const reps = this.reps
    reps.length = 0
    const hosts = state.hostCount
    for (let t = 0; t < this.firstUnused.length; t++) {
      let h = this.firstUnused[t]!
      while (h < hosts && (this.used[h] === 1 || state.hostType[h] !== t)) h++
      this.firstUnused[t] = h
      if (h < hosts) reps.push(h)
    }
    for (let i = 0; i < this.liveClasses.length; i++) reps.push(this.lowestMember(this.liveClasses[i]!))
    reps.sort((a, b) => a - b)
    const mips = state.vmMips[v]!
    const ram = state.vmRamMb[v]!
    const bandwidth = state.vmBandwidthMbps[v]!
    let count = 0
    for (let i = 0; i < reps.length; i++) {
      const h = reps[i]!
      if (skip[h] === 1) return -1
      if (!coresFit(state, v, state.hostPeMips[h]!, hostCores(state, h)) || this.availableMips[h]! < mips) continue
      if (this.availableRam[h]! < ram || this.availableBandwidth[h]! < bandwidth) continue
      const curve = state.hostPowerCurve[h]!
      ids[count] = h
      scores[count] = powerOnCurve(curve, (this.reservedMips[h]! + mips) / state.hostTotalMips[h]!) - curve[0]!
      count++
    }
    return count
  }

  /** The lowest host of a class (its heap holds former members too, skipped). */
  private lowestMember(c: number): number {
    const heap = this.classMembers[c]!
    while (this.classOf[heap[0]!] !== c) this.classSize[c] = popMin(heap, this.classSize[c]!)
    return heap[0]!
  }

  /** Files a host that has just taken a VM under its new class. */
  private classify(host: number): void {
    const state = this.state
    const key = `${state.hostType[host]}/${this.reservedMips[host]}/${this.availableMips[host]}/${this.availableRam[host]}/${this.availableBandwidth[host]}/${this.maxRam[host]}`
    let c = this.classIds.get(key)
    if (c === undefined) {
      c = this.classMembers.length
      this.classIds.set(key, c)
      this.classMembers.push(new Int32Array(8))
      this.classSize.push(0)
      this.classCount.push(0)
    }
    const before = this.classOf[host]!
    if (before === c) return
    if (before >= 0) {
      this.classCount[before] = this.classCount[before]! - 1
      if (this.classCount[before] === 0) this.liveClasses.splice(this.liveClasses.indexOf(before), 1)
    }
    this.classOf[host] = c
    if (this.classCount[c] === 0) this.liveClasses.push(c)
    this.classCount[c] = this.classCount[c]! + 1
    let heap = this.classMembers[c]!
    const size = this.classSize[c]!
    if (size === heap.length) {
      const grown = new Int32Array(size * 2)
      grown.set(heap)
      this.classMembers[c] = grown
      heap = grown
    }
    this.classSize[c] = pushMin(heap, size, host)
  }

  firstSuitable(v: number, skip: Uint8Array): number {
    // Capacities only shrink at time 0, so no host before the first that took a VM of this
    // size can take another: each size resumes where it stopped.
    const state = this.state
    const hosts = state.hostCount
    const mips = state.vmMips[v]!
    const ram = state.vmRamMb[v]!
    const bandwidth = state.vmBandwidthMbps[v]!
    const key = `${mips}/${ram}/${bandwidth}`
    for (let h = this.firstFitStart.get(key) ?? 0; h < hosts; h++) {
      if (skip[h] === 1 || !coresFit(state, v, state.hostPeMips[h]!, hostCores(state, h))) continue
      if (this.availableMips[h]! < mips) continue
      if (this.availableRam[h]! < ram || this.availableBandwidth[h]! < bandwidth) continue
      this.firstFitStart.set(key, h)
      return h
    }
    this.firstFitStart.set(key, hosts)
    return -1
  }

  busy(h: number): boolean {
    return this.reservedMips[h] !== 0
  }

  overloadedWith(h: number, v: number): boolean {
    if (this.detector === undefined) return false
    // Only the VM being created demands CPU; nobody has history yet.
    const state = this.state
    const load = this.load
    load.totalMips = state.hostTotalMips[h]!
    load.requestedMips = state.vmMips[v]!
    load.history[0] = 0
    load.historyLength = 1
    load.host = h
    load.commit = false
    load.maxMigrationSec = migrationSeconds(Math.max(this.maxRam[h]!, state.vmRamMb[v]!), state.hostBandwidthMbps[h]!)
    return this.detector.isOverloaded(load)
  }

  /** Puts VM `v` on `host`, taking its capacity. */
  place(v: number, host: number): void {
    const state = this.state
    this.used[host] = 1
    this.availableMips[host] = this.availableMips[host]! - state.vmMips[v]!
    this.availableRam[host] = this.availableRam[host]! - state.vmRamMb[v]!
    this.availableBandwidth[host] = this.availableBandwidth[host]! - state.vmBandwidthMbps[v]!
    this.reservedMips[host] = this.reservedMips[host]! + state.vmMips[v]!
    if (state.vmRamMb[v]! > this.maxRam[host]!) this.maxRam[host] = state.vmRamMb[v]!
    addToHost(state, host, v, 0)
    state.vmHost[v] = host
    if (this.byClass) this.classify(host)
  }
}

/** Adds `value` to a binary min-heap of `size` entries; returns the new size. */
const pushMin = (heap: Int32Array, size: number, value: number): number => {
  let i = size
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (heap[parent]! <= value) break
    heap[i] = heap[parent]!
    i = parent
  }
  heap[i] = value
  return size + 1
}

/** Removes a binary min-heap's smallest entry; returns the new size. */
const popMin = (heap: Int32Array, size: number): number => {
  const last = size - 1
  const value = heap[last]!
  let i = 0
  for (;;) {
    let child = 2 * i + 1
    if (child >= last) break
    if (child + 1 < last && heap[child + 1]! < heap[child]!) child++
    if (heap[child]! >= value) break
    heap[i] = heap[child]!
    i = child
  }
  heap[i] = value
  return last
}
