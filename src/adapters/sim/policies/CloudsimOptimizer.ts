/**
 * CloudSim 3.0.3's `optimizeAllocation`, step for step: detect overloaded hosts; take VMs off
 * each until it is no longer overloaded; place them by power-aware best fit (sorted by demand,
 * switched-off hosts allowed); then try to drain under-utilised hosts one by one in increasing
 * order of their last measured utilisation, all of a host's VMs or none; finally restore every
 * tentative change and return the migration list.
 *
 * Quirk kept on purpose (CloudSim line 140): hosts that received VMs from overloaded hosts are
 * not protected from being drained, so one VM can be listed twice in one round.
 */
import { type HostLoad, makeHostLoad, trimmedLength } from "../../../algorithms/cloudsim/HostLoad.js"
import {
  forecastMargin,
  type LinearForecast,
  type OverloadDetector
} from "../../../algorithms/cloudsim/overload/OverloadDetector.js"
import {
  type BestFitHosts,
  type BestFitWorkspace,
  findHostForVm,
  makeBestFitWorkspace
} from "../../../algorithms/cloudsim/placement/powerAwareBestFit.js"
import { SelectionInput, type VmSelection } from "../../../algorithms/cloudsim/selection/VmSelection.js"
import { allocateCpu, allocateCpuForLast } from "../CpuScheduler.js"
import { migrationSeconds } from "../Datacenter.js"
import { powerOnCurve } from "../PowerModel.js"
import {
  addToHost,
  historyCapacity,
  indexOnHost,
  mapLoadFactor,
  removeFromHost,
  reserveMapCapacity,
  type SimState
} from "../SimState.js"
import { clampedUtilization } from "../Simulator.js"

/** VMs a host may hold for its history sums to be kept across rounds. */
const prefixRows = 16

/**
 * The running-sum store, shared by the optimizers of one thread (runs follow one another, and a
 * new store per run left megabytes of garbage behind each). Its contents mean something only to
 * the optimizer that wrote them last: another one clears its own marks before using it.
 */
let sharedPrefix: { sums: Float64Array; vms: Int32Array; owner: object | undefined } = {
  sums: new Float64Array(0),
  vms: new Int32Array(0),
  owner: undefined
}

export class CloudsimOptimizer implements BestFitHosts {
  /** The migrations decided by the last `optimize`, in CloudSim's list order. */
  readonly plannedVms: Array<number> = []
  readonly plannedHosts: Array<number> = []
  /** Hosts found overloaded in the last round. */
  overloadedCount = 0

