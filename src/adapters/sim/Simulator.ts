/**
 * The simulation engine: CloudSim's PowerDatacenter event sequence over the typed-array state.
 * Periodic updates at 0.1 + k·interval advance every host (CPU allocation, state histories,
 * energy, removal of VMs whose demand is exactly 0), then the policy may start migrations, whose
 * completions are applied in time order before the next periodic update.
 */
import { allocateCpu, allocateOversubscribed, migrationSourceShare, migrationTargetShare } from "./CpuScheduler.js"
import { migrationSeconds } from "./Datacenter.js"
import { emptyDoubles } from "./doubles.js"
import { maxPower, powerOnCurve } from "./PowerModel.js"
import { addToHost, indexOnHost, recordHistory, removeFromHost, type SimState } from "./SimState.js"
import { StateHistories } from "./StateHistories.js"
import type { Trace } from "./Trace.js"
import { utilizationsAt } from "./TraceUtilization.js"

/**
 * How energy is counted: interpolated SPECpower between updates for hosts with load (CloudSim),
 * every host at full power (NPA), or every host that is not suspended, idle or not ("awake":
 * hosts are switched off explicitly, as Neat does).
 */
export type EnergyRule = "interpolated" | "max-power" | "awake"

/** Host utilisation as CloudSim reports it: values in (1, 1.01) count as 1. */
export const clampedUtilization = (mips: number, total: number): number => {
  const u = mips / total
  return u > 1 && u < 1.01 ? 1 : u
}

export class Simulator {
  readonly histories: StateHistories
  /** Trace utilisation of every VM at the last update, fraction of VM capacity. */
  readonly utilization: Float64Array
  energyWs = 0
  migrations = 0
  /** VMs that arrived during the run and fitted on no host (trace lifetimes only). */
  vmsRefused = 0
  lastProcessTime = 0
  private demandTime = Number.NaN
  /**
   * Live VMs whose utilisation was exactly 0 at the last demand update (an upper bound once some
   * have left): while it is 0 no VM can be removed for idleness.
   */
  private zeroDemandVms = 0
  private readonly completionVm: Array<number> = []
  private readonly completionHost: Array<number> = []
  private readonly completionTime: Array<number> = emptyDoubles()
  private readonly previousUtilMips: Float64Array
  /** Per host, the last utilisation the energy sum looked up and its power (W): most repeat at the next update. */
  private readonly memoUtilization: Float64Array
  private readonly memoPower: Float64Array
  private readonly touched: Array<number> = []
  /**
   * Hosts to switch off (set `suspended`) as soon as their last VM has left: a host the control
   * loop suspends while its VMs are still migrating out draws power until they have gone.
   */
  readonly suspendWhenDrained: Uint8Array
  /**
   * Per VM, the host its last queued move goes to (-1: none). A VM is in one migration at a time,
   * so moves asked for while it migrates wait (`queueMove`) and start, in order, as each one ends.
   */
  readonly lastQueuedTarget: Int32Array
  private readonly queuedMoves = new Map<number, Array<number>>()
  /** Per VM, the target of its current migration (valid while `state.vmInMigration` is 1). */
  readonly migrationTarget: Int32Array
  private readonly arrived: Array<number> = []
  /** Hosts touched by migrations started and not yet updated, each marked once. */
  private readonly startedHosts: Array<number> = []
  private readonly startedMark: Uint8Array
  /** The trace has lifetimes: VMs leave by them, not for an idle sample. */
  private readonly lifetimesGiven: boolean
  /** Hosts VMs have left (`removeVm`) since the last `settleDepartures`. */
  private readonly leftHosts: Array<number> = []

