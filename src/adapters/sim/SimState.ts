/**
 * The simulator's mutable state, in typed arrays indexed by host and VM number. Host VM lists
 * keep CloudSim's list order (placement order, migrated VMs appended), which decides ties in
 * selection and the order of CPU allocation.
 *
 * A class, not an object literal: V8 treats the fields of an object built by a constructor as
 * constants until they are written again, and the hot code relies on that; the second object
 * built from one literal site (the second run in a process) would mark them all mutable and
 * throw that code away.
 */
import { type HostType, hostTypeIndex, type VmType, vmTypeIndex } from "./Datacenter.js"
import { type PowerCurve, type PowerTable, powerCurve } from "./PowerModel.js"

/** Values of utilisation history kept per VM (CloudSim's `PowerVm.HISTORY_LENGTH`). */
export const historyCapacity = 30

/** List entries per host to start with (a PlanetLab host holds up to a few dozen). */
const initialHostSlots = 16

/** Where a data centre departs from CloudSim's PlanetLab layout. */
export interface StateLayout {
  /** Each host's type index (a hosts file's blocks); default: the types alternate. */
  readonly hostTypeOf?: Int32Array | undefined
  /** A trace's own VM capacities, MHz (`Trace.vmMips`), where given and positive; default: the type's. */
  readonly vmMips?: Float64Array | undefined
  /**
   * VM v takes type v mod (number of types) rather than a contiguous block: with lifetimes, so
   * that the VMs there at the start and those arriving later get the same mix of types.
   */
  readonly vmTypesInTurn?: boolean | undefined
}

export class SimState {
  readonly hostCount: number
  readonly vmCount: number
  /** Host CPU capacity, MHz. */
  readonly hostTotalMips: Float64Array
  /** Capacity of one host core, MHz: no VM core gets more. */
  readonly hostPeMips: Float64Array
  readonly hostBandwidthMbps: Float64Array
  readonly hostPower: ReadonlyArray<PowerTable>
  /** Each host's power table as a curve (`powerOnCurve`), shared by hosts of one type. */
  readonly hostPowerCurve: ReadonlyArray<PowerCurve>
  /** Index of each host's type: hosts of one type share capacity, cores and power table. */
  readonly hostType: Int32Array
  /**
   * The host lists, in flat typed arrays: host h's entries are `[h · hostSlots, h · hostSlots +
   * hostVmCount[h])`, in list order, VMs migrating in included. Each entry is a VM id
   * (`hostVmIds`), the MHz allocated to it (`hostVmAlloc`) and 1 when it migrates in
   * (`hostVmMigIn`). `hostSlots` doubles (and the arrays are laid out anew) when a host needs more,
   * so a copy of `hostSlots` or of an array is stale after any `addToHost`: read them again.
   */
  hostSlots: number
  readonly hostVmCount: Int32Array
  hostVmIds: Int32Array
  hostVmAlloc: Float64Array
  hostVmMigIn: Uint8Array
  /** MHz the CPU scheduler can still hand out (0 once oversubscribed). */
  readonly hostAvailableMips: Float64Array
  /**
   * Capacity of the hash table in which CloudSim's scheduler keeps each host's requests (16,
   * doubling past 75 % load, never shrinking): it decides the order of re-allocation.
   */
  readonly hostMapCapacity: Int32Array
  /** 1 while the host's allocation is the one a re-allocation in hash-table order leaves. */
  readonly hostHashOrdered: Uint8Array
  /** Sum of the scheduler's allocations, a VM migrating in counted at its full share (CloudSim's `getUtilizationOfCpuMips`). */
  readonly hostAllocatedMips: Float64Array
  /** Utilised MHz from the host's last update (a VM migrating out counts its whole share). */
  readonly hostUtilMips: Float64Array
  /** Demanded MHz from the host's last update (uncapped). */
  readonly hostRequestedMips: Float64Array
  /** VM CPU capacity, MHz. */
  readonly vmMips: Float64Array
  /**
   * Virtual cores of each VM: 1 (CloudSim's VMs), or, for a trace's VM larger than every host
   * core, as many cores of the largest host core as its capacity needs: each core asks for at most
   * one host core (`cappedDemand`), and a host needs as many cores to take it.
   */
  readonly vmCores: Float64Array
  readonly vmRamMb: Float64Array
  readonly vmBandwidthMbps: Float64Array
  /** The host a VM runs on (its source while migrating); -1 once removed. */
  readonly vmHost: Int32Array
  readonly vmInMigration: Uint8Array
  /** Spread hash of each VM's CloudSim uid ("2-<index>"): its bucket is `hash & (capacity − 1)`. */
  readonly vmUidHash: Int32Array
  /** Current CPU demand, MHz: trace utilisation at the last update × VM capacity. */
  readonly vmDemandMips: Float64Array
  /**
   * Utilisation history ring: `history[v * historyCapacity + slot]`, fractions of the VM's
   * capacity; empty when nothing reads histories (the counters still advance).
   */
  readonly history: Float64Array
  /** Slot of the newest history value (shared: every live VM records at the same instants). */
  historyHead = historyCapacity - 1
  /** Number of history values recorded so far, at most `historyCapacity`. */
  historyLength = 0
  /**
   * Per VM, the history values it recorded itself, at most `historyCapacity`: a VM that arrived
   * during the run has fewer than `historyLength` (its older slots are not its own).
   */
  readonly vmHistoryCount: Uint8Array
  /** Number of times a history value was recorded (not capped): slots written since a count are the newest ones. */
  historyRecords = 0