  private readonly staleUtilization: Float64Array
  private readonly stalePower: Float64Array
  private readonly overloaded: Uint8Array
  private readonly excludedUnder: Uint8Array
  private readonly excludedPlace: Uint8Array
  private readonly touched: Uint8Array
  private readonly touchedHosts: Array<number> = []
  /** The lists of the hosts changed this round, as they were, one after another (`touch`). */
  private savedIds = new Int32Array(256)
  private savedMigIn = new Uint8Array(256)
  private savedLength = 0
  private readonly savedStart: Int32Array
  private readonly savedCount: Int32Array
  private readonly load: HostLoad
  private readonly selection: SelectionInput
  private readonly workspace: BestFitWorkspace
  private readonly order: Int32Array
  /** Per host: its class of (type, stale power), the hosts that score alike when idle. */
  private readonly idleGroup: Int32Array
  /** Per class: the placement call that last scored one of its idle hosts. */
  private readonly groupSeen: Int32Array
  private scoreStamp = 0
  /** Per host type, the class of each stale power seen this round. */
  private readonly groupIds: Array<Map<number, number>>
  /** Per host type: the class of its hosts at utilisation 0 this round (-1: none yet), and one such host. */
  private readonly idleClass: Int32Array
  private readonly idleClassHost: Int32Array
  /**
   * The hosts placement scans, in host order: while placing VMs of overloaded hosts, the busy ones
   * and enough idle ones of each kind; while draining, only those switched on at the last update
   * (the others are excluded then).
   */
  private readonly scanHosts: Int32Array
  private scanCount = 0
  /** Positions in `score`'s output of the hosts it must probe before scoring them. */
  private readonly probePositions: Int32Array
  /** Per host, valid while its list is unchanged: demand, rebuilt history, largest VM memory. */
  private readonly baseValid: Uint8Array
  private readonly baseRequested: Float64Array
  private readonly baseHistory: Float64Array
  private readonly baseMaxRam: Float64Array
  /** Per host, how many of the newest cached history values are valid (the window, or all). */
  private readonly baseHistoryCount: Int32Array
  /**
   * Per host, across rounds: running sums of its VMs' history shares by ring slot, row k the sum
   * over the first k + 1 VMs of `prefixVms` in list order (so row k − 1 plus VM k's share is row k,
   * as the rebuild adds them). `prefixSlots` marks the slots whose rows are all valid, and
   * `prefixRecords` the history count they were computed at: a slot written since is stale. A
   * rebuild recomputes only the rows past the list's common prefix with `prefixVms` and the slots
   * written since; each value is the double the full rebuild gives. Hosts with more than
   * `prefixRows` VMs (rare) are rebuilt in full, which keeps the store small and allocated once.
   */
  private prefixSums: Float64Array
  private prefixVms: Int32Array
  private readonly prefixCount: Int32Array
  private readonly prefixSlots: Int32Array
  private readonly prefixRecords: Float64Array
  /** The newest history values the detector reads (all of them unless it declares a window). */
  private readonly historyWindow: number
  /**
   * The detector's linear form (LR, LRR), decided from sums: per host, Σ h and Σ cᵢ·hᵢ of its
   * cached window (valid with `linearValid`); per VM, the same sums of its own utilisation
   * history (valid for the round in `vmLinearRound`), scaled to a host's capacity when added.
   */
  private readonly linear: LinearForecast | undefined
  private readonly hostLinearSum: Float64Array
  private readonly hostLinearCentered: Float64Array
  private readonly linearValid: Uint8Array
  private readonly vmLinearSum: Float64Array
  private readonly vmLinearCentered: Float64Array
  private readonly vmLinearRound: Int32Array
  private round = 0
  /** History ring slot of the i-th newest value, refreshed each round. */
  private readonly slots = new Int32Array(historyCapacity)
  private readonly toPlace: Array<number> = []
  private readonly placedVms: Array<number> = []
  private readonly placedHosts: Array<number> = []

  constructor(
    private readonly state: SimState,
    private readonly detector: OverloadDetector,
    private readonly selector: VmSelection,
    intervalSec: number
  ) {
    const hosts = state.hostCount
    this.staleUtilization = new Float64Array(hosts)
    this.idleGroup = new Int32Array(hosts)
    this.scanHosts = new Int32Array(hosts)
    this.probePositions = new Int32Array(hosts)
    this.baseValid = new Uint8Array(hosts)
    this.baseRequested = new Float64Array(hosts)
    this.baseHistory = new Float64Array(hosts * historyCapacity)
    this.baseMaxRam = new Float64Array(hosts)
    this.baseHistoryCount = new Int32Array(hosts)
    this.prefixSums = sharedPrefix.sums
    this.prefixVms = sharedPrefix.vms
    this.prefixCount = new Int32Array(hosts)
    this.prefixSlots = new Int32Array(hosts)
    this.prefixRecords = new Float64Array(hosts)
    this.historyWindow = Math.min(historyCapacity, detector.historyWindow ?? historyCapacity)
    const linear = detector.linear
    this.linear = linear !== undefined && linear.window <= this.historyWindow ? linear : undefined
    this.hostLinearSum = new Float64Array(hosts)
    this.hostLinearCentered = new Float64Array(hosts)
    this.linearValid = new Uint8Array(hosts)
    this.vmLinearSum = new Float64Array(state.vmCount)
    this.vmLinearCentered = new Float64Array(state.vmCount)
    this.vmLinearRound = new Int32Array(state.vmCount)
    this.groupSeen = new Int32Array(hosts)
    let types = 0
    for (let h = 0; h < hosts; h++) types = Math.max(types, state.hostType[h]! + 1)
    this.idleClass = new Int32Array(types)
    this.groupIds = Array.from({ length: types }, () => new Map<number, number>())
    this.idleClassHost = new Int32Array(types)
    this.stalePower = new Float64Array(hosts)
    this.overloaded = new Uint8Array(hosts)
    this.excludedUnder = new Uint8Array(hosts)
    this.excludedPlace = new Uint8Array(hosts)
    this.touched = new Uint8Array(hosts)
    this.savedStart = new Int32Array(hosts)
    this.savedCount = new Int32Array(hosts)
    this.load = makeHostLoad(historyCapacity)
    this.load.intervalSec = intervalSec
    this.selection = new SelectionInput(
      new Int32Array(state.vmCount),
      state.vmRamMb,
      state.vmMips,
      state.vmDemandMips,
      new Float64Array(state.vmCount * historyCapacity)
    )
    this.workspace = makeBestFitWorkspace(hosts)
    this.order = new Int32Array(hosts)
  }