  constructor(
    readonly state: SimState,
    readonly trace: Trace,
    readonly intervalSec: number,
    readonly energyRule: EnergyRule,
    /** Hosts switched off (1), for the "awake" rule. */
    readonly suspended: Uint8Array = new Uint8Array(state.hostCount)
  ) {
    this.histories = new StateHistories(state.hostCount, state.vmCount, state.hostTotalMips)
    this.utilization = new Float64Array(state.vmCount)
    this.previousUtilMips = new Float64Array(state.hostCount)
    this.memoUtilization = new Float64Array(state.hostCount).fill(Number.NaN)
    this.memoPower = new Float64Array(state.hostCount)
    this.suspendWhenDrained = new Uint8Array(state.hostCount)
    this.lastQueuedTarget = new Int32Array(state.vmCount).fill(-1)
    this.migrationTarget = new Int32Array(state.vmCount).fill(-1)
    this.startedMark = new Uint8Array(state.hostCount)
    this.lifetimesGiven = trace.lifetimes !== undefined
  }

  /** Demand of every live VM at `time`: trace utilisation × capacity. */
  private updateDemand(time: number): void {
    if (time === this.demandTime) return
    this.demandTime = time
    const { vmHost, vmMips, vmDemandMips } = this.state
    this.zeroDemandVms = utilizationsAt(
      this.trace,
      time,
      this.trace.intervalSec,
      vmHost,
      this.utilization,
      vmMips,
      vmDemandMips
    )
  }

  /** Re-allocates a host's CPU and writes its and its VMs' state at `time`. */
  updateHost(host: number, time: number): void {
    const state = this.state
    const count = state.hostVmCount[host]!
    if (count === 0) {
      state.hostAvailableMips[host] = state.hostTotalMips[host]!
      state.hostAllocatedMips[host] = 0
      state.hostHashOrdered[host] = 0
      state.hostUtilMips[host] = 0
      state.hostRequestedMips[host] = 0
      this.histories.idleHost(host, time)
      return
    }
    if (this.updateFittingHost(host, time)) return
    allocateOversubscribed(state, host)
    const base = host * state.hostSlots
    const ids = state.hostVmIds
    const alloc = state.hostVmAlloc
    const migIn = state.hostVmMigIn
    let utilized = 0
    let requested = 0
    for (let at = base; at < base + count; at++) {
      const v = ids[at]!
      const allocated = alloc[at]!
      const demand = state.vmDemandMips[v]!
      if (migIn[at] === 1) {
        utilized += allocated
      } else {
        const migrating = state.vmInMigration[v] === 1
        this.histories.vm(v, time, allocated, demand, migrating)
        utilized += migrating ? allocated / migrationSourceShare : allocated
      }
      requested += demand
    }
    state.hostUtilMips[host] = utilized
    state.hostRequestedMips[host] = requested
    this.histories.host(host, time, utilized, requested)
  }

  /**
   * `updateHost` in one pass for a host whose requests all fit (the usual case): each VM gets its
   * request in list order, and the scheduler's, the host's and the VMs' figures are summed as it
   * goes, in the order `allocateCpu` and `updateHost` sum them. False, with VM entries written
   * that the caller's full update then overwrites (same instant), once a request does not fit.
   */
  private updateFittingHost(host: number, time: number): boolean {
    const state = this.state
    const base = host * state.hostSlots
    const end = base + state.hostVmCount[host]!
    const ids = state.hostVmIds
    const alloc = state.hostVmAlloc
    const migIn = state.hostVmMigIn
    const pe = state.hostPeMips[host]!
    const demand = state.vmDemandMips
    const cores = state.vmCores
    const inMigration = state.vmInMigration
    let available = state.hostTotalMips[host]!
    let allocated = 0
    let utilized = 0
    let requested = 0
    for (let at = base; at < end; at++) {
      const v = ids[at]!
      const d = demand[v]!
      // At most one host core per virtual core (`cappedDemand`, written out).
      const capped = d <= pe ? d : Math.min(d, pe * cores[v]!)
      if (migIn[at] === 1) {
        const share = capped * migrationTargetShare
        if (!(available >= share)) return false
        alloc[at] = share
        available -= share
        allocated += (share * 0.9) / 0.1
        allocated += share
        utilized += share
      } else {
        if (!(available >= capped)) return false
        const migrating = inMigration[v] === 1
        const share = migrating ? capped * migrationSourceShare : capped
        alloc[at] = share
        available -= capped
        allocated += share
        this.histories.vm(v, time, share, d, migrating)
        utilized += migrating ? share / migrationSourceShare : share
      }
      requested += d
    }
    state.hostAvailableMips[host] = available
    state.hostHashOrdered[host] = 0
    state.hostAllocatedMips[host] = allocated
    state.hostUtilMips[host] = utilized
    state.hostRequestedMips[host] = requested
    this.histories.host(host, time, utilized, requested)
    return true
  }

