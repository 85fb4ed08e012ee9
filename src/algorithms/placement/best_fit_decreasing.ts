/**
 * Neat's Best Fit Decreasing VM placement (`bin_packing.best_fit_decreasing`).
 *
 * VMs are taken in decreasing order of (mean CPU over their last `last_n_vm_cpu` samples, RAM,
 * UUID). Active hosts are ordered once by increasing (available CPU, available RAM, name), where
 * available = `trunc(threshold * total - used)`; each VM goes to the first host in that order
 * with room for it (the least spare capacity that fits), and the order is not revised as hosts
 * fill. When no host fits, the smallest inactive host (by total CPU, RAM, name) is activated and
 * inserted into the order by its own key. Either every VM is placed or none is.
 *
 * As in Neat, an activated host offers its whole capacity (minus any use it reports); set
 * `threshold_inactive_hosts` to hold activated hosts to the thresholds too.
 */
import { Schema } from "effect"
import type { Placement } from "../../core/Placement.js"
import { compareCodePoints } from "../compareCodePoints.js"
import { Bool, Fraction, SampleCount } from "../schemaFields.js"
import { meanOfLast } from "../series.js"
import { type NoState, noState } from "../stateless.js"
import type { PlacementInput, VmPlacer } from "../types.js"
import { type ColumnarHosts, type PlacementColumns, placementColumnsOf } from "./placementColumns.js"

export const BestFitDecreasingParamsSchema = Schema.Struct({
  /** Highest CPU use a host may reach, fraction of its capacity. */
  cpu_threshold: Fraction,
  /** Highest memory use a host may reach, fraction of its capacity. */
  ram_threshold: Fraction,
  /** How many of each VM's most recent CPU samples to average (0: all of them, as Python's `[-0:]`). */
  last_n_vm_cpu: SampleCount(0),
  /** Apply the thresholds to hosts woken for the placement too (Neat does not). */
  threshold_inactive_hosts: Schema.optionalWith(Bool, { default: () => false })
})
export type BestFitDecreasingParams = typeof BestFitDecreasingParamsSchema.Type

let scratchValues = new Float64Array(0)
let scratchHosts = new Int32Array(0)

/** Scratch space for `hostCount` hosts: 4 values and one index per host (contents undefined). */
const scratch = (hostCount: number): { readonly values: Float64Array; readonly hosts: Int32Array } => {
  if (scratchHosts.length < hostCount) {
    const capacity = Math.max(hostCount, 2 * scratchHosts.length)
    scratchValues = new Float64Array(4 * capacity)
    scratchHosts = new Int32Array(capacity)
  }
  return { values: scratchValues, hosts: scratchHosts }
}

/**
 * The free capacities of a set of columns under one pair of thresholds, the most free CPU and,
 * once the placements past the first check have scanned enough rows (`scanned`), the rows in key
 * order: the columns serve every request of a round, so a VM's host is then found by a search
 * instead of a pass over all rows.
 */
interface FreeColumns {
  readonly cpuThreshold: number
  readonly ramThreshold: number
  readonly cpu: Float64Array
  readonly ram: Float64Array
  readonly maxCpu: number
  /** Rows × VMs the placements on these columns have scanned so far. */
  scanned: number
  order: KeyOrder | undefined
  /**
   * The key order of the columns these were derived from and the rows' origins, until a placement
   * gets past the first check and derives this one's order from it (`derivedKeyOrder`).
   */
  origin: { readonly order: KeyOrder; readonly from: Int32Array } | undefined
}

/**
 * Rows sorted by (free CPU, free RAM, name, row), the order `before` compares in, with each
 * one's free CPU in `cpu` and its position in `position`; `tree` is a max-tree over the positions'
 * free RAM (leaf p at `leaves + p`), so the first position from a given one with room for a VM's
 * memory is found in logarithmic time. A row left out or already holding a VM has its leaf lowered
 * to −∞ while a placement runs.
 */
interface KeyOrder {
  readonly rows: Int32Array
  readonly cpu: Float64Array
  readonly position: Int32Array
  readonly tree: Float64Array
  readonly leaves: number
}