  /**
   * Best fit's view of the hosts (`BestFitHosts`): methods, not closures, so that the hot code
   * compiled for one run serves the next (V8 specialises a closure's code to its context).
   * Writes every candidate host for `vm` and its power increase, in host order. For
   * `findHostForVm` within a round only: it scans the round's hosts and probes some of them.
   */
  score(vm: number, excluded: Uint8Array, ids: Int32Array, scores: Float64Array): number {
    const state = this.state
    const demand = state.vmDemandMips[vm]!
    // CloudSim's PE check: each of the VM's cores asks for at most a host core (1 core: its demand).
    const perCore = demand / state.vmCores[vm]!
    const pe = state.hostPeMips
    const available = state.hostAvailableMips
    const allocated = state.hostAllocatedMips
    const total = state.hostTotalMips
    const power = state.hostPowerCurve
    const hashOrdered = state.hostHashOrdered
    const vmCount = state.hostVmCount
    const mapCapacity = state.hostMapCapacity
    const stale = this.stalePower
    const idleGroup = this.idleGroup
    const groupSeen = this.groupSeen
    // Idle hosts of one type with the same stale power all score the same and are never
    // tested, so only the first (lowest-numbered) of each such group can win.
    const stamp = ++this.scoreStamp
    const scan = this.scanHosts
    const scanCount = this.scanCount
    const probes = this.probePositions
    let probeCount = 0
    let count = 0
    for (let k = 0; k < scanCount; k++) {
      const h = scan[k]!
      if (excluded[h] === 1 || pe[h]! < perCore || available[h]! < demand) continue
      let score: number
      if (allocated[h] !== 0) {
        // CloudSim's overload test creates and destroys the VM on every suitable busy host,
        // which leaves that host's CPU re-allocated in hash-table order (usually it already is,
        // and its table has room for one more). Such a host is scored after the loop: a probe
        // changes only its own host, and the loop compiles tighter without a call in it.
        if (hashOrdered[h] === 0 || vmCount[h]! + 1 > mapCapacity[h]! * mapLoadFactor) {
          probes[probeCount++] = count
          ids[count++] = h
          continue
        }
        score = powerOnCurve(power[h]!, (allocated[h]! + demand) / total[h]!) - stale[h]!
      } else {
        const group = idleGroup[h]!
        if (groupSeen[group] === stamp) continue
        groupSeen[group] = stamp
        score = powerOnCurve(power[h]!, demand / total[h]!) - stale[h]!
      }
      if (!(score < Number.MAX_VALUE)) continue
      ids[count] = h
      scores[count] = score
      count++
    }
    if (probeCount === 0) return count
    let dropped = false
    for (let p = 0; p < probeCount; p++) {
      const at = probes[p]!
      const h = ids[at]!
      this.probe(h)
      const score = powerOnCurve(power[h]!, (allocated[h]! + demand) / total[h]!) - stale[h]!
      scores[at] = score
      if (!(score < Number.MAX_VALUE)) dropped = true
    }
    return dropped ? dropUnscorable(ids, scores, count) : count
  }

  busy(host: number): boolean {
    return this.state.hostAllocatedMips[host] !== 0
  }

  overloadedWith(host: number, vm: number): boolean {
    return this.isOverloaded(host, vm)
  }

  /** The side effect of CloudSim's create-and-destroy overload test on a suitable busy host. */
  private probe(h: number): void {
    const state = this.state
    const capacity = state.hostMapCapacity[h]
    reserveMapCapacity(state, h, state.hostVmCount[h]! + 1)
    if (state.hostHashOrdered[h] === 0 || capacity !== state.hostMapCapacity[h]) allocateCpu(state, h, true)
  }

