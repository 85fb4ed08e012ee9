/**
 * The global manager's planning, as Neat's global manager does it, over a `CloudSnapshot`. Pure:
 * the placement algorithm's state goes in and comes out.
 *
 * - Underload: every VM of the host is placed on the other active hosts (never on a suspended one);
 *   if all fit, they migrate and the host is suspended; if not, no VM moves.
 * - Overload: the selected VMs are placed on the other active hosts, and on empty or suspended
 *   hosts when those do not suffice; suspended hosts the placement chose are woken first.
 * - Like Neat, an underload round also suspends active hosts that hold no VM.
 *
 * Edge cases: a VM without a CPU sample yet makes its host ineligible as a target, and a request
 * whose VMs lack data is dropped; VMs deleted meanwhile (or no longer on the host) are left out;
 * a host that vanished or is not active gets no plan.
 */
import type { PlacementHost, VmPlacer } from "../../algorithms/types.js"
import type { HostState } from "../Host.js"
import { hostCpuMhz } from "../Host.js"
import type { Migration, Placement, Plan } from "../Placement.js"
import { emptyPlan } from "../Placement.js"
import type { VmSample } from "../Vm.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"
import { usableCpuMhz } from "./HostUtilization.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

export interface PlanningOptions {
  /** Fraction of a host's CPU that VMs may use (Neat's `host_cpu_usable_by_vms`, 0-1). */
  readonly hostCpuUsableByVms: number
  /** Suspend active hosts without VMs during an underload round, as Neat does. */
  readonly suspendIdleHosts: boolean
  /** Hosts the placement is never offered and that are never suspended (operator exclusions, maintenance). */
  readonly untouchableHosts?: ReadonlySet<string> | undefined
}

export const defaultPlanningOptions: PlanningOptions = { hostCpuUsableByVms: 1, suspendIdleHosts: true }

/**
 * - `planned`: the plan is to be executed (it may hold only suspensions);
 * - `noFit`: the placement could not place every VM, nothing migrates;
 * - `noData`: a VM to place has no CPU sample yet, the request is dropped;
 * - `noVms`: none of the requested VMs is still on the host;
 * - `unknownHost` / `hostNotActive`: the host vanished or is not running;
 * - `invalidPlacement`: the algorithm chose a host it was not offered;
 * - `excluded`: the operator's exclusions forbid the plan (see `OperatorPolicy`);
 * - `deferred`: the cap on migrations per interval leaves no room for it now.
 */
export type PlanStatus =
  | "planned"
  | "noFit"
  | "noData"
  | "noVms"
  | "unknownHost"
  | "hostNotActive"
  | "invalidPlacement"
  | "excluded"
  | "deferred"

export interface PlanningResult {
  readonly status: PlanStatus
  /** Why, in words. */
  readonly detail: string
  readonly plan: Plan
  /** The placement the algorithm returned (empty when it did not run or found none). */
  readonly placement: Placement
  readonly placerState: unknown
  /** Summary of the placement input. */
  readonly inputs: {
    readonly activeHosts: number
    readonly inactiveHosts: number
    readonly vmsToPlace: ReadonlyArray<string>
  }
}

interface HostView {
  readonly host: HostState
  /** VMs present in the snapshot, in the host's order. */
  readonly vms: ReadonlyArray<string>
  /** Every VM has at least one CPU sample (and every VM the host lists is known). */
  readonly hasData: boolean
  /** The host lists no VM at all. */
  readonly empty: boolean
}

const buildViews = (snapshot: CloudSnapshot): Map<string, HostView> => {
  const views = new Map<string, HostView>()
  for (const host of snapshot.hosts) {
    const vms = host.vms.filter((uuid) => snapshot.vms.has(uuid))
    const hasData =
      vms.length === host.vms.length && vms.every((uuid) => (snapshot.vmCpuMhz.get(uuid)?.length ?? 0) > 0)
    views.set(host.name, { host, vms, hasData, empty: host.vms.length === 0 })
  }
  return views
}

/**
 * What an underload plan offers, for every source host at once: the active hosts with VMs and
 * data as placement targets, and the active empty hosts, in the snapshot's order.
 */
interface UnderloadCandidates {
  readonly hostCpuUsableByVms: number
  readonly untouchableHosts: ReadonlySet<string> | undefined
  readonly targets: ReadonlyArray<PlacementHost>
  readonly idle: ReadonlyArray<string>
}

/** Derived views of one snapshot. A snapshot is never modified (executions make a new one), so they are kept with it. */
interface SnapshotViews {
  readonly hosts: Map<string, HostView>
  underload: UnderloadCandidates | undefined
}

const derived = new WeakMap<CloudSnapshot, SnapshotViews>()

const snapshotViews = (snapshot: CloudSnapshot): SnapshotViews => {
  let views = derived.get(snapshot)
  if (views === undefined) {
    views = { hosts: buildViews(snapshot), underload: undefined }
    derived.set(snapshot, views)
  }
  return views
}