const freeByColumns = new WeakMap<PlacementColumns, FreeColumns>()

/**
 * The rows are sorted once the scans they spared would have cost this many times the rows ×
 * log₂ rows of a sort: a set of columns that serves few placements (a PlanetLab day has about 60
 * per snapshot of the cloud) is cheaper to scan than to sort.
 */
const sortingWork = 8

/** The columns' free capacities as the pass below computes them, kept while the columns live. */
const freeColumns = (params: BestFitDecreasingParams, columns: PlacementColumns): FreeColumns => {
  const kept = freeByColumns.get(columns)
  if (kept !== undefined && kept.cpuThreshold === params.cpu_threshold && kept.ramThreshold === params.ram_threshold) {
    return kept
  }
  const count = columns.hosts.length
  const cpu = new Float64Array(count)
  const ram = new Float64Array(count)
  // Columns derived from others whose free capacities are known copy those of the rows they share.
  const origin = columns.origin
  const base = origin === undefined ? undefined : freeByColumns.get(origin.columns)
  const from =
    base !== undefined && base.cpuThreshold === params.cpu_threshold && base.ramThreshold === params.ram_threshold
      ? origin!.from
      : undefined
  let maxCpu = Number.NEGATIVE_INFINITY
  for (let r = 0; r < count; r++) {
    const b = from === undefined ? -1 : from[r]!
    if (b >= 0) {
      cpu[r] = base!.cpu[b]!
      ram[r] = base!.ram[b]!
    } else {
      cpu[r] = Math.trunc(params.cpu_threshold * columns.cpuMhz[r]! - columns.cpuUsedMhz[r]!)
      ram[r] = Math.trunc(params.ram_threshold * columns.ramMb[r]! - columns.ramUsedMb[r]!)
    }
    if (cpu[r]! > maxCpu) maxCpu = cpu[r]!
  }
  const free: FreeColumns = {
    cpuThreshold: params.cpu_threshold,
    ramThreshold: params.ram_threshold,
    cpu,
    ram,
    maxCpu,
    scanned: from === undefined ? 0 : base!.scanned,
    order: undefined,
    origin: undefined
  }
  if (from !== undefined && base!.order !== undefined) free.origin = { order: base!.order, from }
  else if (from !== undefined && base!.origin !== undefined) {
    // The columns before had their order pending too: rows are traced back to the order they wait on.
    const through = base!.origin.from
    const traced = new Int32Array(count)
    for (let r = 0; r < count; r++) traced[r] = from[r]! >= 0 ? through[from[r]!]! : -1
    free.origin = { order: base!.origin.order, from: traced }
  }
  freeByColumns.set(columns, free)
  return free
}

/** The key order of `free` derived from its origin's, which is then dropped. */
const orderFromOrigin = (free: FreeColumns, hosts: ReadonlyArray<{ readonly name: string }>): KeyOrder => {
  const origin = free.origin!
  free.origin = undefined
  free.order = derivedKeyOrder(free, origin.order, origin.from, hosts)
  return free.order
}

/** True when row a comes before row b in key order (free CPU, free RAM, name, row). */
const rowBefore = (
  free: FreeColumns,
  hosts: ReadonlyArray<{ readonly name: string }>,
  a: number,
  b: number
): boolean => {
  const byCpu = free.cpu[a]! - free.cpu[b]!
  if (byCpu !== 0) return byCpu < 0
  const byRam = free.ram[a]! - free.ram[b]!
  if (byRam !== 0) return byRam < 0
  const byName = compareCodePoints(hosts[a]!.name, hosts[b]!.name)
  return byName !== 0 ? byName < 0 : a < b
}

