/**
 * CPU sharing on one host: CloudSim's time-shared scheduler with oversubscription. Each VM asks
 * for its demand capped at one core; while the requests fit, each gets its request (90 % if it
 * migrates out, 10 % on the target while it migrates in); once they do not, every share is
 * scaled by capacity / total request and floored to whole MHz.
 *
 * The order of allocation changes only the rounding of the free capacity, but a placement that
 * exactly fills a host is decided by those last bits, so the order is CloudSim's: host-list order
 * when a host is updated, hash-table order of the VM uids when a VM leaves it.
 */
import type { SimState } from "./SimState.js"

/** Share of a VM's CPU used on the target while it migrates in. */
export const migrationTargetShare = 0.1
/** Share of its CPU a VM keeps on the source while it migrates out. */
export const migrationSourceShare = 0.9

let order = new Int32Array(64)

/** Fills `order` with the host's list positions in hash-table order (bucket, then list order). */
const hashTableOrder = (state: SimState, host: number, count: number): void => {
  const vms = state.hostVms[host]!
  const mask = state.hostMapCapacity[host]! - 1
  const hash = state.vmUidHash
  if (order.length < count) order = new Int32Array(count * 2)
  for (let i = 0; i < count; i++) {
    const bucket = hash[vms[i]!]! & mask
    let j = i - 1
    while (j >= 0 && (hash[vms[order[j]!]!]! & mask) > bucket) {
      order[j + 1] = order[j]!
      j--
    }
    order[j + 1] = i
  }
}

/**
 * Recomputes the allocation of every VM on `host` from current demands and migration flags,
 * allocating in list order (a host update) or in hash-table order (a VM left the host).
 */
export const allocateCpu = (state: SimState, host: number, hashOrder = false): void => {
  const vms = state.hostVms[host]!
  const count = vms.length
  if (order.length < count) order = new Int32Array(count * 2)
  if (hashOrder) hashTableOrder(state, host, count)
  else for (let i = 0; i < count; i++) order[i] = i
  const alloc = state.hostAlloc[host]!
  const migIn = state.hostMigIn[host]!
  const capacity = state.hostTotalMips[host]!
  const pe = state.hostPeMips[host]!
  const demand = state.vmDemandMips
  const inMigration = state.vmInMigration
  let available = capacity
  let oversubscribed = false
  for (let k = 0; k < count; k++) {
    const i = order[k]!
    const v = vms[i]!
    const capped = Math.min(demand[v]!, pe)
    const incoming = migIn[i] === 1
    const needed = incoming ? capped * migrationTargetShare : capped
    if (!oversubscribed && available >= needed) {
      alloc[i] = incoming
        ? capped * migrationTargetShare
        : inMigration[v] === 1
          ? capped * migrationSourceShare
          : capped
      available -= needed
    } else {
      oversubscribed = true
    }
  }
  if (oversubscribed) {
    redistribute(state, host)
    available = 0
  }
  state.hostAvailableMips[host] = available
  state.hostHashOrdered[host] = hashOrder ? 1 : 0
  sumAllocations(state, host)
}

/**
 * `allocateCpu` in list order for a host whose requests, allocated in list order, do not all fit
 * (the caller has found one that does not): every share is scaled down, nothing is left.
 */
export const allocateOversubscribed = (state: SimState, host: number): void => {
  redistribute(state, host)
  state.hostAvailableMips[host] = 0
  state.hostHashOrdered[host] = 0
  sumAllocations(state, host)
}

/** CloudSim's `vmCreate` for the VM just appended to the host's list: allocates it on top of the others. */
export const allocateCpuForLast = (state: SimState, host: number): void => {
  const vms = state.hostVms[host]!
  const i = vms.length - 1
  const v = vms[i]!
  const capped = Math.min(state.vmDemandMips[v]!, state.hostPeMips[host]!)
  const incoming = state.hostMigIn[host]![i] === 1
  const needed = incoming ? capped * migrationTargetShare : capped
  const available = state.hostAvailableMips[host]!
  if (available >= needed) {
    state.hostAlloc[host]![i] = incoming
      ? capped * migrationTargetShare
      : state.vmInMigration[v] === 1
        ? capped * migrationSourceShare
        : capped
    state.hostAvailableMips[host] = available - needed
  } else {
    redistribute(state, host)
    state.hostAvailableMips[host] = 0
  }
  state.hostHashOrdered[host] = 0
  sumAllocations(state, host)
}

/** Scales every share by capacity / total capped request (summed in hash-table order), floored. */
const redistribute = (state: SimState, host: number): void => {
  const vms = state.hostVms[host]!
  const count = vms.length
  hashTableOrder(state, host, count)
  const alloc = state.hostAlloc[host]!
  const migIn = state.hostMigIn[host]!
  const pe = state.hostPeMips[host]!
  const demand = state.vmDemandMips
  let required = 0
  for (let k = 0; k < count; k++) {
    const i = order[k]!
    const capped = Math.min(demand[vms[i]!]!, pe)
    required += migIn[i] === 1 ? capped * migrationTargetShare : capped
  }
  const scaling = state.hostTotalMips[host]! / required
  for (let i = 0; i < count; i++) {
    const v = vms[i]!
    const capped = Math.min(demand[v]!, pe)
    if (migIn[i] === 1) alloc[i] = Math.floor(capped * migrationTargetShare * scaling)
    else if (state.vmInMigration[v] === 1) alloc[i] = Math.floor(capped * scaling * migrationSourceShare)
    else alloc[i] = Math.floor(capped * scaling)
  }
}

/** CloudSim's `getUtilizationOfCpuMips`: allocations in list order, a VM migrating in at its full share. */
const sumAllocations = (state: SimState, host: number): void => {
  const alloc = state.hostAlloc[host]!
  const migIn = state.hostMigIn[host]!
  let allocated = 0
  for (let i = 0; i < alloc.length; i++) {
    const a = alloc[i]!
    if (migIn[i] === 1) allocated += (a * 0.9) / 0.1
    allocated += a
  }
  state.hostAllocatedMips[host] = allocated
}
