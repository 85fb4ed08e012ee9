/** How a local manager turns MHz histories into the host utilisation its detectors read. */

/**
 * The host's CPU utilisation history, fractions of `capacityMhz`, oldest first, as Neat's local
 * manager computes it: the VM histories and the host's own use (hypervisor overhead) are aligned on
 * their newest sample, shorter series are padded with zeros at the old end, the host's series is cut
 * to the length of the longest VM series, and each step's sum is divided by the capacity.
 * Empty when no VM has a sample yet. With `newest`, only that many of the newest values (the same
 * numbers as the whole history's last ones).
 */
export const hostUtilization = (
  vmCpuMhz: ReadonlyArray<ReadonlyArray<number>>,
  hostOwnMhz: ReadonlyArray<number>,
  capacityMhz: number,
  newest: number = Number.POSITIVE_INFINITY
): Array<number> => {
  let length = 0
  for (const history of vmCpuMhz) if (history.length > length) length = history.length
  if (length === 0 || capacityMhz <= 0) return []
  // The sums are built in the array returned, then divided in place. Every series is aligned on
  // its newest sample, so a shorter array holds exactly the newest sums.
  const utilization = new Array<number>(Math.min(length, Math.max(1, Math.floor(newest)))).fill(0)
  for (const history of vmCpuMhz) addAligned(utilization, history)
  addAligned(utilization, hostOwnMhz)
  for (let k = 0; k < utilization.length; k++) utilization[k] = utilization[k]! / capacityMhz
  return utilization
}

/** Adds `history` to `sums`, both aligned on their newest sample (older excess samples ignored). */
const addAligned = (sums: Array<number>, history: ReadonlyArray<number>): void => {
  const length = sums.length
  const used = Math.min(history.length, length)
  const offset = length - used
  const from = history.length - used
  for (let k = 0; k < used; k++) sums[offset + k]! += history[from + k]!
}

/**
 * The host's own CPU use per step, MHz: its total minus its VMs', never below zero, as Neat's data
 * collector stores it. `hostTotalMhz` and every VM history are aligned on their newest sample.
 */
export const hostOwnCpuMhz = (
  hostTotalMhz: ReadonlyArray<number>,
  vmCpuMhz: ReadonlyArray<ReadonlyArray<number>>
): Array<number> => {
  const length = hostTotalMhz.length
  const own = new Array<number>(length)
  for (let k = 0; k < length; k++) {
    const stepsBack = length - 1 - k
    let vms = 0
    for (const history of vmCpuMhz) {
      const index = history.length - 1 - stepsBack
      if (index >= 0) vms += history[index]!
    }
    own[k] = Math.max(0, hostTotalMhz[k]! - vms)
  }
  return own
}

/** The CPU capacity VMs may use, MHz: Neat's `int(total * host_cpu_usable_by_vms)`. */
export const usableCpuMhz = (totalMhz: number, usableByVms: number): number => Math.trunc(totalMhz * usableByVms)