/** Sorts the rows of `free` into their key order and builds the tree over their free RAM. */
const keyOrder = (free: FreeColumns, hosts: ReadonlyArray<{ readonly name: string }>): KeyOrder => {
  const count = free.cpu.length
  const rows = new Int32Array(count)
  for (let r = 0; r < count; r++) rows[r] = r
  const cpu = free.cpu
  const ram = free.ram
  // By the numbers first (a typed sort), then each run of equal numbers by name.
  rows.sort((a, b) => cpu[a]! - cpu[b]! || ram[a]! - ram[b]! || a - b)
  for (let start = 0; start < count; ) {
    let end = start + 1
    const first = rows[start]!
    while (end < count && cpu[rows[end]!] === cpu[first] && ram[rows[end]!] === ram[first]) end++
    if (end - start > 1) {
      rows.subarray(start, end).sort((a, b) => compareCodePoints(hosts[a]!.name, hosts[b]!.name) || a - b)
    }
    start = end
  }
  const order = orderOf(free, rows)
  free.order = order
  return order
}

/**
 * The key order of columns derived from others (`from`, as `ColumnsOrigin` says) out of theirs:
 * the shared rows keep their relative order (their keys are the same, and the rows' renumbering
 * keeps their order), the few rows read afresh are merged in by comparison. The same order as
 * sorting all rows.
 */
const derivedKeyOrder = (
  free: FreeColumns,
  base: KeyOrder,
  from: Int32Array,
  hosts: ReadonlyArray<{ readonly name: string }>
): KeyOrder => {
  const count = from.length
  const toNew = new Int32Array(base.rows.length).fill(-1)
  const fresh: Array<number> = []
  for (let r = 0; r < count; r++) {
    const b = from[r]!
    if (b >= 0) toNew[b] = r
    else fresh.push(r)
  }
  fresh.sort((a, b) => (rowBefore(free, hosts, a, b) ? -1 : 1))
  const rows = new Int32Array(count)
  let n = 0
  let f = 0
  for (let p = 0; p < base.rows.length; p++) {
    const r = toNew[base.rows[p]!]!
    if (r < 0) continue
    while (f < fresh.length && rowBefore(free, hosts, fresh[f]!, r)) rows[n++] = fresh[f++]!
    rows[n++] = r
  }
  while (f < fresh.length) rows[n++] = fresh[f++]!
  return orderOf(free, rows)
}

/** The key order of `free` given its rows sorted: their free CPU, positions and the tree over free RAM. */
const orderOf = (free: FreeColumns, rows: Int32Array): KeyOrder => {
  const count = rows.length
  let leaves = 1
  while (leaves < count) leaves *= 2
  const sortedCpu = new Float64Array(count)
  const position = new Int32Array(count)
  const tree = new Float64Array(2 * leaves).fill(Number.NEGATIVE_INFINITY)
  for (let p = 0; p < count; p++) {
    const r = rows[p]!
    sortedCpu[p] = free.cpu[r]!
    position[r] = p
    tree[leaves + p] = free.ram[r]!
  }
  for (let node = leaves - 1; node >= 1; node--) tree[node] = Math.max(tree[2 * node]!, tree[2 * node + 1]!)
  return { rows, cpu: sortedCpu, position, tree, leaves }
}

/** The first position in `sorted` (ascending) whose value is at least `cpu`. */
const firstAtLeast = (sorted: Float64Array, cpu: number): number => {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (sorted[middle]! >= cpu) high = middle
    else low = middle + 1
  }
  return low
}

/** The first position from `from` whose leaf is at least `ram`, or -1. */
const firstWithRam = (order: KeyOrder, from: number, ram: number): number => {
  const tree = order.tree
  if (from >= order.leaves) return -1
  // Climb from the leaf while the rest of the current subtree lacks room, then descend.
  let node = order.leaves + from
  if (tree[node]! >= ram) return from
  for (;;) {
    // Move to the next subtree to the right: up while a right child, then across.
    while ((node & 1) === 1) {
      node >>= 1
      if (node === 0) return -1
    }
    node++
    if (tree[node]! >= ram) break
  }
  while (node < order.leaves) node = tree[2 * node]! >= ram ? 2 * node : 2 * node + 1
  return node - order.leaves
}

