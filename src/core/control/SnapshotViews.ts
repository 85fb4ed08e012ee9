/**
 * What planning derives from a snapshot: each host's view (its known VMs, whether they all have
 * data, what it offers a placement) and the hosts a placement may use. A snapshot never changes, so
 * these are kept beside it; a snapshot made from another by a few changes (an execution, fresh
 * histories of the VMs to place) takes the other's views and rebuilds only the hosts it touched.
 */
import {
  derivedPlacementColumns,
  type PlacementColumns,
  placementColumns
} from "../../algorithms/placement/placementColumns.js"
import type { PlacementHost } from "../../algorithms/types.js"
import type { HostState } from "../Host.js"
import { hostCpuMhz } from "../Host.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"
import { usableCpuMhz } from "./HostUtilization.js"

export interface HostView {
  readonly host: HostState
  /** Its position in `snapshot.hosts`. */
  readonly index: number
  /** VMs present in the snapshot, in the host's order. */
  readonly vms: ReadonlyArray<string>
  /** Every VM has at least one CPU sample (and every VM the host lists is known). */
  readonly hasData: boolean
  /** The host lists no VM at all. */
  readonly empty: boolean
  /**
   * The host as a placement target and offered empty (woken or idle), built on first use for
   * `targetsUsable` (`hostCpuUsableByVms`). A view carried into a later snapshot is shared with it:
   * its inputs are the same there.
   */
  target: PlacementHost | undefined
  emptyTarget: PlacementHost | undefined
  targetsUsable: number
}

/** The hosts a placement may use, for one `hostCpuUsableByVms` and set of untouchable hosts. */
export interface PlacementCandidates {
  readonly hostCpuUsableByVms: number
  readonly untouchableHosts: ReadonlySet<string> | undefined
  /** Active hosts with VMs, all with data: where VMs go first. */
  readonly targets: ReadonlyArray<PlacementHost>
  /** The position in `snapshot.hosts` of each of `targets` (ascending). */
  readonly targetIndex: Int32Array
  /** Active hosts without VMs, in the snapshot's order. */
  readonly idle: ReadonlyArray<string>
  /** The position in `snapshot.hosts` of each of `idle` (ascending). */
  readonly idleIndex: Int32Array
  /**
   * Hosts an overload may wake or fill from empty: suspended ones and active empty ones, offered
   * empty (the suspended ones are those not in `idle`; `roleInSnapshot` tells a host's role).
   */
  readonly inactive: ReadonlyArray<PlacementHost>
  /** The position in `snapshot.hosts` of each of `inactive` (ascending). */
  readonly inactiveIndex: Int32Array
  /** `inactive` and `inactiveIndex` with the changes not yet applied to them. */
  readonly inactiveList: PendingList<PlacementHost>
  /** `targets` as columns, built on first use (`targetColumns`) or carried from the snapshot before. */
  columns: PlacementColumns | undefined
}

/** The candidates' targets as columns, built once per candidates. */
export const targetColumns = (candidates: PlacementCandidates): PlacementColumns => {
  candidates.columns ??= placementColumns(candidates.targets)
  return candidates.columns
}

/** The position of `hostIndex` in an ascending list of host positions, -1 when it is not there. */
export const positionOf = (indices: Int32Array, hostIndex: number): number => {
  let low = 0
  let high = indices.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (indices[middle]! < hostIndex) low = middle + 1
    else high = middle
  }
  return low < indices.length && indices[low] === hostIndex ? low : -1
}

/** What a host is to a placement: a target, offered empty (idle or suspended), or nothing. */
export type Role = "target" | "idle" | "suspended" | "none"

const roleOf = (view: HostView, untouchableHosts: ReadonlySet<string> | undefined): Role => {
  const power = view.host.power
  if (power !== "active" && power !== "suspended") return "none"
  if (untouchableHosts?.has(view.host.name) === true) return "none"
  if (power === "suspended") return "suspended"
  if (view.empty) return "idle"
  return view.hasData ? "target" : "none"
}

