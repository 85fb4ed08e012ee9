/**
 * CloudSim's per-host and per-VM state histories, folded into the study's metrics as they are
 * written. An entry written at the same instant as the previous one replaces it, so only the last
 * state of an instant counts; each entry is accounted once the next instant's entry arrives.
 */

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

  /** Active host time (s) and the part of it with allocated < requested. */
  activeTime = 0
  violationTime = 0
  /** Active host time with demand above capacity (s). */
  overloadTime = 0
  /** Host time spent inactive (s). */
  idleTime = 0
  shutdowns = 0
  shutdownTimeSum = 0
  shutdownTimeSumSquares = 0
  migrationsFinished = 0
  migrationTimeSum = 0
  migrationTimeSumSquares = 0
  /** Sum and count of (requested − allocated) / requested over under-allocated VM intervals. */
  violationShareSum = 0
  violationShareCount = 0

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
    this.hostAllocated[host] = allocated
    this.hostRequested[host] = requested
    this.hostActive[host] = allocated > 0 ? 1 : 0
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

  /** Accounts the last entries, which have no successor (transitions only, no duration). */
  finish(): void {
    for (let h = 0; h < this.hostPending.length; h++) if (this.hostPending[h] === 1) this.hostTransition(h)
    for (let v = 0; v < this.vmPending.length; v++) if (this.vmPending[v] === 1) this.vmTransition(v)
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
      this.activeTime += dt
      if (this.hostAllocated[host]! < this.hostRequested[host]!) this.violationTime += dt
      if (this.hostRequested[host]! > this.hostCapacity[host]!) this.overloadTime += dt
    } else {
      this.idleTime += dt
    }
    this.hostTransition(host)
  }

  private hostTransition(host: number): void {
    const active = this.hostActive[host]!
    if (this.hostWasActive[host] === 1 && active === 0) {
      const lived = this.hostTime[host]! - this.hostSwitchedOnAt[host]!
      this.shutdowns++
      this.shutdownTimeSum += lived
      this.shutdownTimeSumSquares += lived * lived
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
      this.violationShareSum += (requested - allocated) / requested
      this.violationShareCount++
      if (this.vmMigrating[vm] === 1)
        this.vmMigrationDeficit[vm] = this.vmMigrationDeficit[vm]! + (requested - allocated) * dt
    }
    this.vmTransition(vm)
  }

  private vmTransition(vm: number): void {
    const migrating = this.vmMigrating[vm]!
    if (this.vmWasMigrating[vm] === 1 && migrating === 0) {
      const duration = this.vmTime[vm]! - this.vmMigrationStart[vm]!
      this.migrationsFinished++
      this.migrationTimeSum += duration
      this.migrationTimeSumSquares += duration * duration
    }
    if (this.vmWasMigrating[vm] === 0 && migrating === 1) this.vmMigrationStart[vm] = this.vmTime[vm]!
    this.vmWasMigrating[vm] = migrating
  }
}
