/**
 * CloudSim's per-host and per-VM state histories, folded into the study's metrics as they are
 * written. An entry written at the same instant as the previous one replaces it, so only the last
 * state of an instant counts; each entry is accounted once the next instant's entry arrives.
 */

import { emptyDoubles } from "./doubles.js"
import { meanAndStdev, RecordLog } from "./RecordLog.js"

/** The active-host marks of a host that has none yet. */
const noMarks = new Uint8Array(0)

/** The state histories' figures once the run is over. */
export interface HistorySummary {
  /** Active host time (s) and the part of it with allocated < requested. */
  readonly activeTime: number
  readonly violationTime: number
  /** Active host time with demand above capacity (s). */
  readonly overloadTime: number
  /** Host time spent inactive (s). */
  readonly idleTime: number
  /** Active → inactive host transitions. */
  readonly shutdowns: number
  readonly meanTimeBeforeShutdown: number
  readonly stdevTimeBeforeShutdown: number
  /** Mean and standard deviation of migration durations (CloudSim's "time before a VM migration"). */
  readonly meanMigrationTime: number
  readonly stdevMigrationTime: number
  /** Mean of (requested − allocated) / requested over under-allocated VM intervals. */
  readonly meanViolationShare: number
}

/** Running sums behind SLATAH, PDM, host shutdowns, migration durations and Neat's time fractions. */
export class StateHistories {
  // Host entries not yet followed by a later one.
  private readonly hostTime: Float64Array
  private readonly hostAllocated: Float64Array
  private readonly hostRequested: Float64Array
  private readonly hostActive: Uint8Array
  private readonly hostPending: Uint8Array
  private readonly hostWasActive: Uint8Array
  private readonly hostSwitchedOnAt: Float64Array
  /** Time of the last skipped idle entry, for the idle time of a host idle to the end. */
  private readonly hostIdleUntil: Float64Array
  // VM entries not yet followed by a later one.
  private readonly vmTime: Float64Array
  private readonly vmAllocated: Float64Array
  private readonly vmRequested: Float64Array
  private readonly vmMigrating: Uint8Array
  private readonly vmPending: Uint8Array
  private readonly vmWasMigrating: Uint8Array
  private readonly vmMigrationStart: Float64Array
  /** Per VM: ∫ allocated dt, ∫ requested dt, ∫ (requested − allocated) dt while migrating out (MHz·s). */
  private readonly vmAllocatedTime: Float64Array
  private readonly vmRequestedTime: Float64Array
  private readonly vmMigrationDeficit: Float64Array

  /**
   * Active host intervals, summed host by host at the end as CloudSim does. Every entry is
   * written at an update instant that all hosts share, and an active host writes one at the next
   * instant too, so an interval is an instant index: per host, 1 = active, 2 = active and short of
   * CPU at instant j, lasting `instants[j + 1] − instants[j]`. Anything else goes to a plain log.
   */
  private readonly instants: Array<number> = emptyDoubles()
  private readonly hostInstant: Int32Array
  private readonly activeMarks: Array<Uint8Array>
  private readonly irregularIntervals = new RecordLog(16)
  private readonly shutdownLog = new RecordLog()
  private readonly migrationLog = new RecordLog()
  private readonly violationShareLog = new RecordLog(1 << 14)
  // Running totals. The figures that exist only once the run is over come back from `finish`
  // instead: fields first written at the end would change this object's shape after the hot code
  // was compiled for it, and the next run would start by recompiling it.
  /** Active host time with demand above capacity (s). */
  private overloadTime = 0
  /** Host time spent inactive (s). */
  private idleTime = 0
  private shutdowns = 0

  constructor(
    hosts: number,
    vms: number,
    private readonly hostCapacity: Float64Array
  ) {
    this.hostTime = new Float64Array(hosts)
    this.hostAllocated = new Float64Array(hosts)
    this.hostRequested = new Float64Array(hosts)
    this.hostActive = new Uint8Array(hosts)
    this.hostPending = new Uint8Array(hosts)
    this.hostWasActive = new Uint8Array(hosts).fill(1)
    this.hostSwitchedOnAt = new Float64Array(hosts)
    this.hostIdleUntil = new Float64Array(hosts)
    this.hostInstant = new Int32Array(hosts)
    this.activeMarks = Array.from({ length: hosts }, () => noMarks)
    this.vmTime = new Float64Array(vms)
    this.vmAllocated = new Float64Array(vms)
    this.vmRequested = new Float64Array(vms)
    this.vmMigrating = new Uint8Array(vms)
    this.vmPending = new Uint8Array(vms)
    this.vmWasMigrating = new Uint8Array(vms)
    this.vmMigrationStart = new Float64Array(vms)
    this.vmAllocatedTime = new Float64Array(vms)
    this.vmRequestedTime = new Float64Array(vms)
    this.vmMigrationDeficit = new Float64Array(vms)
  }