export interface SnapshotViews {
  /** Host name → position in `snapshot.hosts`. */
  readonly index: ReadonlyMap<string, number>
  readonly views: HostViews
  candidates: PlacementCandidates | undefined
}

/**
 * Each host's view by position: a list shared along a chain of snapshots and the views of the
 * hosts changed since, so that an execution does not copy one entry per host of the data centre.
 * The changes are folded into a new list once they outnumber four plus √hosts.
 */
export interface HostViews {
  readonly list: ReadonlyArray<HostView>
  readonly changed: ReadonlyMap<number, HostView> | undefined
}

const viewAt = (views: HostViews, i: number): HostView => views.changed?.get(i) ?? views.list[i]!

/** `views` with the views of `changes` (by position) in place of theirs. */
const withViews = (views: HostViews, changes: ReadonlyArray<HostView>): HostViews => {
  const changed = new Map(views.changed)
  for (const view of changes) changed.set(view.index, view)
  if (changed.size <= 4 + Math.sqrt(views.list.length)) return { list: views.list, changed }
  const list = views.list.slice()
  changed.forEach((view, i) => {
    list[i] = view
  })
  return { list, changed: undefined }
}

const derived = new WeakMap<CloudSnapshot, SnapshotViews>()

const viewOf = (snapshot: CloudSnapshot, host: HostState, index: number): HostView => {
  const vms = host.vms.filter((uuid) => snapshot.vms.has(uuid))
  let hasData = vms.length === host.vms.length
  for (let i = 0; hasData && i < vms.length; i++) hasData = (snapshot.vmCpuMhz.get(vms[i]!)?.length ?? 0) > 0
  return {
    host,
    index,
    vms,
    hasData,
    empty: host.vms.length === 0,
    target: undefined,
    emptyTarget: undefined,
    targetsUsable: Number.NaN
  }
}

/** The last index built, with the names it was built from: a cloud's hosts rarely change between rounds. */
let lastIndex: { readonly names: ReadonlyArray<string>; readonly index: ReadonlyMap<string, number> } | undefined

/** Host name → position, shared with the snapshots before while the hosts' names and order stay the same. */
const indexOf = (hosts: ReadonlyArray<HostState>): ReadonlyMap<string, number> => {
  const kept = lastIndex
  if (kept !== undefined && kept.names.length === hosts.length) {
    let same = true
    for (let i = 0; same && i < hosts.length; i++) same = hosts[i]!.name === kept.names[i]
    if (same) return kept.index
  }
  const names: Array<string> = new Array(hosts.length)
  const index = new Map<string, number>()
  for (let i = 0; i < hosts.length; i++) {
    names[i] = hosts[i]!.name
    index.set(names[i]!, i)
  }
  lastIndex = { names, index }
  return index
}

/** The views of `snapshot`, built on first use. */
export const snapshotViews = (snapshot: CloudSnapshot): SnapshotViews => {
  let views = derived.get(snapshot)
  if (views === undefined) {
    const index = indexOf(snapshot.hosts)
    const list: Array<HostView> = new Array(snapshot.hosts.length)
    for (let i = 0; i < snapshot.hosts.length; i++) list[i] = viewOf(snapshot, snapshot.hosts[i]!, i)
    views = { index, views: { list, changed: undefined }, candidates: undefined }
    derived.set(snapshot, views)
  }
  return views
}

/** The position of the host named `name` in `snapshot.hosts`, if the snapshot has it. */
export const hostIndex = (snapshot: CloudSnapshot, name: string): number | undefined =>
  snapshotViews(snapshot).index.get(name)

/** What the host named `name` is to a placement in `snapshot` (`none` when the snapshot lacks it). */
export const roleInSnapshot = (
  snapshot: CloudSnapshot,
  name: string,
  untouchableHosts: ReadonlySet<string> | undefined
): Role => {
  const view = hostView(snapshot, name)
  return view === undefined ? "none" : roleOf(view, untouchableHosts)
}