  /** One decision round at the current state; fills `plannedVms` / `plannedHosts`. */
  optimize(): void {
    const state = this.state
    const hosts = state.hostCount
    this.plannedVms.length = 0
    this.plannedHosts.length = 0
    this.round++
    this.detector.beginRound?.()
    this.selector.beginRound?.()
    for (let i = 0; i < historyCapacity; i++) {
      this.slots[i] = (state.historyHead - i + historyCapacity) % historyCapacity
    }
    this.baseValid.fill(0)
    for (let g = 0; g < this.groupIds.length; g++) {
      const ids = this.groupIds[g]!
      ids.clear()
    }
    let groups = 0
    // Most hosts are idle: each type's class at utilisation 0 is looked up once per round.
    const idleClass = this.idleClass
    idleClass.fill(-1)
    for (let h = 0; h < hosts; h++) {
      const u = clampedUtilization(state.hostUtilMips[h]!, state.hostTotalMips[h]!)
      this.staleUtilization[h] = u
      const type = state.hostType[h]!
      if (u === 0 && type < idleClass.length && idleClass[type]! >= 0) {
        this.stalePower[h] = this.stalePower[this.idleClassHost[type]!]!
        this.idleGroup[h] = idleClass[type]!
        continue
      }
      const stale = powerOnCurve(state.hostPowerCurve[h]!, u)
      this.stalePower[h] = stale
      const ids = this.groupIds[type]!
      let group = ids.get(stale)
      if (group === undefined) {
        group = groups++
        ids.set(stale, group)
      }
      this.idleGroup[h] = group
      if (u === 0 && type < idleClass.length) {
        idleClass[type] = group
        this.idleClassHost[type] = h
      }
    }
    this.groupSeen.fill(0)
    this.scoreStamp = 0
    // 1. Overloaded hosts, in host order.
    this.overloaded.fill(0)
    const overloadedHosts: Array<number> = []
    for (let h = 0; h < hosts; h++) {
      if (state.hostVmCount[h]! > 0 && this.isOverloaded(h, -1, true)) {
        this.overloaded[h] = 1
        overloadedHosts.push(h)
      }
    }
    this.overloadedCount = overloadedHosts.length
    // 2. Selection: VMs leave each overloaded host until it is no longer overloaded.
    const toPlace = this.toPlace
    toPlace.length = 0
    for (let k = 0; k < overloadedHosts.length; k++) {
      const h = overloadedHosts[k]!
      for (;;) {
        const vm = this.selectFrom(h)
        if (vm < 0) break
        toPlace.push(vm)
        this.touch(h)
        removeFromHost(state, h, indexOnHost(state, h, vm, 0))
        this.baseValid[h] = 0
        allocateCpu(state, h, true)
        if (!this.isOverloaded(h, -1)) break
      }
    }
    // 3. Placement of the selected VMs; switched-off hosts may be woken.
    const demand = state.vmDemandMips
    toPlace.sort((a, b) => demand[b]! - demand[a]!)
    this.excludedPlace.set(this.overloaded)
    // Idle hosts alike score alike and only the first still idle can win; each placement makes at
    // most one of them busy, so the first (VMs to place + 1) of each kind are enough to scan.
    const quota = toPlace.length + 1
    const taken = this.groupSeen
    taken.fill(0)
    let scanCount = 0
    for (let h = 0; h < hosts; h++) {
      if (this.excludedPlace[h] === 1) continue
      if (state.hostAllocatedMips[h] === 0) {
        const group = this.idleGroup[h]!
        if (taken[group]! >= quota) continue
        taken[group] = taken[group]! + 1
      }
      this.scanHosts[scanCount++] = h
    }
    this.scanCount = scanCount
    taken.fill(0)
    this.scoreStamp = 0
    for (let k = 0; k < toPlace.length; k++) {
      const vm = toPlace[k]!
      const host = findHostForVm(this, vm, this.excludedPlace, this.workspace)
      if (host < 0) continue
      this.createOn(host, vm)
      this.plannedVms.push(vm)
      this.plannedHosts.push(host)
    }
    // 4. Under-utilised hosts, least utilised first (by the utilisation of the last update).
    this.consolidateUnderloaded()
    // 5. Undo every tentative change.
    this.restore()
  }

