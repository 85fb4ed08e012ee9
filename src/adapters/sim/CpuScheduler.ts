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
import { cappedDemand, type SimState } from "./SimState.js"

/** Share of a VM's CPU used on the target while it migrates in. */
export const migrationTargetShare = 0.1
/** Share of its CPU a VM keeps on the source while it migrates out. */
export const migrationSourceShare = 0.9

/**
 * Scratch of `hashTableOrder`: list positions in allocation order; hash buckets (of `order[k]`
 * while sorting by insertion, of list position i when counting); each bucket's first place in
 * `order` (counted sizes, then running starts).
 */
let order = new Int32Array(64)
let buckets = new Int32Array(64)
let bucketStarts = new Int32Array(64)

/** Below count² < this × capacity, `hashTableOrder` sorts by insertion rather than by counting. */
const insertionBound = 8

/**
 * Fills `order` with the host's list positions in hash-table order (bucket, then list order). The
 * table never shrinks, so it often has several times more buckets than the host has VMs: a short
 * list is sorted by insertion, a long one by counting its buckets.
 */
const hashTableOrder = (state: SimState, host: number, count: number): void => {
  const ids = state.hostVmIds
  const base = host * state.hostSlots
  const capacity = state.hostMapCapacity[host]!
  const mask = capacity - 1
  const hash = state.vmUidHash
  // Also called on its own (by `redistribute`), so it sizes `order` itself.
  if (order.length < count) order = new Int32Array(count * 2)
  if (buckets.length < count) buckets = new Int32Array(count * 2)
  // Insertion costs about count² / 4 steps, counting about capacity + 2 · count: below this
  // bound insertion is the cheaper of the two.
  if (count * count < insertionBound * capacity) {
    for (let i = 0; i < count; i++) {
      const bucket = hash[ids[base + i]!]! & mask
      let j = i - 1
      while (j >= 0 && buckets[j]! > bucket) {
        order[j + 1] = order[j]!
        buckets[j + 1] = buckets[j]!
        j--
      }
      order[j + 1] = i
      buckets[j + 1] = bucket
    }
    return
  }
  if (bucketStarts.length < capacity + 1) bucketStarts = new Int32Array(capacity * 2)
  bucketStarts.fill(0, 0, capacity + 1)
  for (let i = 0; i < count; i++) {
    const bucket = hash[ids[base + i]!]! & mask
    buckets[i] = bucket
    bucketStarts[bucket + 1]!++
  }
  for (let b = 0; b < capacity; b++) bucketStarts[b + 1]! += bucketStarts[b]!
  for (let i = 0; i < count; i++) order[bucketStarts[buckets[i]!]!++] = i
}

/**
 * Recomputes the allocation of every VM on `host` from current demands and migration flags,
 * allocating in list order (a host update) or in hash-table order (a VM left the host).
 */
export const allocateCpu = (state: SimState, host: number, hashOrder = false): void => {
  const count = state.hostVmCount[host]!
  if (order.length < count) order = new Int32Array(count * 2)
  if (hashOrder) hashTableOrder(state, host, count)
  else for (let i = 0; i < count; i++) order[i] = i
  const base = host * state.hostSlots
  const ids = state.hostVmIds
  const alloc = state.hostVmAlloc
  const migIn = state.hostVmMigIn
  const capacity = state.hostTotalMips[host]!
  const pe = state.hostPeMips[host]!
  const demand = state.vmDemandMips
  const cores = state.vmCores
  const inMigration = state.vmInMigration
  let available = capacity
  let oversubscribed = false
  for (let k = 0; k < count; k++) {
    const at = base + order[k]!
    const v = ids[at]!
    // A VM asks for at most one host core per virtual core (`cappedDemand`, written out).
    const d = demand[v]!
    const capped = d <= pe ? d : Math.min(d, pe * cores[v]!)
    const incoming = migIn[at] === 1
    const needed = incoming ? capped * migrationTargetShare : capped
    if (!oversubscribed && available >= needed) {
      alloc[at] = incoming
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
    redistribute(state, host, hashOrder)
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
  redistribute(state, host, false)
  state.hostAvailableMips[host] = 0
  state.hostHashOrdered[host] = 0
  sumAllocations(state, host)
}

/** CloudSim's `vmCreate` for the VM just appended to the host's list: allocates it on top of the others. */
export const allocateCpuForLast = (state: SimState, host: number): void => {
  const at = host * state.hostSlots + state.hostVmCount[host]! - 1
  const v = state.hostVmIds[at]!
  const capped = cappedDemand(state, v, state.vmDemandMips[v]!, state.hostPeMips[host]!)
  const incoming = state.hostVmMigIn[at] === 1
  const needed = incoming ? capped * migrationTargetShare : capped
  const available = state.hostAvailableMips[host]!
  if (available >= needed) {
    state.hostVmAlloc[at] = incoming
      ? capped * migrationTargetShare
      : state.vmInMigration[v] === 1
        ? capped * migrationSourceShare
        : capped
    state.hostAvailableMips[host] = available - needed
  } else {
    redistribute(state, host, false)
    state.hostAvailableMips[host] = 0
  }
  state.hostHashOrdered[host] = 0
  sumAllocations(state, host)
}

/**
 * Scales every share by capacity / total capped request (summed in hash-table order), floored;
 * `ordered` when `order` already holds the host's hash-table order.
 */
const redistribute = (state: SimState, host: number, ordered: boolean): void => {
  const count = state.hostVmCount[host]!
  if (!ordered) hashTableOrder(state, host, count)
  const base = host * state.hostSlots
  const ids = state.hostVmIds
  const alloc = state.hostVmAlloc
  const migIn = state.hostVmMigIn
  const pe = state.hostPeMips[host]!
  const demand = state.vmDemandMips
  let required = 0
  for (let k = 0; k < count; k++) {
    const at = base + order[k]!
    const capped = cappedDemand(state, ids[at]!, demand[ids[at]!]!, pe)
    required += migIn[at] === 1 ? capped * migrationTargetShare : capped
  }
  const scaling = state.hostTotalMips[host]! / required
  for (let at = base; at < base + count; at++) {
    const v = ids[at]!
    const capped = cappedDemand(state, v, demand[v]!, pe)
    if (migIn[at] === 1) alloc[at] = Math.floor(capped * migrationTargetShare * scaling)
    else if (state.vmInMigration[v] === 1) alloc[at] = Math.floor(capped * scaling * migrationSourceShare)
    else alloc[at] = Math.floor(capped * scaling)
  }
}

/** CloudSim's `getUtilizationOfCpuMips`: allocations in list order, a VM migrating in at its full share. */
const sumAllocations = (state: SimState, host: number): void => {
  const base = host * state.hostSlots
  const end = base + state.hostVmCount[host]!
  const alloc = state.hostVmAlloc
  const migIn = state.hostVmMigIn
  let allocated = 0
  for (let at = base; at < end; at++) {
    const a = alloc[at]!
    if (migIn[at] === 1) allocated += (a * 0.9) / 0.1
    allocated += a
  }
  state.hostAllocatedMips[host] = allocated
}