/** The view of the host named `name`, if the snapshot has it. */
export const hostView = (snapshot: CloudSnapshot, name: string): HostView | undefined => {
  const views = snapshotViews(snapshot)
  const index = views.index.get(name)
  return index === undefined ? undefined : viewAt(views.views, index)
}

/**
 * Gives `child`, which is `parent` with changes confined to `touchedHosts` (same hosts in the same
 * order; other hosts' VMs, histories and own use unchanged), the parent's views with those hosts
 * rebuilt. Does nothing when the parent's views were never built. The parent's placement
 * candidates carry over too, with only the touched hosts' entries rebuilt and moved between the
 * lists when their role changed (a host emptied and suspended, a host woken): a data centre of
 * thousands of hosts is not walked again after each execution.
 */
export const carryViews = (parent: CloudSnapshot, child: CloudSnapshot, touchedHosts: Iterable<string>): void => {
  const from = derived.get(parent)
  if (from === undefined || derived.has(child) || child.hosts.length !== parent.hosts.length) return
  const rebuilt: Array<HostView> = []
  for (const name of touchedHosts) {
    const i = from.index.get(name)
    if (i === undefined) continue
    const host = child.hosts[i]!
    if (host.name !== name) return
    rebuilt.push(viewOf(child, host, i))
  }
  const views = withViews(from.views, rebuilt)
  const into: SnapshotViews = { index: from.index, views, candidates: undefined }
  derived.set(child, into)
  const candidates = from.candidates
  if (candidates === undefined) return
  rebuilt.sort((a, b) => a.index - b.index)
  into.candidates = carriedCandidates(child, candidates, from.views, rebuilt)
}

/** One list of candidates with the touched hosts' entries replaced, dropped or added, in host order. */
interface Merged<A> {
  readonly items: ReadonlyArray<A>
  readonly index: Int32Array
  /** For each entry, its position in the list before, or -1 for an entry of a touched host. */
  readonly from: Int32Array | undefined
}

/**
 * `items` (at host positions `index`, ascending) with the entries of the `touched` hosts (ascending)
 * replaced by `entry(i)`, or dropped when it is undefined. The same list when no touched host is or
 * becomes a member.
 */
const merged = <A>(
  items: ReadonlyArray<A>,
  index: Int32Array,
  touched: ReadonlyArray<number>,
  entry: (i: number) => A | undefined,
  withFrom: boolean
): Merged<A> => {
  const entries: Array<A | undefined> = touched.map(entry)
  let removed = 0
  let added = 0
  for (let t = 0; t < touched.length; t++) {
    if (positionOf(index, touched[t]!) >= 0) removed++
    if (entries[t] !== undefined) added++
  }
  if (removed === 0 && added === 0) return { items, index, from: undefined }
  // The runs between touched hosts are copied whole (slices and one concatenation copy packed
  // arrays as blocks: these lists can hold tens of thousands of hosts).
  const count = items.length - removed + added
  const parts: Array<ReadonlyArray<A>> = []
  const outIndex = new Int32Array(count)
  const from = withFrom ? new Int32Array(count) : undefined
  let p = 0
  let n = 0
  for (let t = 0; t <= touched.length; t++) {
    const start = p
    if (t < touched.length) {
      const i = touched[t]!
      while (p < items.length && index[p]! < i) p++
    } else p = items.length
    if (p > start) {
      parts.push(items.slice(start, p))
      outIndex.set(index.subarray(start, p), n)
      if (from !== undefined) for (let k = start; k < p; k++) from[n + k - start] = k
      n += p - start
    }
    if (t === touched.length) break
    const i = touched[t]!
    if (p < items.length && index[p] === i) p++
    const entry = entries[t]
    if (entry !== undefined) {
      parts.push([entry])
      outIndex[n] = i
      if (from !== undefined) from[n] = -1
      n++
    }
  }
  const out: ReadonlyArray<A> = parts.length === 1 ? parts[0]! : ([] as Array<A>).concat(...parts)
  return { items: out, index: outIndex, from }
}

