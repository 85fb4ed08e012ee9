/**
 * What planning derives from a snapshot: each host's view (its known VMs, whether they all have
 * data, what it offers a placement) and the hosts a placement may use. A snapshot never changes, so
 * these are kept beside it; a snapshot made from another by a few changes (an execution, fresh
 * histories of the VMs to place) takes the other's views and rebuilds only the hosts it touched.
 */
import { type PlacementColumns, placementColumns } from "../../algorithms/placement/placementColumns.js"
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
  /** Active hosts without VMs, in the snapshot's order. */
  readonly idle: ReadonlyArray<string>
  /**
   * Hosts an overload may wake or fill from empty: suspended ones and active empty ones, offered
   * empty (the suspended ones are those not in `idle`; `roleInSnapshot` tells a host's role).
   */
  readonly inactive: ReadonlyArray<PlacementHost>
  /** Each host's position in `targets` (by its position in `snapshot.hosts`), -1 when not a target. */
  readonly targetPosition: Int32Array
  /** `targets` as columns, built on first use (`targetColumns`). */
  columns: PlacementColumns | undefined
}

/** The candidates' targets as columns, built once per candidates. */
export const targetColumns = (candidates: PlacementCandidates): PlacementColumns => {
  candidates.columns ??= placementColumns(candidates.targets)
  return candidates.columns
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
  readonly views: ReadonlyArray<HostView>
  candidates: PlacementCandidates | undefined
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

/** The views of `snapshot`, built on first use. */
export const snapshotViews = (snapshot: CloudSnapshot): SnapshotViews => {
  let views = derived.get(snapshot)
  if (views === undefined) {
    const index = new Map<string, number>()
    const list: Array<HostView> = new Array(snapshot.hosts.length)
    for (let i = 0; i < snapshot.hosts.length; i++) {
      const host = snapshot.hosts[i]!
      index.set(host.name, i)
      list[i] = viewOf(snapshot, host, i)
    }
    views = { index, views: list, candidates: undefined }
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
  return index === undefined ? undefined : views.views[index]
}

/**
 * Gives `child`, which is `parent` with changes confined to `touchedHosts` (same hosts in the same
 * order; other hosts' VMs, histories and own use unchanged), the parent's views with those hosts
 * rebuilt. Does nothing when the parent's views were never built. The parent's placement
 * candidates carry over too when no touched host changed its role (the usual case: VMs moved
 * between busy hosts, or fresh histories): only the touched targets are rebuilt.
 */
export const carryViews = (parent: CloudSnapshot, child: CloudSnapshot, touchedHosts: Iterable<string>): void => {
  const from = derived.get(parent)
  if (from === undefined || derived.has(child) || child.hosts.length !== parent.hosts.length) return
  const views = from.views.slice()
  const touched: Array<number> = []
  for (const name of touchedHosts) {
    const i = from.index.get(name)
    if (i === undefined) continue
    const host = child.hosts[i]!
    if (host.name !== name) return
    views[i] = viewOf(child, host, i)
    touched.push(i)
  }
  const into: SnapshotViews = { index: from.index, views, candidates: undefined }
  derived.set(child, into)
  const candidates = from.candidates
  if (candidates === undefined) return
  const usable = candidates.hostCpuUsableByVms
  for (const i of touched) {
    if (roleOf(views[i]!, candidates.untouchableHosts) !== roleOf(from.views[i]!, candidates.untouchableHosts)) return
  }
  let targets = candidates.targets
  for (const i of touched) {
    const position = candidates.targetPosition[i]!
    if (position < 0) continue
    if (targets === candidates.targets) targets = targets.slice()
    const view = views[i]!
    view.targetsUsable = usable
    view.target = targetOf(child, view, usable)
    ;(targets as Array<PlacementHost>)[position] = view.target
  }
  // Offered-empty entries depend on the host's capacity only, which an execution does not change.
  for (const i of touched) {
    const view = views[i]!
    if (view.targetsUsable !== usable) {
      view.targetsUsable = usable
      view.target = undefined
    }
    const before = from.views[i]!
    view.emptyTarget = before.targetsUsable === usable ? before.emptyTarget : undefined
  }
  into.candidates = {
    ...candidates,
    targets,
    columns: targets === candidates.targets ? candidates.columns : undefined
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
  const idle: Array<string> = []
  const inactive: Array<PlacementHost> = []
  const targetPosition = new Int32Array(views.views.length).fill(-1)
  for (const view of views.views) {
    if (view.targetsUsable !== hostCpuUsableByVms) {
      view.target = undefined
      view.emptyTarget = undefined
      view.targetsUsable = hostCpuUsableByVms
    }
    const role = roleOf(view, untouchableHosts)
    if (role === "target") {
      view.target ??= targetOf(snapshot, view, hostCpuUsableByVms)
      targetPosition[view.index] = targets.length
      targets.push(view.target)
    } else if (role !== "none") {
      view.emptyTarget ??= emptyTargetOf(view, hostCpuUsableByVms)
      inactive.push(view.emptyTarget)
      if (role === "idle") idle.push(view.host.name)
    }
  }
  const candidates = {
    hostCpuUsableByVms,
    untouchableHosts,
    targets,
    idle,
    inactive,
    targetPosition,
    columns: undefined
  }
  views.candidates = candidates
  return candidates
}