/** The hosts other than `name` (a plain copy loop: it runs for every underload request). */
const withoutHost = (hosts: ReadonlyArray<PlacementHost>, name: string): Array<PlacementHost> => {
  const out: Array<PlacementHost> = []
  for (let i = 0; i < hosts.length; i++) {
    const host = hosts[i]!
    if (host.name !== name) out.push(host)
  }
  return out
}

const viewHosts = (snapshot: CloudSnapshot): Map<string, HostView> => snapshotViews(snapshot).hosts

const underloadCandidates = (snapshot: CloudSnapshot, options: PlanningOptions): UnderloadCandidates => {
  const views = snapshotViews(snapshot)
  const cached = views.underload
  if (
    cached !== undefined &&
    cached.hostCpuUsableByVms === options.hostCpuUsableByVms &&
    cached.untouchableHosts === options.untouchableHosts
  ) {
    return cached
  }
  const targets: Array<PlacementHost> = []
  const idle: Array<string> = []
  for (const view of views.hosts.values()) {
    if (view.host.power !== "active") continue
    if (options.untouchableHosts?.has(view.host.name) === true) continue
    if (view.empty) idle.push(view.host.name)
    else if (view.hasData) targets.push(placementHost(snapshot, view, options, false))
  }
  const candidates = {
    hostCpuUsableByVms: options.hostCpuUsableByVms,
    untouchableHosts: options.untouchableHosts,
    targets,
    idle
  }
  views.underload = candidates
  return candidates
}

const lastSample = (history: ReadonlyArray<number> | undefined): number =>
  history === undefined || history.length === 0 ? 0 : history[history.length - 1]!

const placementHost = (
  snapshot: CloudSnapshot,
  view: HostView,
  options: PlanningOptions,
  empty: boolean
): PlacementHost => {
  let cpuUsedMhz = empty ? 0 : (snapshot.hostOwnMhz.get(view.host.name) ?? 0)
  let ramUsedMb = 0
  if (!empty) {
    for (const uuid of view.vms) {
      cpuUsedMhz += lastSample(snapshot.vmCpuMhz.get(uuid))
      ramUsedMb += snapshot.vms.get(uuid)?.ramMb ?? 0
    }
  }
  return {
    name: view.host.name,
    cpuMhz: usableCpuMhz(hostCpuMhz(view.host), options.hostCpuUsableByVms),
    cpuUsedMhz,
    ramMb: view.host.ramMb,
    ramUsedMb
  }
}

const vmSample = (snapshot: CloudSnapshot, uuid: string): VmSample => ({
  uuid,
  cpuMhz: snapshot.vmCpuMhz.get(uuid) ?? [],
  ramMb: snapshot.vms.get(uuid)?.ramMb ?? 0
})

const nothing = (
  status: PlanStatus,
  detail: string,
  placerState: unknown,
  vmsToPlace: ReadonlyArray<string> = [],
  plan: Plan = emptyPlan
): PlanningResult => ({
  status,
  detail,
  plan,
  placement: {},
  placerState,
  inputs: { activeHosts: 0, inactiveHosts: 0, vmsToPlace }
})

/** Checks that the placement covers exactly `vms` with hosts from `allowed`; a reason when not. */
const checkPlacement = (
  placement: Placement,
  vms: ReadonlyArray<string>,
  allowed: ReadonlySet<string>
): string | undefined => {
  for (const uuid of vms) {
    const target = placement[uuid]
    if (target === undefined) return `no host for VM ${uuid}`
    if (!allowed.has(target)) return `VM ${uuid} placed on ${target}, which was not offered`
  }
  const extra = Object.keys(placement).find((uuid) => !vms.includes(uuid))
  return extra === undefined ? undefined : `placement names VM ${extra}, which was not to be placed`
}

const migrationsOf = (placement: Placement, vms: ReadonlyArray<string>, from: string): Array<Migration> =>
  vms.map((vm) => ({ vm, from, to: placement[vm]! }))

const sourceHost = (
  views: ReadonlyMap<string, HostView>,
  request: ReallocationRequest,
  placerState: unknown
): HostView | PlanningResult => {
  const view = views.get(request.host)
  if (view === undefined) return nothing("unknownHost", `host ${request.host} is not in the cloud`, placerState)
  if (view.host.power !== "active") {
    return nothing("hostNotActive", `host ${request.host} is ${view.host.power}`, placerState)
  }
  return view
}

const isResult = (value: HostView | PlanningResult): value is PlanningResult => "status" in value

