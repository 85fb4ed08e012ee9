/**
 * CloudSim's power-aware best fit (`findHostForVm`): among the hosts that are not excluded, can
 * take the VM and (if they already run something) would not be overloaded with it, the one whose
 * power would grow least; ties go to the lowest host number. The growth is measured against the
 * host's power at its last update (stale while a decision round places VMs), and an empty host
 * costs only P(load) − P(idle): nothing is charged for switching it on.
 */

/** The hosts as placement sees them. */
export interface BestFitHosts {
  /**
   * Writes, in host order, every host that is not excluded and can take the VM now (core size,
   * free capacity, memory) into `ids`, with its power increase in watts (power after adding the
   * VM minus the host's power at its last update; never NaN) into `scores`; returns how many.
   */
  score(vm: number, excluded: Uint8Array, ids: Int32Array, scores: Float64Array): number
  /** The host's scheduler currently hands out CPU (CloudSim: allocated MHz ≠ 0). */
  busy(host: number): boolean
  /** The host's overload detector says it would be overloaded with the VM added. */
  overloadedWith(host: number, vm: number): boolean
  /** First fit's shortcut: the first host, in host order, that is not excluded and can take the VM; -1 if none. */
  readonly firstSuitable?: ((vm: number, excluded: Uint8Array) => number) | undefined
}

/** Reusable buffers for `findHostForVm`. */
export class BestFitWorkspace {
  readonly hosts: Int32Array
  readonly scores: Float64Array
  /** Candidate positions ordered as a binary min-heap on (score, position), once one is rejected. */
  readonly heap: Int32Array

  constructor(hostCount: number) {
    this.hosts = new Int32Array(hostCount)
    this.scores = new Float64Array(hostCount)
    this.heap = new Int32Array(hostCount)
  }
}

export const makeBestFitWorkspace = (hostCount: number): BestFitWorkspace => new BestFitWorkspace(hostCount)

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
  const count = hosts.score(vm, excluded, ids, scores)
  if (count === 0) return -1
  let best = 0
  let min = scores[0]!
  for (let i = 1; i < count; i++) {
    const score = scores[i]!
    if (score < min) {
      min = score
      best = i
    }
  }
  const host = ids[best]!
  if (!hosts.busy(host) || !hosts.overloadedWith(host, vm)) return host
  // Rejected: the others in order of (score, host order), from a heap, since some VMs are refused
  // by many hosts in a row.
  const heap = workspace.heap
  let size = 0
  for (let i = 0; i < count; i++) if (i !== best) heap[size++] = i
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, size, i, scores)
  while (size > 0) {
    const next = heap[0]!
    heap[0] = heap[--size]!
    siftDown(heap, size, 0, scores)
    const candidate = ids[next]!
    if (!hosts.busy(candidate) || !hosts.overloadedWith(candidate, vm)) return candidate
  }
  return -1
}

/** Restores the heap order below `i`: a position comes first by smaller score, then by smaller position. */
const siftDown = (heap: Int32Array, size: number, i: number, scores: Float64Array): void => {
  const item = heap[i]!
  const score = scores[item]!
  for (;;) {
    let child = 2 * i + 1
    if (child >= size) break
    const right = child + 1
    if (right < size && precedes(heap[right]!, heap[child]!, scores)) child = right
    const c = heap[child]!
    const childScore = scores[c]!
    if (!(childScore < score || (childScore === score && c < item))) break
    heap[i] = c
    i = child
  }
  heap[i] = item
}

/** Whether heap entry `a` comes before `b`: smaller score, then smaller position. */
const precedes = (a: number, b: number, scores: Float64Array): boolean =>
  scores[a]! < scores[b]! || (scores[a] === scores[b] && a < b)

/** The first host, in host order, that is not excluded and can take the VM; -1 if none. */
export const findFirstFit = (
  hosts: BestFitHosts,
  vm: number,
  excluded: Uint8Array,
  workspace: BestFitWorkspace
): number => {
  if (hosts.firstSuitable !== undefined) return hosts.firstSuitable(vm, excluded)
  return hosts.score(vm, excluded, workspace.hosts, workspace.scores) > 0 ? workspace.hosts[0]! : -1
}