  /** Host state at `time`: utilised and requested MHz; active when utilised > 0. */
  host(host: number, time: number, allocated: number, requested: number): void {
    const instant = this.instantOf(time)
    if (this.hostPending[host] === 1) {
      if (this.hostTime[host] === time) {
        this.hostAllocated[host] = allocated
        this.hostRequested[host] = requested
        this.hostActive[host] = allocated > 0 ? 1 : 0
        return
      }
      this.closeHost(host, time)
    }
    this.hostPending[host] = 1
    this.hostTime[host] = time
    this.hostInstant[host] = instant
    this.hostIdleUntil[host] = time
    this.hostAllocated[host] = allocated
    this.hostRequested[host] = requested
    this.hostActive[host] = allocated > 0 ? 1 : 0
  }

  /**
   * An idle host's state (nothing utilised or requested) at `time`. While a host stays idle its
   * entries change nothing but the idle time, which the next differing entry accounts at once.
   */
  idleHost(host: number, time: number): void {
    if (this.hostPending[host] === 1 && this.hostActive[host] === 0 && this.hostRequested[host] === 0) {
      this.hostIdleUntil[host] = time
      return
    }
    this.host(host, time, 0, 0)
  }

  /** VM state at `time`: allocated and requested MHz, and whether it is migrating out. */
  vm(vm: number, time: number, allocated: number, requested: number, migrating: boolean): void {
    if (this.vmPending[vm] === 1) {
      if (this.vmTime[vm] === time) {
        this.vmAllocated[vm] = allocated
        this.vmRequested[vm] = requested
        this.vmMigrating[vm] = migrating ? 1 : 0
        return
      }
      this.closeVm(vm, time)
    }
    this.vmPending[vm] = 1
    this.vmTime[vm] = time
    this.vmAllocated[vm] = allocated
    this.vmRequested[vm] = requested
    this.vmMigrating[vm] = migrating ? 1 : 0
  }

  /**
   * The VM leaves the data centre at `time`: its last entry lasts until then and nothing follows
   * it. A migration it was in never ends, so it adds no migration time.
   */
  vmLeft(vm: number, time: number): void {
    if (this.vmPending[vm] !== 1) return
    if (this.vmTime[vm]! < time) this.closeVm(vm, time)
    else this.vmTransition(vm)
    this.vmPending[vm] = 0
    this.vmWasMigrating[vm] = 0
  }

  /** Accounts the last entries, which have no successor (transitions only, no duration), and sums up. */
  finish(): HistorySummary {
    const hosts = this.hostPending.length
    const vms = this.vmPending.length
    for (let h = 0; h < hosts; h++) {
      if (this.hostPending[h] !== 1) continue
      if (this.hostActive[h] === 0) this.idleTime += this.hostIdleUntil[h]! - this.hostTime[h]!
      this.hostTransition(h)
    }
    for (let v = 0; v < vms; v++) if (this.vmPending[v] === 1) this.vmTransition(v)
    let active = 0
    let violation = 0
    const instants = this.instants
    for (let h = 0; h < hosts; h++) {
      const marks = this.activeMarks[h]!
      for (let j = 0; j < marks.length; j++) {
        const mark = marks[j]!
        if (mark === 0) continue
        const dt = instants[j + 1]! - instants[j]!
        active += dt
        if (mark === 2) violation += dt
      }
    }
    const irregular = this.irregularIntervals.byOwner(hosts)
    for (let i = 0; i < irregular.values.length; i++) {
      active += irregular.values[i]!
      if (irregular.flags[i] === 1) violation += irregular.values[i]!
    }
    const shares = this.violationShareLog.byOwner(vms).values
    let shareSum = 0
    for (let i = 0; i < shares.length; i++) shareSum += shares[i]!
    const shutdown = meanAndStdev(this.shutdownLog.byOwner(hosts).values)
    const migration = meanAndStdev(this.migrationLog.byOwner(vms).values)
    return {
      activeTime: active,
      violationTime: violation,
      overloadTime: this.overloadTime,
      idleTime: this.idleTime,
      shutdowns: this.shutdowns,
      meanTimeBeforeShutdown: shutdown.mean,
      stdevTimeBeforeShutdown: shutdown.stdev,
      meanMigrationTime: migration.mean,
      stdevMigrationTime: migration.stdev,
      meanViolationShare: this.violationShareLog.length > 0 ? shareSum / this.violationShareLog.length : 0
    }
  }