/** Plans an underload request: empty the host onto the other active hosts and suspend it. */
export const planUnderload = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  placer: VmPlacer,
  placerState: unknown,
  options: PlanningOptions
): PlanningResult => {
  const views = viewHosts(snapshot)
  const source = sourceHost(views, request, placerState)
  if (isResult(source)) return source
  const vms = source.vms
  // A VM the host lists but the inventory does not know is in flux: the host is not emptied.
  const unlisted = source.host.vms.find((uuid) => !snapshot.vms.has(uuid))
  if (unlisted !== undefined)
    return nothing("noData", `VM ${unlisted} of the host is not in the inventory`, placerState)
  const missing = vms.find((uuid) => (snapshot.vmCpuMhz.get(uuid)?.length ?? 0) === 0)
  if (missing !== undefined) return nothing("noData", `no CPU data yet for VM ${missing}`, placerState, vms)

  const candidates = underloadCandidates(snapshot, options)
  const sourceName = source.host.name
  const targets = withoutHost(candidates.targets, sourceName)
  const idle = candidates.idle.includes(sourceName)
    ? candidates.idle.filter((host) => host !== sourceName)
    : candidates.idle.slice()
  const idleToSuspend = options.suspendIdleHosts ? idle : []
  const inputs = { activeHosts: targets.length, inactiveHosts: 0, vmsToPlace: vms }
  if (vms.length === 0) {
    const plan = { migrations: [], wake: [], suspend: [source.host.name, ...idleToSuspend] }
    return { status: "planned", detail: "the host holds no VM", plan, placement: {}, placerState, inputs }
  }
  const [placement, nextState] = placer.place(
    { hosts: targets, inactiveHosts: [], vms: vms.map((uuid) => vmSample(snapshot, uuid)) },
    placerState
  )
  const idleOnly = { migrations: [], wake: [], suspend: idleToSuspend }
  if (placement === undefined || Object.keys(placement).length === 0) {
    const detail = `the ${vms.length} VMs do not fit on the ${targets.length} other active hosts`
    return { status: "noFit", detail, plan: idleOnly, placement: {}, placerState: nextState, inputs }
  }
  const invalid = checkPlacement(placement, vms, new Set(targets.map((host) => host.name)))
  if (invalid !== undefined) {
    return { status: "invalidPlacement", detail: invalid, plan: idleOnly, placement, placerState: nextState, inputs }
  }
  const plan = {
    migrations: migrationsOf(placement, vms, source.host.name),
    wake: [],
    suspend: [source.host.name, ...idleToSuspend]
  }
  return {
    status: "planned",
    detail: `${vms.length} VMs leave ${source.host.name}`,
    plan,
    placement,
    placerState: nextState,
    inputs
  }
}

/** Plans an overload request: move the selected VMs, waking suspended hosts when needed. */
export const planOverload = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  placer: VmPlacer,
  placerState: unknown,
  options: PlanningOptions
): PlanningResult => {
  const views = viewHosts(snapshot)
  const source = sourceHost(views, request, placerState)
  if (isResult(source)) return source
  const resident = new Set(source.vms)
  const vms = [...new Set(request.vmUuids)].filter((uuid) => resident.has(uuid))
  if (vms.length === 0) {
    return nothing("noVms", `none of the requested VMs is on ${source.host.name} any more`, placerState)
  }
  const missing = vms.find((uuid) => (snapshot.vmCpuMhz.get(uuid)?.length ?? 0) === 0)
  if (missing !== undefined) return nothing("noData", `no CPU data yet for VM ${missing}`, placerState, vms)

  const targets: Array<PlacementHost> = []
  const inactive: Array<PlacementHost> = []
  const suspended = new Set<string>()
  for (const view of views.values()) {
    if (view.host.name === source.host.name) continue
    if (options.untouchableHosts?.has(view.host.name) === true) continue
    if (view.host.power === "suspended") {
      suspended.add(view.host.name)
      inactive.push(placementHost(snapshot, view, options, true))
    } else if (view.host.power === "active") {
      if (view.empty) inactive.push(placementHost(snapshot, view, options, true))
      else if (view.hasData) targets.push(placementHost(snapshot, view, options, false))
    }
  }
  const inputs = { activeHosts: targets.length, inactiveHosts: inactive.length, vmsToPlace: vms }
  const [placement, nextState] = placer.place(
    { hosts: targets, inactiveHosts: inactive, vms: vms.map((uuid) => vmSample(snapshot, uuid)) },
    placerState
  )
  if (placement === undefined || Object.keys(placement).length === 0) {
    const detail = `the ${vms.length} VMs do not fit on the other hosts`
    return { status: "noFit", detail, plan: emptyPlan, placement: {}, placerState: nextState, inputs }
  }
  const allowed = new Set([...targets, ...inactive].map((host) => host.name))
  const invalid = checkPlacement(placement, vms, allowed)
  if (invalid !== undefined) {
    return { status: "invalidPlacement", detail: invalid, plan: emptyPlan, placement, placerState: nextState, inputs }
  }
  const migrations = migrationsOf(placement, vms, source.host.name)
  const wake = [...new Set(migrations.map((migration) => migration.to))].filter((host) => suspended.has(host)).sort()
  return {
    status: "planned",
    detail: `${vms.length} VMs leave ${source.host.name}${wake.length > 0 ? `, waking ${wake.join(", ")}` : ""}`,
    plan: { migrations, wake, suspend: [] },
    placement,
    placerState: nextState,
    inputs
  }
}

/** Plans a request of either kind. */
export const planReallocation = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  placer: VmPlacer,
  placerState: unknown,
  options: PlanningOptions
): PlanningResult =>
  request.reason === "underload"
    ? planUnderload(snapshot, request, placer, placerState, options)
    : planOverload(snapshot, request, placer, placerState, options)
