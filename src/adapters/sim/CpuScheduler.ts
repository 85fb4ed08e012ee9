/**
 * CPU sharing on one host: CloudSim's time-shared scheduler with oversubscription. Each VM asks
 * for its demand capped at one core; while the requests fit, each gets its request (90 % if it
 * migrates out, 10 % on the target while it migrates in); once they do not, every share is
 * scaled by capacity / total request and floored to whole MHz.
 */
import type { SimState } from "./SimState.js"

/** Share of a VM's CPU used on the target while it migrates in. */
export const migrationTargetShare = 0.1
/** Share of its CPU a VM keeps on the source while it migrates out. */
export const migrationSourceShare = 0.9

/** Recomputes the allocation of every VM on `host` from current demands and migration flags. */
export const allocateCpu = (state: SimState, host: number): void => {
  const vms = state.hostVms[host]!
  const alloc = state.hostAlloc[host]!
  const migIn = state.hostMigIn[host]!
  const capacity = state.hostTotalMips[host]!
  const pe = state.hostPeMips[host]!
  const demand = state.vmDemandMips
  const inMigration = state.vmInMigration
  let available = capacity
  let oversubscribed = false
  for (let i = 0; i < vms.length; i++) {
    const v = vms[i]!
    const request = demand[v]!
    const capped = Math.min(request, pe)
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
    let required = 0
    for (let i = 0; i < vms.length; i++) {
      const request = demand[vms[i]!]!
      const capped = Math.min(request, pe)
      required += migIn[i] === 1 ? capped * migrationTargetShare : capped
    }
    const scaling = capacity / required
    for (let i = 0; i < vms.length; i++) {
      const v = vms[i]!
      const request = demand[v]!
      const capped = Math.min(request, pe)
      if (migIn[i] === 1) alloc[i] = Math.floor(capped * migrationTargetShare * scaling)
      else if (inMigration[v] === 1) alloc[i] = Math.floor(capped * scaling * migrationSourceShare)
      else alloc[i] = Math.floor(capped * scaling)
    }
    available = 0
  }
  let allocated = 0
  for (let i = 0; i < vms.length; i++) {
    const a = alloc[i]!
    if (migIn[i] === 1) allocated += (a * 0.9) / 0.1
    allocated += a
  }
  state.hostAvailableMips[host] = available
  state.hostAllocatedMips[host] = allocated
}
