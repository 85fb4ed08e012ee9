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
  /** Candidate positions of the next batch, in (score, position) order once a candidate is rejected. */
  readonly heap: Int32Array

  constructor(hostCount: number) {
    this.hosts = new Int32Array(hostCount)
    this.scores = new Float64Array(hostCount)
    this.heap = new Int32Array(hostCount)
  }
}

export const makeBestFitWorkspace = (hostCount: number): BestFitWorkspace => new BestFitWorkspace(hostCount)

/** Candidates taken into the first batch after a rejection; each further batch is twice as large. */
const firstBatch = 32

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
  // Rejected: the others in order of (score, position), a batch of the smallest at a time (each
  // batch one pass over the candidates, instead of ordering them all: a VM is refused by a few
  // dozen hosts in a row at most, among thousands of candidates).
  const batch = workspace.heap
  let afterScore = min
  let afterPosition = best
  for (let limit = firstBatch; ; limit *= 2) {
    const size = smallestAfter(scores, count, afterScore, afterPosition, batch, limit)
    for (let j = 0; j < size; j++) {
      const candidate = ids[batch[j]!]!
      if (!hosts.busy(candidate) || !hosts.overloadedWith(candidate, vm)) return candidate
    }
    if (size < limit) return -1
    afterPosition = batch[size - 1]!
    afterScore = scores[afterPosition]!
  }
}

/**
 * Writes into `out`, in (score, position) order, the `limit` first positions (or all there are)
 * that come after (`afterScore`, `afterPosition`) in that order; returns how many. One pass keeps
 * them in a max-heap (the last of them on top), so most positions cost one comparison.
 */
const smallestAfter = (
  scores: Float64Array,
  count: number,
  afterScore: number,
  afterPosition: number,
  out: Int32Array,
  limit: number
): number => {
  let size = 0
  for (let p = 0; p < count; p++) {
    const score = scores[p]!
    if (score < afterScore || (score === afterScore && p <= afterPosition)) continue
    if (size < limit) {
      // Sift up: positions arrive in increasing order, so on equal scores the newcomer is last.
      let i = size++
      while (i > 0) {
        const parent = (i - 1) >> 1
        const above = out[parent]!
        if (scores[above]! > score) break
        out[i] = above
        i = parent
      }
      out[i] = p
      continue
    }
    // Full: p replaces the top only if it comes first; on an equal score the earlier position does.
    if (!(score < scores[out[0]!]!)) continue
    siftDownMax(out, size, 0, p, scores)
  }
  // Heap sort: the top (the last in order) goes to the end, repeatedly.
  for (let end = size - 1; end > 0; end--) {
    const top = out[0]!
    siftDownMax(out, end, 0, out[end]!, scores)
    out[end] = top
  }
  return size
}

/** Places `item` at `i` of the max-heap `heap[0, size)` and sifts it down: a position is greater by larger score, then larger position. */
const siftDownMax = (heap: Int32Array, size: number, i: number, item: number, scores: Float64Array): void => {
  const score = scores[item]!
  for (;;) {
    let child = 2 * i + 1
    if (child >= size) break
    const right = child + 1
    if (right < size && follows(heap[right]!, heap[child]!, scores)) child = right
    const c = heap[child]!
    const childScore = scores[c]!
    if (!(childScore > score || (childScore === score && c > item))) break
    heap[i] = c
    i = child
  }
  heap[i] = item
}

/** Whether heap entry `a` comes after `b`: larger score, then larger position. */
const follows = (a: number, b: number, scores: Float64Array): boolean =>
  scores[a]! > scores[b]! || (scores[a] === scores[b] && a > b)

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