/**
 * A list of candidates in host order (`merged`'s) with changes by host position still to apply:
 * `with` takes a few changes in constant time (up to four plus √entries pending), `items` and
 * `index` apply them once, on first read.
 */
export class PendingList<A> {
  private applied: Merged<A> | undefined

  constructor(
    private readonly base: ReadonlyArray<A>,
    private readonly baseIndex: Int32Array,
    private readonly pending: ReadonlyMap<number, A | undefined>
  ) {
    this.applied = pending.size === 0 ? { items: base, index: baseIndex, from: undefined } : undefined
  }

  private apply(): Merged<A> {
    if (this.applied === undefined) {
      const touched = [...this.pending.keys()].sort((a, b) => a - b)
      this.applied = merged(this.base, this.baseIndex, touched, (i) => this.pending.get(i), false)
    }
    return this.applied
  }

  items(): ReadonlyArray<A> {
    return this.apply().items
  }

  index(): Int32Array {
    return this.apply().index
  }

  /** The list with each host's entry replaced by the one given (undefined: none). */
  with(changes: ReadonlyArray<readonly [number, A | undefined]>): PendingList<A> {
    if (this.applied !== undefined) return new PendingList(this.applied.items, this.applied.index, new Map(changes))
    const pending = new Map(this.pending)
    for (const [i, entry] of changes) pending.set(i, entry)
    const next = new PendingList(this.base, this.baseIndex, pending)
    if (pending.size > 4 + Math.sqrt(this.base.length)) next.apply()
    return next
  }
}

/** The parent's candidates for `child`: the touched hosts (ascending positions) rebuilt, the rest shared. */
const carriedCandidates = (
  child: CloudSnapshot,
  candidates: PlacementCandidates,
  before: HostViews,
  rebuilt: ReadonlyArray<HostView>
): PlacementCandidates => {
  const usable = candidates.hostCpuUsableByVms
  const untouchable = candidates.untouchableHosts
  const touched = rebuilt.map((view) => view.index)
  const roles: Array<Role> = []
  for (const view of rebuilt) {
    const old = viewAt(before, view.index)
    view.targetsUsable = usable
    view.target = undefined
    // Offered-empty entries depend on the host's capacity only, which an execution does not change.
    view.emptyTarget = old.targetsUsable === usable ? old.emptyTarget : undefined
    const role = roleOf(view, untouchable)
    if (role === "target") view.target = targetOf(child, view, usable)
    else if (role !== "none") view.emptyTarget ??= emptyTargetOf(view, usable)
    roles.push(role)
  }
  const at = (i: number): number => touched.indexOf(i)
  const roleAt = (i: number): Role => roles[at(i)]!
  const views = { get: (i: number): HostView => rebuilt[at(i)]! }
  const targets = merged(
    candidates.targets,
    candidates.targetIndex,
    touched,
    (i) => (roleAt(i) === "target" ? views.get(i).target : undefined),
    candidates.columns !== undefined
  )
  const idle = merged(
    candidates.idle,
    candidates.idleIndex,
    touched,
    (i) => (roleAt(i) === "idle" ? views.get(i).host.name : undefined),
    false
  )
  // Only an overload reads the inactive hosts (most of a large data centre): their list takes
  // the changes now and is rebuilt when read.
  const inactive = candidates.inactiveList.with(
    touched.map((i) => {
      const role = roleAt(i)
      return [i, role === "idle" || role === "suspended" ? views.get(i).emptyTarget : undefined] as const
    })
  )
  return {
    hostCpuUsableByVms: usable,
    untouchableHosts: untouchable,
    targets: targets.items,
    targetIndex: targets.index,
    idle: idle.items,
    idleIndex: idle.index,
    inactiveList: inactive,
    get inactive() {
      return inactive.items()
    },
    get inactiveIndex() {
      return inactive.index()
    },
    columns:
      targets.items === candidates.targets
        ? candidates.columns
        : candidates.columns === undefined || targets.from === undefined
          ? undefined
          : derivedPlacementColumns(candidates.columns, targets.items, targets.from)
  }
}