  private consolidateUnderloaded(): void {
    const state = this.state
    const hosts = state.hostCount
    const excludedUnder = this.excludedUnder
    const excludedPlace = this.excludedPlace
    excludedUnder.set(this.overloaded)
    excludedPlace.set(this.overloaded)
    let excludedCount = 0
    for (let h = 0; h < hosts; h++) {
      if (this.staleUtilization[h] === 0) {
        excludedUnder[h] = 1
        excludedPlace[h] = 1
      }
      if (excludedUnder[h] === 1) excludedCount++
    }
    let scanCount = 0
    for (let h = 0; h < hosts; h++) if (excludedPlace[h] === 0) this.scanHosts[scanCount++] = h
    this.scanCount = scanCount
    // Only hosts strictly between idle and full, not excluded yet, can be drained: just those are ordered.
    const u = this.staleUtilization
    let candidates = 0
    for (let h = 0; h < hosts; h++) {
      if (excludedUnder[h] === 0 && u[h]! > 0 && u[h]! < 1) this.order[candidates++] = h
    }
    const order = this.order.subarray(0, candidates)
    order.sort((a, b) => u[a]! - u[b]! || a - b)
    let start = 0
    const demand = state.vmDemandMips
    while (excludedCount < hosts) {
      while (start < candidates && excludedUnder[order[start]!] === 1) start++
      let host = -1
      for (let i = start; i < candidates; i++) {
        const h = order[i]!
        if (excludedUnder[h] === 1) continue
        const uh = u[h]!
        if (!(uh > 0 && uh < 1)) continue
        if (this.allMigratingOutOrAnyIn(h)) continue
        host = h
        break
      }
      if (host < 0) break
      excludedUnder[host] = 1
      excludedCount++
      excludedPlace[host] = 1
      const vms = this.toPlace
      vms.length = 0
      const first = host * state.hostSlots
      for (let at = first; at < first + state.hostVmCount[host]!; at++) {
        const v = state.hostVmIds[at]!
        if (state.vmInMigration[v] === 0) vms.push(v)
      }
      if (vms.length === 0) continue
      vms.sort((a, b) => demand[b]! - demand[a]!)
      this.placedVms.length = 0
      this.placedHosts.length = 0
      let complete = true
      for (let k = 0; k < vms.length; k++) {
        const vm = vms[k]!
        const target = findHostForVm(this, vm, excludedPlace, this.workspace)
        if (target < 0) {
          complete = false
          break
        }
        this.createOn(target, vm)
        this.placedVms.push(vm)
        this.placedHosts.push(target)
      }
      if (!complete) {
        for (let i = 0; i < this.placedVms.length; i++) {
          const target = this.placedHosts[i]!
          removeFromHost(state, target, indexOnHost(state, target, this.placedVms[i]!, 0))
          this.baseValid[target] = 0
          allocateCpu(state, target, true)
        }
        continue
      }
      for (let i = 0; i < this.placedVms.length; i++) {
        const target = this.placedHosts[i]!
        if (excludedUnder[target] === 0) {
          excludedUnder[target] = 1
          excludedCount++
        }
        this.plannedVms.push(this.placedVms[i]!)
        this.plannedHosts.push(target)
      }
    }
  }

  /** CloudSim skips hosts whose VMs are all migrating out or that receive one (and empty hosts). */
  private allMigratingOutOrAnyIn(host: number): boolean {
    const state = this.state
    const first = host * state.hostSlots
    for (let at = first; at < first + state.hostVmCount[host]!; at++) {
      if (state.vmInMigration[state.hostVmIds[at]!] === 0) return false
      if (state.hostVmMigIn[at] === 1) return true
    }
    return true
  }

  /** The selection policy's choice among the host's VMs that are not migrating, or -1. */
  private selectFrom(host: number): number {
    const state = this.state
    const input = this.selection
    let count = 0
    const first = host * state.hostSlots
    for (let at = first; at < first + state.hostVmCount[host]!; at++) {
      const v = state.hostVmIds[at]!
      if (state.vmInMigration[v] === 0) input.vms[count++] = v
    }
    input.count = count
    input.host = host
    if (this.selector.needsHistory) {
      // The values every candidate recorded itself, as CloudSim's MC reads (its shortest history):
      // a VM that arrived during the run has fewer than the others.
      let m = state.historyLength
      for (let i = 0; i < count; i++) m = Math.min(m, state.vmHistoryCount[input.vms[i]!]!)
      input.historyLength = m
      const ring = state.history
      const history = input.history
      // Newest first: the ring from the head down to slot 0, then from its end down.
      const head = state.historyHead
      const firstRun = Math.min(m, head + 1)
      for (let i = 0; i < count; i++) {
        const base = input.vms[i]! * historyCapacity
        const row = i * m
        for (let j = 0; j < firstRun; j++) history[row + j] = ring[base + head - j]!
        for (let j = firstRun; j < m; j++) history[row + j] = ring[base + historyCapacity + head - j]!
      }
    }
    const index = this.selector.select(input)
    return index < 0 ? -1 : input.vms[index]!
  }