  /** CloudSim's forced update of every host at `time`, with energy and zero-demand VM removal. */
  forceUpdate(time: number, periodic: boolean): void {
    const state = this.state
    this.updateDemand(time)
    if (periodic) recordHistory(state, this.utilization)
    const dt = time - this.lastProcessTime
    for (let h = 0; h < state.hostCount; h++) {
      this.previousUtilMips[h] = state.hostUtilMips[h]!
      this.updateHost(h, time)
    }
    if (dt > 0) {
      let frame = 0
      for (let h = 0; h < state.hostCount; h++) {
        if (this.energyRule === "max-power") {
          frame += maxPower(state.hostPower[h]!) * dt
          continue
        }
        const from = clampedUtilization(this.previousUtilMips[h]!, state.hostTotalMips[h]!)
        if (this.energyRule === "awake" ? this.suspended[h] === 1 : from === 0) continue
        const curve = state.hostPowerCurve[h]!
        const fromPower = from === this.memoUtilization[h] ? this.memoPower[h]! : powerOnCurve(curve, from)
        const to = clampedUtilization(state.hostUtilMips[h]!, state.hostTotalMips[h]!)
        const toPower = to === from ? fromPower : powerOnCurve(curve, to)
        this.memoUtilization[h] = to
        this.memoPower[h] = toPower
        frame += (fromPower + (toPower - fromPower) / 2) * dt
      }
      this.energyWs += frame
    }
    this.removeIdleVms()
    this.lastProcessTime = time
  }

  /**
   * VMs not migrating whose demand is exactly 0 leave the data centre for good (CloudSim's
   * completed VMs). Not with trace lifetimes: there a VM leaves when its lifetime ends.
   */
  private removeIdleVms(): void {
    if (this.zeroDemandVms === 0 || this.lifetimesGiven) return
    const state = this.state
    for (let h = 0; h < state.hostCount; h++) {
      for (let i = 0; i < state.hostVmCount[h]!; i++) {
        const v = state.hostVmIds[h * state.hostSlots + i]!
        if (state.vmInMigration[v] === 1 || state.vmDemandMips[v] !== 0) continue
        const home = state.vmHost[v]!
        const index = indexOnHost(state, home, v, 0)
        if (index >= 0) removeFromHost(state, home, index)
        state.vmHost[v] = -1
        allocateCpu(state, home, true)
        if (home === h) i--
      }
    }
  }

  /**
   * An arriving VM joins `host`'s list (its CPU is allocated at the next update, as for the VMs
   * placed at time 0); its history starts empty.
   */
  admitVm(vm: number, host: number): void {
    addToHost(this.state, host, vm, 0)
    this.state.vmHost[vm] = host
  }