  /** Σ over VMs of ∫ requested dt, ∫ allocated dt and the migration deficit, summed VM by VM. */
  vmTotals(): { readonly requested: number; readonly allocated: number; readonly migrationDeficit: number } {
    let requested = 0
    let allocated = 0
    let migrationDeficit = 0
    for (let v = 0; v < this.vmPending.length; v++) {
      allocated += this.vmAllocatedTime[v]!
      requested += this.vmRequestedTime[v]!
      migrationDeficit += this.vmMigrationDeficit[v]!
    }
    return { requested, allocated, migrationDeficit }
  }

  private closeHost(host: number, next: number): void {
    const dt = next - this.hostTime[host]!
    if (this.hostActive[host] === 1) {
      const violated = this.hostAllocated[host]! < this.hostRequested[host]!
      const j = this.hostInstant[host]!
      if (this.instants[j + 1] === next) this.mark(host, j, violated ? 2 : 1)
      else this.irregularIntervals.push(host, dt, violated ? 1 : 0)
      if (this.hostRequested[host]! > this.hostCapacity[host]!) this.overloadTime += dt
    } else {
      this.idleTime += dt
    }
    this.hostTransition(host)
  }

  /** Index of the update instant `time`, registering it when it is new. */
  private instantOf(time: number): number {
    const instants = this.instants
    const last = instants.length - 1
    if (last >= 0 && instants[last] === time) return last
    if (last < 0 || time > instants[last]!) {
      instants.push(time)
      return last + 1
    }
    // An earlier instant (not expected: time only moves forward); find it.
    const index = instants.lastIndexOf(time)
    return index >= 0 ? index : -2
  }

  private mark(host: number, instant: number, value: number): void {
    let marks = this.activeMarks[host]!
    if (instant >= marks.length) {
      const grown = new Uint8Array(Math.max(64, instant + 1, marks.length * 2))
      grown.set(marks)
      marks = grown
      this.activeMarks[host] = marks
    }
    marks[instant] = value
  }

  private hostTransition(host: number): void {
    const active = this.hostActive[host]!
    if (this.hostWasActive[host] === 1 && active === 0) {
      this.shutdowns++
      this.shutdownLog.push(host, this.hostTime[host]! - this.hostSwitchedOnAt[host]!)
    }
    if (this.hostWasActive[host] === 0 && active === 1) this.hostSwitchedOnAt[host] = this.hostTime[host]!
    this.hostWasActive[host] = active
  }

  private closeVm(vm: number, next: number): void {
    const dt = next - this.vmTime[vm]!
    const allocated = this.vmAllocated[vm]!
    const requested = this.vmRequested[vm]!
    this.vmAllocatedTime[vm] = this.vmAllocatedTime[vm]! + allocated * dt
    this.vmRequestedTime[vm] = this.vmRequestedTime[vm]! + requested * dt
    if (allocated < requested) {
      this.violationShareLog.push(vm, (requested - allocated) / requested)
      if (this.vmMigrating[vm] === 1)
        this.vmMigrationDeficit[vm] = this.vmMigrationDeficit[vm]! + (requested - allocated) * dt
    }
    this.vmTransition(vm)
  }

  private vmTransition(vm: number): void {
    const migrating = this.vmMigrating[vm]!
    if (this.vmWasMigrating[vm] === 1 && migrating === 0) {
      this.migrationLog.push(vm, this.vmTime[vm]! - this.vmMigrationStart[vm]!)
    }
    if (this.vmWasMigrating[vm] === 0 && migrating === 1) this.vmMigrationStart[vm] = this.vmTime[vm]!
    this.vmWasMigrating[vm] = migrating
  }
}