  /**
   * The detector's verdict on `host`'s current VMs, plus `extraVm` when ≥ 0 (as if created there);
   * `commit` for the host's decision of the round (a stateful detector keeps its state), every
   * other test is tentative.
   */
  private isOverloaded(host: number, extraVm: number, commit = false): boolean {
    if (this.linear !== undefined) {
      const verdict = this.linearVerdict(this.linear, host, extraVm)
      if (verdict >= 0) return verdict === 1
    }
    const state = this.state
    const load = this.load
    if (this.baseValid[host] === 0) this.computeBase(host)
    load.host = host
    load.commit = commit
    load.totalMips = state.hostTotalMips[host]!
    // CloudSim sums over the host's list with a created VM last: the cached sums plus that VM
    // give the same doubles.
    load.requestedMips =
      extraVm >= 0 ? this.baseRequested[host]! + state.vmDemandMips[extraVm]! : this.baseRequested[host]!
    if (this.detector.needsHistory) {
      const m = state.historyLength
      const history = load.history
      let maxRam = this.baseMaxRam[host]!
      const window = this.historyWindow
      // Values are sums of non-negative shares, so with a non-zero value at the window's oldest
      // slot the trimmed history is at least the window long and the rest need not be built.
      const count = Math.min(m, window)
      this.rebuildHistory(host, extraVm, count)
      if (count < m && history[count - 1] !== 0) {
        load.historyLength = count
      } else {
        if (count < m) {
          this.extendBase(host, m)
          this.rebuildHistory(host, extraVm, m)
        }
        load.historyLength = trimmedLength(history, m)
      }
      if (extraVm >= 0 && state.vmRamMb[extraVm]! > maxRam) maxRam = state.vmRamMb[extraVm]!
      load.maxMigrationSec = migrationSeconds(maxRam, state.hostBandwidthMbps[host]!)
    }
    return this.detector.isOverloaded(load)
  }

  /**
   * A linear detector's verdict on `host` (plus `extraVm` when ≥ 0) from the sums of its cached
   * window and the VM's own: 1 overloaded, 0 not, -1 when the detector must decide (a history
   * shorter than its window, or a forecast within `forecastMargin` of the threshold).
   */
  private linearVerdict(linear: LinearForecast, host: number, extraVm: number): number {
    const state = this.state
    const window = linear.window
    if (state.historyLength < window) return -1
    if (this.baseValid[host] === 0) this.computeBase(host)
    const total = state.hostTotalMips[host]!
    // The trimmed history reaches the window when its oldest value there is not 0 (values are
    // sums of non-negative shares): the same double `rebuildHistory` would write.
    let oldest = this.baseHistory[host * historyCapacity + window - 1]!
    if (extraVm >= 0) {
      oldest =
        oldest + (state.history[extraVm * historyCapacity + this.slots[window - 1]!]! * state.vmMips[extraVm]!) / total
    }
    if (oldest === 0) return -1
    if (this.linearValid[host] === 0) this.sumHostWindow(linear, host)
    let sum = this.hostLinearSum[host]!
    let centered = this.hostLinearCentered[host]!
    let maxRam = this.baseMaxRam[host]!
    if (extraVm >= 0) {
      if (this.vmLinearRound[extraVm] !== this.round) this.sumVmWindow(linear, extraVm)
      const scale = state.vmMips[extraVm]! / total
      sum += this.vmLinearSum[extraVm]! * scale
      centered += this.vmLinearCentered[extraVm]! * scale
      if (state.vmRamMb[extraVm]! > maxRam) maxRam = state.vmRamMb[extraVm]!
    }
    const steps = Math.ceil(migrationSeconds(maxRam, state.hostBandwidthMbps[host]!) / this.load.intervalSec)
    const predicted = linear.predict(sum, centered, steps)
    if (predicted >= 1 + forecastMargin) return 1
    if (predicted <= 1 - forecastMargin) return 0
    return -1
  }

  private sumHostWindow(linear: LinearForecast, host: number): void {
    windowSums(
      linear,
      this.baseHistory,
      host * historyCapacity,
      undefined,
      this.hostLinearSum,
      this.hostLinearCentered,
      host
    )
    this.linearValid[host] = 1
  }

  private sumVmWindow(linear: LinearForecast, vm: number): void {
    windowSums(
      linear,
      this.state.history,
      vm * historyCapacity,
      this.slots,
      this.vmLinearSum,
      this.vmLinearCentered,
      vm
    )
    this.vmLinearRound[vm] = this.round
  }

