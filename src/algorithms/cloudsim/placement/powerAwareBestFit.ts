/**
 * CloudSim's power-aware best fit (`findHostForVm`): among the hosts that are not excluded, can
 * take the VM and (if they already run something) would not be overloaded with it, the one whose
 * power would grow least; ties go to the lowest host number. The growth is measured against the
 * host's power at its last update (stale while a decision round places VMs), and an empty host
 * costs only P(load) − P(idle): nothing is charged for switching it on.
 */

/** The hosts as placement sees them. */
export interface BestFitHosts {
  readonly hostCount: number
  /** The host can take the VM now (core size, free capacity, memory). */
  readonly suitable: (host: number, vm: number) => boolean
  /** The host's scheduler currently hands out CPU (CloudSim: allocated MHz ≠ 0). */
  readonly busy: (host: number) => boolean
  /** Power after adding the VM minus the host's power at its last update, watts. */
  readonly powerIncrease: (host: number, vm: number) => number
  /** The host's overload detector says it would be overloaded with the VM added. */
  readonly overloadedWith: (host: number, vm: number) => boolean
  /**
   * Called for every suitable busy host, in host order, where CloudSim runs its overload test by
   * creating and destroying the VM there, which re-allocates the host's CPU as a side effect.
   */
  readonly probed?: ((host: number, vm: number) => void) | undefined
}

/** Reusable buffers for `findHostForVm`. */
export interface BestFitWorkspace {
  readonly hosts: Int32Array
  readonly scores: Float64Array
}

export const makeBestFitWorkspace = (hostCount: number): BestFitWorkspace => ({
  hosts: new Int32Array(hostCount),
  scores: new Float64Array(hostCount)
})

/**
 * The host for `vm`, or -1. Hosts are scored first and the overload test (the costly part) runs
 * only on the best-scored candidates until one passes, which selects the same host as testing all.
 */
export const findHostForVm = (
  hosts: BestFitHosts,
  vm: number,
  excluded: Uint8Array,
  workspace: BestFitWorkspace
): number => {
  const ids = workspace.hosts
  const scores = workspace.scores
  let count = 0
  for (let h = 0; h < hosts.hostCount; h++) {
    if (excluded[h] === 1 || !hosts.suitable(h, vm)) continue
    if (hosts.probed !== undefined && hosts.busy(h)) hosts.probed(h, vm)
    const score = hosts.powerIncrease(h, vm)
    if (!(score < Number.MAX_VALUE)) continue
    ids[count] = h
    scores[count] = score
    count++
  }
  while (count > 0) {
    let best = 0
    for (let i = 1; i < count; i++) if (scores[i]! < scores[best]!) best = i
    const host = ids[best]!
    if (!hosts.busy(host) || !hosts.overloadedWith(host, vm)) return host
    // Drop the rejected host, keeping the rest in host order so ties still go to the lowest number.
    for (let i = best + 1; i < count; i++) {
      ids[i - 1] = ids[i]!
      scores[i - 1] = scores[i]!
    }
    count--
  }
  return -1
}

/** The first host, in host order, that is not excluded and can take the VM; -1 if none. */
export const findFirstFit = (hosts: BestFitHosts, vm: number, excluded: Uint8Array): number => {
  for (let h = 0; h < hosts.hostCount; h++) if (excluded[h] !== 1 && hosts.suitable(h, vm)) return h
  return -1
}