/** Sets a row's leaf (its free RAM, or −∞ to leave it out) and the maxima above it. */
const setLeaf = (order: KeyOrder, row: number, value: number): void => {
  const tree = order.tree
  let node = order.leaves + order.position[row]!
  tree[node] = value
  for (node >>= 1; node >= 1; node >>= 1) tree[node] = Math.max(tree[2 * node]!, tree[2 * node + 1]!)
}

let scratchTaken = new Uint8Array(0)

/** One flag per row, all clear (whoever sets flags clears them before returning). */
const takenFlags = (rows: number): Uint8Array => {
  if (scratchTaken.length < rows) scratchTaken = new Uint8Array(Math.max(rows, 2 * scratchTaken.length))
  return scratchTaken
}

/**
 * Best fit decreasing over active hosts given as columns (no host to wake), VMs in `vmOrder`:
 * the keys are the free capacities kept with the columns; a row that has taken a VM is flagged
 * and its remaining capacity kept in scratch space, so a request copies nothing per host. The
 * same choices as the general procedure below, on rows instead of positions in `hosts` (the row
 * left out is skipped; the rows keep the hosts' order). Once the columns have served a few
 * placements, the rows that took nothing are searched in key order (`keyOrder`, built once per
 * columns) instead of in a pass over them all.
 */
const placeOnColumns = (
  params: BestFitDecreasingParams,
  columnar: ColumnarHosts,
  vms: PlacementInput["vms"],
  vmOrder: ReadonlyArray<number>,
  vmCpu: Float64Array
): Placement | undefined => {
  const key = freeColumns(params, columnar.columns)
  const rows = key.cpu.length
  const skip = columnar.skip
  const hosts = columnar.columns.hosts
  const vmCount = vmOrder.length
  // A VM needing more CPU than any host had fits nowhere (many requests to empty a host end here).
  if (vmCount > 0 && !(key.maxCpu >= vmCpu[vmOrder[0]!]!)) return undefined
  const keyCpu = key.cpu
  const keyRam = key.ram
  /** True when row a comes before row b (equal keys: the earlier row, as a stable sort keeps them). */
  const before = (a: number, b: number): boolean => {
    const byCpu = keyCpu[a]! - keyCpu[b]!
    if (byCpu !== 0) return byCpu < 0
    const byRam = keyRam[a]! - keyRam[b]!
    if (byRam !== 0) return byRam < 0
    const byName = compareCodePoints(hosts[a]!.name, hosts[b]!.name)
    return byName !== 0 ? byName < 0 : a < b
  }
  key.scanned += rows * vmCount
  const order =
    key.order ??
    (key.origin !== undefined
      ? orderFromOrigin(key, hosts)
      : key.scanned > sortingWork * rows * Math.log2(rows + 1)
        ? keyOrder(key, hosts)
        : undefined)
  const buffers = scratch(rows)
  const freeCpu = buffers.values.subarray(0, rows)
  const freeRam = buffers.values.subarray(rows, 2 * rows)
  const taken = takenFlags(rows)
  const takenRows: Array<number> = []
  if (order !== undefined && skip >= 0) setLeaf(order, skip, Number.NEGATIVE_INFINITY)
  try {
    const placed: Array<[string, string]> = []
    for (let k = 0; k < vmCount; k++) {
      const v = vmOrder[k]!
      const cpu = vmCpu[v]!
      const ram = vms[v]!.ramMb
      let target = -1
      if (order === undefined) {
        for (let r = 0; r < rows; r++) {
          if (r === skip) continue
          const fits =
            taken[r] === 0 ? keyCpu[r]! >= cpu && keyRam[r]! >= ram : freeCpu[r]! >= cpu && freeRam[r]! >= ram
          if (fits && (target < 0 || before(r, target))) target = r
        }
      } else {
        // The rows that took no VM yet offer their keys: the first in key order with room is the
        // smallest key that fits. The rows that took one (a few) are compared with it one by one.
        const at = firstWithRam(order, firstAtLeast(order.cpu, cpu), ram)
        if (at >= 0) target = order.rows[at]!
        for (let i = 0; i < takenRows.length; i++) {
          const r = takenRows[i]!
          if (freeCpu[r]! >= cpu && freeRam[r]! >= ram && (target < 0 || before(r, target))) target = r
        }
      }
      if (target < 0) return undefined
      if (taken[target] === 0) {
        taken[target] = 1
        takenRows.push(target)
        freeCpu[target] = keyCpu[target]!
        freeRam[target] = keyRam[target]!
        if (order !== undefined) setLeaf(order, target, Number.NEGATIVE_INFINITY)
      }
      freeCpu[target] = freeCpu[target]! - cpu
      freeRam[target] = freeRam[target]! - ram
      placed.push([vms[v]!.uuid, hosts[target]!.name])
    }
    return Object.fromEntries(placed)
  } finally {
    for (const r of takenRows) {
      taken[r] = 0
      if (order !== undefined) setLeaf(order, r, keyRam[r]!)
    }
    if (order !== undefined && skip >= 0) setLeaf(order, skip, keyRam[skip]!)
  }
}