  /**
   * The VM leaves the data centre for good at `time` (the end of its lifetime): it frees its host,
   * and a migration it was in is abandoned (the target's reservation is dropped, the migration
   * still counts, as it ran until then; moves queued after it are forgotten). A host suspended
   * while draining is switched off once this empties it. Hosts' CPU is re-allocated as when a VM
   * leaves (hash-table order). No-op for a VM not in the data centre.
   */
  removeVm(vm: number, time: number): void {
    const state = this.state
    const home = state.vmHost[vm]!
    if (home < 0) return
    if (state.vmInMigration[vm] === 1) {
      const target = this.migrationTarget[vm]!
      const incoming = indexOnHost(state, target, vm, 1)
      if (incoming >= 0) {
        removeFromHost(state, target, incoming)
        allocateCpu(state, target, true)
      }
      this.dropCompletions(vm)
      this.queuedMoves.delete(vm)
      this.lastQueuedTarget[vm] = -1
      state.vmInMigration[vm] = 0
      this.migrationTarget[vm] = -1
      this.leftHosts.push(target)
    }
    const index = indexOnHost(state, home, vm, 0)
    if (index >= 0) removeFromHost(state, home, index)
    state.vmHost[vm] = -1
    allocateCpu(state, home, true)
    this.histories.vmLeft(vm, time)
    this.leftHosts.push(home)
  }

  /**
   * After the update that follows departures: hosts suspended while draining that the departures
   * emptied are switched off now (they drew power until this update, like hosts whose last VM
   * migrated away).
   */
  settleDepartures(): void {
    for (let i = 0; i < this.leftHosts.length; i++) this.switchOffIfDrained(this.leftHosts[i]!)
    this.leftHosts.length = 0
  }

  /** Forgets the pending completions of `vm`'s migrations, keeping the others in order. */
  private dropCompletions(vm: number): void {
    let kept = 0
    for (let i = 0; i < this.completionVm.length; i++) {
      if (this.completionVm[i] === vm) continue
      this.completionVm[kept] = this.completionVm[i]!
      this.completionHost[kept] = this.completionHost[i]!
      this.completionTime[kept] = this.completionTime[i]!
      kept++
    }
    this.completionVm.length = kept
    this.completionHost.length = kept
    this.completionTime.length = kept
  }

  private switchOffIfDrained(host: number): void {
    if (this.suspendWhenDrained[host] === 1 && this.state.hostVmCount[host] === 0) {
      this.suspendWhenDrained[host] = 0
      this.suspended[host] = 1
    }
  }

  /** Starts migrating `vm` to `target` at `time`: capacity is reserved on the target from now on. */
  startMigration(vm: number, target: number, time: number): void {
    this.beginMigration(vm, target, time)
    this.updateStarted(time)
  }

  /**
   * `startMigration` for `vms[i] → targets[i]`, i < `count`, in order. Each host they touch is
   * updated once, after the last has started, rather than once per migration: updates at one
   * instant replace each other and nothing reads a host's allocation in between, so only the
   * last counts, and hosts are first updated in the same order.
   */
  startMigrations(vms: ArrayLike<number>, targets: ArrayLike<number>, count: number, time: number): void {
    for (let i = 0; i < count; i++) this.beginMigration(vms[i]!, targets[i]!, time)
    this.updateStarted(time)
  }

  private beginMigration(vm: number, target: number, time: number): void {
    const state = this.state
    state.vmInMigration[vm] = 1
    this.migrationTarget[vm] = target
    if (indexOnHost(state, target, vm, 1) < 0) {
      addToHost(state, target, vm, 1)
      this.markStarted(target)
      this.markStarted(state.vmHost[vm]!)
    }
    this.migrations++
    this.completionVm.push(vm)
    this.completionHost.push(target)
    this.completionTime.push(time + migrationSeconds(state.vmRamMb[vm]!, state.hostBandwidthMbps[target]!))
  }

  private markStarted(host: number): void {
    if (this.startedMark[host] === 1) return
    this.startedMark[host] = 1
    this.startedHosts.push(host)
  }

  /** Updates the hosts migrations have just started from or to, in the order they were first touched. */
  private updateStarted(time: number): void {
    for (let i = 0; i < this.startedHosts.length; i++) {
      const h = this.startedHosts[i]!
      this.startedMark[h] = 0
      this.updateHost(h, time)
    }
    this.startedHosts.length = 0
  }