  /**
   * Hosts by alternating type, VMs by index-block type (or as `layout` says), none placed. A
   * trace's own per-VM memory (`vmRamOverride`, where given and positive) replaces the type's.
   * Without `keepHistory` the history ring is empty (nothing reads it).
   */
  constructor(
    hostCount: number,
    vmCount: number,
    hostTypes: ReadonlyArray<HostType>,
    vmTypes: ReadonlyArray<VmType>,
    vmRamOverride?: Float64Array | undefined,
    keepHistory = true,
    layout: StateLayout = {}
  ) {
    const { hostTypeOf, vmMips: vmMipsOverride } = layout
    this.hostCount = hostCount
    this.vmCount = vmCount
    this.hostTotalMips = new Float64Array(hostCount)
    this.hostPeMips = new Float64Array(hostCount)
    this.hostBandwidthMbps = new Float64Array(hostCount)
    this.hostType = new Int32Array(hostCount)
    const curves = hostTypes.map((type) => powerCurve(type.power))
    const hostPower: Array<PowerTable> = []
    const hostPowerCurve: Array<PowerCurve> = []
    for (let h = 0; h < hostCount; h++) {
      const typeIndex = hostTypeOf === undefined ? hostTypeIndex(h, hostTypes.length) : hostTypeOf[h]!
      const type = hostTypes[typeIndex]!
      this.hostType[h] = typeIndex
      this.hostTotalMips[h] = type.mhzPerCore * type.cores
      this.hostPeMips[h] = type.mhzPerCore
      this.hostBandwidthMbps[h] = type.bandwidthMbps
      hostPower.push(type.power)
      hostPowerCurve.push(curves[typeIndex]!)
    }
    this.hostPower = hostPower
    this.hostPowerCurve = hostPowerCurve
    this.hostSlots = initialHostSlots
    this.hostVmCount = new Int32Array(hostCount)
    this.hostVmIds = new Int32Array(hostCount * initialHostSlots)
    this.hostVmAlloc = new Float64Array(hostCount * initialHostSlots)
    this.hostVmMigIn = new Uint8Array(hostCount * initialHostSlots)
    this.hostAvailableMips = Float64Array.from(this.hostTotalMips)
    this.hostMapCapacity = new Int32Array(hostCount).fill(16)
    this.hostHashOrdered = new Uint8Array(hostCount)
    this.hostAllocatedMips = new Float64Array(hostCount)
    this.hostUtilMips = new Float64Array(hostCount)
    this.hostRequestedMips = new Float64Array(hostCount)
    this.vmMips = new Float64Array(vmCount)
    this.vmRamMb = new Float64Array(vmCount)
    this.vmBandwidthMbps = new Float64Array(vmCount)
    this.vmCores = new Float64Array(vmCount).fill(1)
    let largestCore = 0
    for (let h = 0; h < hostCount; h++) largestCore = Math.max(largestCore, this.hostPeMips[h]!)
    for (let v = 0; v < vmCount; v++) {
      const type =
        vmTypes[layout.vmTypesInTurn === true ? v % vmTypes.length : vmTypeIndex(v, vmCount, vmTypes.length)]!
      const mips = vmMipsOverride?.[v]
      const ownMips = mips !== undefined && mips > 0
      this.vmMips[v] = ownMips ? mips : type.mhz
      // Only a trace's own sizes get several cores: CloudSim's VM types keep their one core.
      if (ownMips && mips > largestCore && largestCore > 0) this.vmCores[v] = Math.ceil(mips / largestCore)
      const own = vmRamOverride?.[v]
      this.vmRamMb[v] = own !== undefined && own > 0 ? own : type.ramMb
      this.vmBandwidthMbps[v] = type.bandwidthMbps
    }
    this.vmHost = new Int32Array(vmCount).fill(-1)
    this.vmInMigration = new Uint8Array(vmCount)
    this.vmUidHash = Int32Array.from({ length: vmCount }, (_, v) => cloudsimUidHash(v))
    this.vmDemandMips = new Float64Array(vmCount)
    this.history = new Float64Array(keepHistory ? vmCount * historyCapacity : 0)
    this.vmHistoryCount = new Uint8Array(keepHistory ? vmCount : 0)
  }
}

/**
 * What a VM's demand `demand` (MHz) asks of a host whose cores have `pe` MHz: at most one core per
 * virtual core (the same double as `Math.min(demand, pe)` for a one-core VM).
 */
export const cappedDemand = (state: SimState, vm: number, demand: number, pe: number): number =>
  demand <= pe ? demand : Math.min(demand, pe * state.vmCores[vm]!)