  /** Caches a host's demand, rebuilt history and largest VM memory from its current list. */
  private computeBase(host: number): void {
    const state = this.state
    const ids = state.hostVmIds
    const first = host * state.hostSlots
    const end = first + state.hostVmCount[host]!
    let requested = 0
    for (let at = first; at < end; at++) requested += state.vmDemandMips[ids[at]!]!
    this.baseRequested[host] = requested
    this.linearValid[host] = 0
    if (this.detector.needsHistory) {
      let maxRam = -2147483648
      for (let at = first; at < end; at++) if (state.vmRamMb[ids[at]!]! > maxRam) maxRam = state.vmRamMb[ids[at]!]!
      this.baseMaxRam[host] = maxRam
      this.baseHistoryCount[host] = 0
      this.extendBase(host, Math.min(state.historyLength, this.historyWindow))
    }
    this.baseValid[host] = 1
  }

  /** Makes the `count` newest cached history values of `host` valid, from its running sums by slot. */
  private extendBase(host: number, count: number): void {
    const from = this.baseHistoryCount[host]!
    if (from >= count) return
    const state = this.state
    const vms = state.hostVmIds
    const first = host * state.hostSlots
    const length = state.hostVmCount[host]!
    const base = this.baseHistory
    const offset = host * historyCapacity
    const slots = this.slots
    this.baseHistoryCount[host] = count
    if (length === 0) {
      for (let i = from; i < count; i++) base[offset + i] = 0
      return
    }
    const total = state.hostTotalMips[host]!
    const ring = state.history
    if (length > prefixRows) {
      for (let i = from; i < count; i++) {
        const slot = slots[i]!
        let sum = 0
        for (let k = 0; k < length; k++) {
          const v = vms[first + k]!
          sum = sum + (ring[v * historyCapacity + slot]! * state.vmMips[v]!) / total
        }
        base[offset + i] = sum
      }
      this.prefixCount[host] = 0
      return
    }
    if (sharedPrefix.owner !== this) this.claimPrefixStore()
    // Rows before the common prefix of the lists are valid for the marked slots not written since.
    const sums = this.prefixSums
    const rows = host * prefixRows
    const listed = this.prefixVms
    const cachedCount = this.prefixCount[host]!
    let valid = this.prefixSlots[host]!
    let common = 0
    while (common < cachedCount && common < length && listed[rows + common] === vms[first + common]) common++
    const written = state.historyRecords - this.prefixRecords[host]!
    if (written >= historyCapacity) valid = 0
    else for (let t = 0; t < written; t++) valid &= ~(1 << slots[t]!)
    let computed = 0
    for (let i = from; i < count; i++) {
      const slot = slots[i]!
      const start = (valid & (1 << slot)) !== 0 ? common : 0
      let sum = start > 0 ? sums[(rows + start - 1) * historyCapacity + slot]! : 0
      for (let k = start; k < length; k++) {
        const v = vms[first + k]!
        sum = sum + (ring[v * historyCapacity + slot]! * state.vmMips[v]!) / total
        sums[(rows + k) * historyCapacity + slot] = sum
      }
      base[offset + i] = sum
      computed |= 1 << slot
    }
    for (let k = common; k < length; k++) listed[rows + k] = vms[first + k]!
    this.prefixCount[host] = length
    this.prefixSlots[host] = common === length ? valid | computed : computed
    this.prefixRecords[host] = state.historyRecords
  }

  /** Takes the shared running-sum store (grown to this data centre if needed), forgetting what it held. */
  private claimPrefixStore(): void {
    const hosts = this.state.hostCount
    if (sharedPrefix.vms.length < hosts * prefixRows) {
      sharedPrefix = {
        sums: new Float64Array(hosts * prefixRows * historyCapacity),
        vms: new Int32Array(hosts * prefixRows),
        owner: undefined
      }
    }
    sharedPrefix.owner = this
    this.prefixSums = sharedPrefix.sums
    this.prefixVms = sharedPrefix.vms
    this.prefixCount.fill(0)
    this.prefixSlots.fill(0)
  }

  /** Writes the `count` newest values of `host`'s history, plus `extraVm`'s share when ≥ 0, into the load. */
  private rebuildHistory(host: number, extraVm: number, count: number): void {
    const history = this.load.history
    const base = this.baseHistory
    const offset = host * historyCapacity
    if (extraVm < 0) {
      for (let i = 0; i < count; i++) history[i] = base[offset + i]!
      return
    }
    const state = this.state
    const mips = state.vmMips[extraVm]!
    const total = state.hostTotalMips[host]!
    const ring = state.history
    const slots = this.slots
    const vmBase = extraVm * historyCapacity
    for (let i = 0; i < count; i++) history[i] = base[offset + i]! + (ring[vmBase + slots[i]!]! * mips) / total
  }