  /** Queues a move of a migrating VM to `target`, to start when its current migration (and the moves queued before) end. */
  queueMove(vm: number, target: number): void {
    const queue = this.queuedMoves.get(vm)
    if (queue === undefined) this.queuedMoves.set(vm, [target])
    else queue.push(target)
    this.lastQueuedTarget[vm] = target
  }

  /** Applies, in time order, every migration completing strictly before `until`. */
  completeMigrationsBefore(until: number): void {
    while (this.completionTime.length > 0) {
      let earliest = Number.POSITIVE_INFINITY
      for (let i = 0; i < this.completionTime.length; i++) {
        const t = this.completionTime[i]!
        if (t < earliest) earliest = t
      }
      if (!(earliest < until)) return
      if (earliest > this.lastProcessTime) this.forceUpdate(earliest, false)
      const touched = this.touched
      touched.length = 0
      const arrived = this.arrived
      arrived.length = 0
      // Apply the completions due now, in start order, and keep the others in order.
      let kept = 0
      for (let i = 0; i < this.completionTime.length; i++) {
        const vm = this.completionVm[i]!
        const target = this.completionHost[i]!
        const time = this.completionTime[i]!
        if (time === earliest) {
          const source = this.state.vmHost[vm]!
          if (source >= 0) touched.push(source)
          touched.push(target)
          this.finishMigration(vm, target)
          arrived.push(vm)
          if (source >= 0 && this.suspendWhenDrained[source] === 1 && this.state.hostVmCount[source] === 0) {
            this.suspendWhenDrained[source] = 0
            this.suspended[source] = 1
          }
        } else {
          this.completionVm[kept] = vm
          this.completionHost[kept] = target
          this.completionTime[kept] = time
          kept++
        }
      }
      this.completionVm.length = kept
      this.completionHost.length = kept
      this.completionTime.length = kept
      for (let i = 0; i < arrived.length; i++) {
        const vm = arrived[i]!
        const queue = this.queuedMoves.get(vm)
        if (queue === undefined) continue
        const next = queue.shift()!
        if (queue.length === 0) {
          this.queuedMoves.delete(vm)
          this.lastQueuedTarget[vm] = -1
        }
        this.startMigration(vm, next, earliest)
      }
      // CloudSim then updates every host again at the same instant. Hosts the completions did
      // not touch would rewrite the state they have just written, so only the others are updated.
      this.updateHosts(touched, earliest)
    }
  }

  /** Updates the given hosts (in host order, once each) at `time`, without energy (no time passes). */
  private updateHosts(hosts: Array<number>, time: number): void {
    sortHosts(hosts)
    let previous = -1
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!
      if (h === previous) continue
      previous = h
      this.previousUtilMips[h] = this.state.hostUtilMips[h]!
      this.updateHost(h, time)
    }
    this.removeIdleVms()
    this.lastProcessTime = time
  }

  /** The VM leaves its source and becomes an ordinary VM at the end of the target's list. */
  private finishMigration(vm: number, target: number): void {
    const state = this.state
    const source = state.vmHost[vm]!
    if (source >= 0) {
      const index = indexOnHost(state, source, vm, 0)
      if (index >= 0) removeFromHost(state, source, index)
    }
    const incoming = indexOnHost(state, target, vm, 1)
    if (incoming >= 0) removeFromHost(state, target, incoming)
    addToHost(state, target, vm, 0)
    state.vmHost[vm] = target
    state.vmInMigration[vm] = 0
  }
}

/** Sorts host numbers in place (a few dozen to a few hundred, in no order). */
const sortHosts = (hosts: Array<number>): void => {
  if (hostScratch.length < hosts.length) hostScratch = new Int32Array(hosts.length * 2)
  const sorted = hostScratch.subarray(0, hosts.length)
  for (let i = 0; i < hosts.length; i++) sorted[i] = hosts[i]!
  sorted.sort()
  for (let i = 0; i < hosts.length; i++) hosts[i] = sorted[i]!
}

let hostScratch = new Int32Array(256)