/** The latest CPU sample of a history, 0 when there is none. */
const lastSample = (history: ReadonlyArray<number> | undefined): number =>
  history === undefined || history.length === 0 ? 0 : history[history.length - 1]!

/** The host as a placement target: capacity for VMs, and the latest use of its VMs and itself. */
const targetOf = (snapshot: CloudSnapshot, view: HostView, usable: number): PlacementHost => {
  let cpuUsedMhz = snapshot.hostOwnMhz.get(view.host.name) ?? 0
  let ramUsedMb = 0
  for (const uuid of view.vms) {
    cpuUsedMhz += lastSample(snapshot.vmCpuMhz.get(uuid))
    ramUsedMb += snapshot.vms.get(uuid)?.ramMb ?? 0
  }
  return {
    name: view.host.name,
    cpuMhz: usableCpuMhz(hostCpuMhz(view.host), usable),
    cpuUsedMhz,
    ramMb: view.host.ramMb,
    ramUsedMb
  }
}

const emptyTargetOf = (view: HostView, usable: number): PlacementHost => ({
  name: view.host.name,
  cpuMhz: usableCpuMhz(hostCpuMhz(view.host), usable),
  cpuUsedMhz: 0,
  ramMb: view.host.ramMb,
  ramUsedMb: 0
})

/**
 * The hosts a placement may use in `snapshot`, the source host included (each plan leaves its own
 * out). Built once per snapshot and options, from the views' cached targets.
 */
export const placementCandidates = (
  snapshot: CloudSnapshot,
  hostCpuUsableByVms: number,
  untouchableHosts: ReadonlySet<string> | undefined
): PlacementCandidates => {
  const views = snapshotViews(snapshot)
  const cached = views.candidates
  if (
    cached !== undefined &&
    cached.hostCpuUsableByVms === hostCpuUsableByVms &&
    cached.untouchableHosts === untouchableHosts
  ) {
    return cached
  }
  const targets: Array<PlacementHost> = []
  const targetIndex: Array<number> = []
  const idle: Array<string> = []
  const idleIndex: Array<number> = []
  const inactive: Array<PlacementHost> = []
  const inactiveIndex: Array<number> = []
  for (let i = 0; i < views.views.list.length; i++) {
    const view = viewAt(views.views, i)
    if (view.targetsUsable !== hostCpuUsableByVms) {
      view.target = undefined
      view.emptyTarget = undefined
      view.targetsUsable = hostCpuUsableByVms
    }
    const role = roleOf(view, untouchableHosts)
    if (role === "target") {
      view.target ??= targetOf(snapshot, view, hostCpuUsableByVms)
      targets.push(view.target)
      targetIndex.push(view.index)
    } else if (role !== "none") {
      view.emptyTarget ??= emptyTargetOf(view, hostCpuUsableByVms)
      inactive.push(view.emptyTarget)
      inactiveIndex.push(view.index)
      if (role === "idle") {
        idle.push(view.host.name)
        idleIndex.push(view.index)
      }
    }
  }
  const inactivePositions = Int32Array.from(inactiveIndex)
  const candidates: PlacementCandidates = {
    hostCpuUsableByVms,
    untouchableHosts,
    targets,
    targetIndex: Int32Array.from(targetIndex),
    idle,
    idleIndex: Int32Array.from(idleIndex),
    inactive,
    inactiveIndex: inactivePositions,
    inactiveList: new PendingList(inactive, inactivePositions, new Map()),
    columns: undefined
  }
  views.candidates = candidates
  return candidates
}