/** Places every VM of `input`, or returns `undefined` when they do not all fit. */
export const bestFitDecreasing = (params: BestFitDecreasingParams, input: PlacementInput): Placement | undefined => {
  const { inactiveHosts, vms } = input
  const vmCount = vms.length

  const vmCpu = new Float64Array(vmCount)
  const vmOrder: Array<number> = new Array(vmCount)
  for (let v = 0; v < vmCount; v++) {
    vmCpu[v] = meanOfLast(vms[v]!.cpuMhz, params.last_n_vm_cpu)
    vmOrder[v] = v
  }
  vmOrder.sort((a, b) => {
    const byCpu = vmCpu[b]! - vmCpu[a]!
    if (byCpu !== 0) return byCpu
    const byRam = vms[b]!.ramMb - vms[a]!.ramMb
    return byRam !== 0 ? byRam : compareCodePoints(vms[b]!.uuid, vms[a]!.uuid)
  })

  // Active hosts given as columns and none to wake (every request to empty a host): no list of
  // hosts is built and no host object read.
  const columnar = placementColumnsOf(input)
  if (columnar !== undefined && inactiveHosts.length === 0) return placeOnColumns(params, columnar, vms, vmOrder, vmCpu)
  const hosts = input.hosts
  const activeCount = hosts.length
  const hostCount = activeCount + inactiveHosts.length

  // Host h < activeCount is hosts[h], otherwise inactiveHosts[h - activeCount]. The per-host
  // arrays are views of one scratch buffer reused across calls (a placement runs per request).
  const nameOf = (h: number): string => (h < activeCount ? hosts[h]! : inactiveHosts[h - activeCount]!).name
  const buffers = scratch(hostCount)
  /** `before` (below) while the keys are still the free capacities of the active hosts. */
  const freeBefore = (a: number, b: number): boolean => {
    const byCpu = freeCpu[a]! - freeCpu[b]!
    if (byCpu !== 0) return byCpu < 0
    const byRam = freeRam[a]! - freeRam[b]!
    if (byRam !== 0) return byRam < 0
    const byName = compareCodePoints(nameOf(a), nameOf(b))
    return byName !== 0 ? byName < 0 : a < b
  }
  const freeCpu = buffers.values.subarray(0, hostCount)
  const freeRam = buffers.values.subarray(hostCount, 2 * hostCount)
  // Before any placement the keys are the free capacities, so the pass that computes them also
  // finds the first VM's host (the same comparisons as the scan below would make).
  const firstCpu = vmCount === 0 ? 0 : vmCpu[vmOrder[0]!]!
  const firstRam = vmCount === 0 ? 0 : vms[vmOrder[0]!]!.ramMb
  let firstTarget = -1
  for (let h = 0; h < activeCount; h++) {
    const host = hosts[h]!
    const cpu = Math.trunc(params.cpu_threshold * host.cpuMhz - host.cpuUsedMhz)
    const ram = Math.trunc(params.ram_threshold * host.ramMb - host.ramUsedMb)
    freeCpu[h] = cpu
    freeRam[h] = ram
    if (cpu >= firstCpu && ram >= firstRam && (firstTarget < 0 || freeBefore(h, firstTarget))) firstTarget = h
  }
  // No active host takes the largest VM and none can be woken: nothing fits (most requests to
  // empty a host end here).
  if (vmCount > 0 && firstTarget < 0 && inactiveHosts.length === 0) return undefined
  for (let i = 0; i < inactiveHosts.length; i++) {
    const host = inactiveHosts[i]!
    const h = activeCount + i
    freeCpu[h] = params.threshold_inactive_hosts
      ? Math.trunc(params.cpu_threshold * host.cpuMhz - host.cpuUsedMhz)
      : host.cpuMhz - host.cpuUsedMhz
    freeRam[h] = params.threshold_inactive_hosts
      ? Math.trunc(params.ram_threshold * host.ramMb - host.ramUsedMb)
      : host.ramMb - host.ramUsedMb
  }
  // The order of hosts is by their capacities before any placement (the keys), never revised as
  // hosts fill: the host a VM goes to is the one with the smallest key among those it fits on.
  // A scan for that minimum gives the first fitting host of the sorted order without sorting.
  const keyCpu = buffers.values.subarray(2 * hostCount, 3 * hostCount)
  const keyRam = buffers.values.subarray(3 * hostCount, 4 * hostCount)
  keyCpu.set(freeCpu)
  keyRam.set(freeRam)
  const byKey = (a: number, b: number): number => {
    const byCpu = keyCpu[a]! - keyCpu[b]!
    if (byCpu !== 0) return byCpu
    const byRam = keyRam[a]! - keyRam[b]!
    return byRam !== 0 ? byRam : compareCodePoints(nameOf(a), nameOf(b))
  }
  /** True when host a comes before host b (equal keys: the earlier host, as a stable sort keeps them). */
  const before = (a: number, b: number): boolean => {
    const byCpu = keyCpu[a]! - keyCpu[b]!
    if (byCpu !== 0) return byCpu < 0
    const byRam = keyRam[a]! - keyRam[b]!
    if (byRam !== 0) return byRam < 0
    const byName = compareCodePoints(nameOf(a), nameOf(b))
    return byName !== 0 ? byName < 0 : a < b
  }

  // Hosts that may receive VMs: the active ones, then the inactive ones as they are woken.
  const candidates = buffers.hosts
  for (let h = 0; h < activeCount; h++) candidates[h] = h
  let candidateCount = activeCount
  let waiting: Int32Array | undefined
  let nextWaiting = 0

  const placed: Array<[string, string]> = []
  for (let k = 0; k < vmCount; k++) {
    const v = vmOrder[k]!
    const cpu = vmCpu[v]!
    const ram = vms[v]!.ramMb
    let target = -1
    if (k === 0) target = firstTarget
    else {
      for (let i = 0; i < candidateCount; i++) {
        const h = candidates[i]!
        if (freeCpu[h]! >= cpu && freeRam[h]! >= ram && (target < 0 || before(h, target))) target = h
      }
    }
    // No candidate fits: wake inactive hosts in key order until one does (the others still do not).
    while (target < 0) {
      if (waiting === undefined) {
        waiting = new Int32Array(hostCount - activeCount)
        for (let i = 0; i < waiting.length; i++) waiting[i] = activeCount + i
        waiting.sort(byKey)
      }
      if (nextWaiting === waiting.length) return undefined
      const woken = waiting[nextWaiting++]!
      candidates[candidateCount++] = woken
      if (freeCpu[woken]! >= cpu && freeRam[woken]! >= ram) target = woken
    }
    freeCpu[target] = freeCpu[target]! - cpu
    freeRam[target] = freeRam[target]! - ram
    placed.push([vms[v]!.uuid, nameOf(target)])
  }
  return Object.fromEntries(placed)
}

export const bestFitDecreasingPlacer = (params: BestFitDecreasingParams): VmPlacer<NoState> => ({
  initialState: noState,
  place: (input, state) => [bestFitDecreasing(params, input), state]
})