  private createOn(host: number, vm: number): void {
    this.touch(host)
    // The VM joins the end of the list, so the cached sums plus its share are the recomputed doubles.
    if (this.baseValid[host] === 1) this.addToBase(host, vm)
    addToHost(this.state, host, vm, 0)
    allocateCpuForLast(this.state, host)
  }

  /** Adds `vm` to `host`'s cached demand, history and largest memory, as if last in its list. */
  private addToBase(host: number, vm: number): void {
    const state = this.state
    this.baseRequested[host] = this.baseRequested[host]! + state.vmDemandMips[vm]!
    this.linearValid[host] = 0
    if (!this.detector.needsHistory) return
    const m = this.baseHistoryCount[host]!
    const base = this.baseHistory
    const offset = host * historyCapacity
    const mips = state.vmMips[vm]!
    const total = state.hostTotalMips[host]!
    const ring = state.history
    const slots = this.slots
    const vmBase = vm * historyCapacity
    for (let i = 0; i < m; i++) base[offset + i] = base[offset + i]! + (ring[vmBase + slots[i]!]! * mips) / total
    if (state.vmRamMb[vm]! > this.baseMaxRam[host]!) this.baseMaxRam[host] = state.vmRamMb[vm]!
  }

  /** Saves the host's list, the first time the round changes it. */
  private touch(host: number): void {
    if (this.touched[host] === 1) return
    this.touched[host] = 1
    this.touchedHosts.push(host)
    const state = this.state
    const count = state.hostVmCount[host]!
    if (this.savedLength + count > this.savedIds.length) {
      const ids = new Int32Array((this.savedLength + count) * 2)
      ids.set(this.savedIds.subarray(0, this.savedLength))
      this.savedIds = ids
      const migIn = new Uint8Array((this.savedLength + count) * 2)
      migIn.set(this.savedMigIn.subarray(0, this.savedLength))
      this.savedMigIn = migIn
    }
    const first = host * state.hostSlots
    this.savedIds.set(state.hostVmIds.subarray(first, first + count), this.savedLength)
    this.savedMigIn.set(state.hostVmMigIn.subarray(first, first + count), this.savedLength)
    this.savedStart[host] = this.savedLength
    this.savedCount[host] = count
    this.savedLength += count
  }

  /** Puts back every saved list and re-allocates its host's CPU in list order. */
  private restore(): void {
    const state = this.state
    for (let k = 0; k < this.touchedHosts.length; k++) {
      const h = this.touchedHosts[k]!
      const count = this.savedCount[h]!
      const from = this.savedStart[h]!
      const first = h * state.hostSlots
      for (let i = 0; i < count; i++) {
        state.hostVmIds[first + i] = this.savedIds[from + i]!
        state.hostVmMigIn[first + i] = this.savedMigIn[from + i]!
        state.hostVmAlloc[first + i] = 0
      }
      state.hostVmCount[h] = count
      allocateCpu(state, h)
      this.touched[h] = 0
    }
    this.touchedHosts.length = 0
    this.savedLength = 0
  }
}

/** Removes the entries whose score is not a finite number (never in practice), keeping the order; returns the count left. */
const dropUnscorable = (ids: Int32Array, scores: Float64Array, count: number): number => {
  let kept = 0
  for (let i = 0; i < count; i++) {
    if (!(scores[i]! < Number.MAX_VALUE)) continue
    ids[kept] = ids[i]!
    scores[kept] = scores[i]!
    kept++
  }
  return kept
}

/**
 * Σ h and Σ cᵢ·hᵢ over a linear detector's window, h newest first: `values[offset + i]`, or
 * `values[offset + slots[i]]` for a history ring; written to `sums[at]` and `centeredSums[at]`.
 */
const windowSums = (
  linear: LinearForecast,
  values: Float64Array,
  offset: number,
  slots: Int32Array | undefined,
  sums: Float64Array,
  centeredSums: Float64Array,
  at: number
): void => {
  const centered = linear.centered
  let sum = 0
  let weighted = 0
  for (let i = 0; i < linear.window; i++) {
    const value = values[offset + (slots === undefined ? i : slots[i]!)]!
    sum += value
    weighted += centered[i]! * value
  }
  sums[at] = sum
  centeredSums[at] = weighted
}