/** Host `host`'s number of cores. */
export const hostCores = (state: SimState, host: number): number =>
  Math.round(state.hostTotalMips[host]! / state.hostPeMips[host]!)

/** Whether a host with cores of `pe` MHz, `cores` of them, can run VM `vm`'s cores (CloudSim's PE check). */
export const coresFit = (state: SimState, vm: number, pe: number, cores: number): boolean => {
  const own = state.vmCores[vm]!
  return own === 1 ? pe >= state.vmMips[vm]! : pe >= state.vmMips[vm]! / own && cores >= own
}

/** The `i`-th newest history value of VM `v` (i = 0 is the newest). */
export const historyAt = (state: SimState, vm: number, i: number): number =>
  state.history[vm * historyCapacity + ((state.historyHead - i + historyCapacity) % historyCapacity)] ?? 0

/** Appends the current demand fraction of every live VM to its history. */
export const recordHistory = (state: SimState, utilization: Float64Array): void => {
  state.historyHead = (state.historyHead + 1) % historyCapacity
  if (state.historyLength < historyCapacity) state.historyLength++
  state.historyRecords++
  const head = state.historyHead
  if (state.history.length === 0) return
  const counts = state.vmHistoryCount
  for (let v = 0; v < state.vmCount; v++) {
    if (state.vmHost[v]! >= 0) {
      state.history[v * historyCapacity + head] = utilization[v]!
      if (counts[v]! < historyCapacity) counts[v] = counts[v]! + 1
    }
  }
}

/** Index of `vm` in host `host`'s list among entries with the given migrating-in flag, or -1. */
export const indexOnHost = (state: SimState, host: number, vm: number, migratingIn: number): number => {
  const ids = state.hostVmIds
  const migIn = state.hostVmMigIn
  const base = host * state.hostSlots
  const count = state.hostVmCount[host]!
  for (let i = 0; i < count; i++) if (ids[base + i] === vm && migIn[base + i] === migratingIn) return i
  return -1
}

/** Java's `HashMap.hash` of the `String.hashCode` of a VM's CloudSim uid (broker 2, so "2-<index>"). */
const cloudsimUidHash = (vm: number): number => {
  const uid = `2-${vm}`
  let h = 0
  for (let i = 0; i < uid.length; i++) h = (Math.imul(31, h) + uid.charCodeAt(i)) | 0
  return h ^ (h >>> 16)
}

/** Java's HashMap load factor: a table grows (doubles) once it would hold more than this share of its capacity. */
export const mapLoadFactor = 0.75

/** Grows a host's request table as Java's HashMap would for `size` entries. */
export const reserveMapCapacity = (state: SimState, host: number, size: number): void => {
  while (size > state.hostMapCapacity[host]! * mapLoadFactor)
    state.hostMapCapacity[host] = state.hostMapCapacity[host]! * 2
}

/** Appends a VM to a host's list, its allocation 0. */
export const addToHost = (state: SimState, host: number, vm: number, migratingIn: number): void => {
  const count = state.hostVmCount[host]!
  if (count === state.hostSlots) growHostSlots(state)
  const at = host * state.hostSlots + count
  state.hostVmIds[at] = vm
  state.hostVmAlloc[at] = 0
  state.hostVmMigIn[at] = migratingIn
  state.hostVmCount[host] = count + 1
  reserveMapCapacity(state, host, count + 1)
}

/** Removes entry `index` from a host's list, keeping the order. */
export const removeFromHost = (state: SimState, host: number, index: number): void => {
  // An index from a failed `indexOnHost` (-1) would otherwise shift the previous host's last entry.
  if (!(index >= 0 && index < state.hostVmCount[host]!)) {
    throw new RangeError(`host ${host} has no list entry ${index}`)
  }
  const ids = state.hostVmIds
  const alloc = state.hostVmAlloc
  const migIn = state.hostVmMigIn
  const end = host * state.hostSlots + state.hostVmCount[host]!
  for (let at = host * state.hostSlots + index + 1; at < end; at++) {
    ids[at - 1] = ids[at]!
    alloc[at - 1] = alloc[at]!
    migIn[at - 1] = migIn[at]!
  }
  state.hostVmCount[host] = state.hostVmCount[host]! - 1
}

/** Doubles every host's room in the list arrays, keeping the entries. */
const growHostSlots = (state: SimState): void => {
  const from = state.hostSlots
  const to = from * 2
  const ids = new Int32Array(state.hostCount * to)
  const alloc = new Float64Array(state.hostCount * to)
  const migIn = new Uint8Array(state.hostCount * to)
  for (let h = 0; h < state.hostCount; h++) {
    const count = state.hostVmCount[h]!
    ids.set(state.hostVmIds.subarray(h * from, h * from + count), h * to)
    alloc.set(state.hostVmAlloc.subarray(h * from, h * from + count), h * to)
    migIn.set(state.hostVmMigIn.subarray(h * from, h * from + count), h * to)
  }
  state.hostSlots = to
  state.hostVmIds = ids
  state.hostVmAlloc = alloc
  state.hostVmMigIn = migIn
}
