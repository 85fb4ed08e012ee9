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
 *
 * Server groups: the placement goes through `placeWithServerGroups`, which is not involved when no
 * VM to place belongs to a group. A VM whose hard policy cannot be kept stays where it is: an
 * underload leaves the host as it is, an overload moves the others (status `serverGroup` when no
 * VM can move), and the detail says which VM stayed and why.
 */
import { columnarPlacementInput } from "../../algorithms/placement/placementColumns.js"
import type { PlacementHost, PlacementInput, VmPlacer } from "../../algorithms/types.js"
import type { Migration, Placement, Plan } from "../Placement.js"
import { emptyPlan } from "../Placement.js"
import type { VmSample } from "../Vm.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"
import type { PlanningOptions } from "./PlanningOptions.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"
import {
  describeGroupNotes,
  type GroupedPlacement,
  type GroupNote,
  placeWithServerGroups,
  snapshotGroupContext
} from "./ServerGroupPlacement.js"
import {
  type HostView,
  hostView,
  type PlacementCandidates,
  placementCandidates,
  positionOf,
  roleInSnapshot,
  targetColumns
} from "./SnapshotViews.js"

export { defaultPlanningOptions, type PlanningOptions } from "./PlanningOptions.js"

/**
 * - `planned`: the plan is to be executed (it may hold only suspensions);
 * - `noFit`: the placement could not place every VM, nothing migrates;
 * - `noData`: a VM to place has no CPU sample yet, the request is dropped;
 * - `noVms`: none of the requested VMs is still on the host;
 * - `unknownHost` / `hostNotActive`: the host vanished or is not running;
 * - `invalidPlacement`: the algorithm chose a host it was not offered;
 * - `excluded`: the operator's exclusions forbid the plan (see `OperatorPolicy`);
 * - `deferred`: the cap on migrations per interval leaves no room for it now;
 * - `serverGroup`: server groups keep the VMs where they are (the detail names each VM and why);
 * - `blackout`: a blackout window holds the plan's migrations and suspensions (`DisruptionSchedule`);
 * - `disruptionBudget`: the disruption budget leaves no room for it now (`DisruptionBudget`).
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
  | "serverGroup"
  | "blackout"
  | "disruptionBudget"

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

/**
 * The placement input of a request from `source`: the targets other than the source, given as
 * the candidates' columns less the source's row (its position comes from the candidates' index,
 * so no host is looked at and nothing is copied unless the placer reads `hosts`).
 */
const placementInputFrom = (
  candidates: PlacementCandidates,
  source: HostView,
  inactiveHosts: ReadonlyArray<PlacementHost>,
  vms: PlacementInput["vms"]
): { readonly input: PlacementInput; readonly activeHosts: number } => {
  const skip = positionOf(candidates.targetIndex, source.index)
  return {
    input: columnarPlacementInput(targetColumns(candidates), skip, inactiveHosts, vms),
    activeHosts: candidates.targets.length - (skip >= 0 ? 1 : 0)
  }
}

/** The hosts other than `name`: the same array when it is not there, else one exact-size copy. */
const withoutHost = (hosts: ReadonlyArray<PlacementHost>, name: string): ReadonlyArray<PlacementHost> => {
  let at = -1
  for (let i = 0; i < hosts.length; i++) {
    if (hosts[i]!.name === name) {
      at = i
      break
    }
  }
  if (at < 0) return hosts
  const out = hosts.slice()
  out.splice(at, 1)
  return out
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

/** Checks that the placement covers exactly `vms` with hosts it was `offered`; a reason when not. */
const checkPlacement = (
  placement: Placement,
  vms: ReadonlyArray<string>,
  offered: (host: string) => boolean
): string | undefined => {
  for (const uuid of vms) {
    const target = placement[uuid]
    if (target === undefined) return `no host for VM ${uuid}`
    if (!offered(target)) return `VM ${uuid} placed on ${target}, which was not offered`
  }
  const extra = Object.keys(placement).find((uuid) => !vms.includes(uuid))
  return extra === undefined ? undefined : `placement names VM ${extra}, which was not to be placed`
}

/**
 * The placement through the server-group layer. Without a grouped VM to place this is one call of
 * the algorithm on the input as given, so decisions without groups are unchanged.
 */
const noNotes: ReadonlyArray<GroupNote> = []

const placeGrouped = (
  snapshot: CloudSnapshot,
  placer: VmPlacer,
  input: PlacementInput,
  placerState: unknown
): GroupedPlacement => {
  let grouped = false
  for (const vm of input.vms) {
    if (snapshot.vms.get(vm.uuid)?.serverGroup !== undefined) {
      grouped = true
      break
    }
  }
  if (!grouped) {
    const [placement, state] = placer.place(input, placerState)
    return { placement, state, refused: noNotes, softBroken: noNotes }
  }
  const groups = snapshotGroupContext(
    snapshot,
    input.vms.map((vm) => vm.uuid)
  )
  return placeWithServerGroups(placer, input, placerState, groups)
}

/** What the group layer adds to a plan's detail: VMs placed against a soft policy. */
const softNote = (grouped: GroupedPlacement): string =>
  grouped.softBroken.length === 0 ? "" : `; ${describeGroupNotes(grouped.softBroken, "breaks a soft policy")}`

const migrationsOf = (placement: Placement, vms: ReadonlyArray<string>, from: string): Array<Migration> =>
  vms.map((vm) => ({ vm, from, to: placement[vm]! }))

const sourceHost = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  placerState: unknown
): HostView | PlanningResult => {
  const view = hostView(snapshot, request.host)
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
  const source = sourceHost(snapshot, request, placerState)
  if (isResult(source)) return source
  const vms = source.vms
  // The view knows when every VM is listed and has data (the usual case); else say which is not.
  if (!source.hasData) {
    // A VM the host lists but the inventory does not know is in flux: the host is not emptied.
    const unlisted = source.host.vms.find((uuid) => !snapshot.vms.has(uuid))
    if (unlisted !== undefined)
      return nothing("noData", `VM ${unlisted} of the host is not in the inventory`, placerState)
    const missing = vms.find((uuid) => (snapshot.vmCpuMhz.get(uuid)?.length ?? 0) === 0)
    if (missing !== undefined) return nothing("noData", `no CPU data yet for VM ${missing}`, placerState, vms)
  }

  const candidates = placementCandidates(snapshot, options.hostCpuUsableByVms, options.untouchableHosts)
  const sourceName = source.host.name
  const idle = candidates.idle.includes(sourceName)
    ? candidates.idle.filter((host) => host !== sourceName)
    : candidates.idle.slice()
  const idleToSuspend = options.suspendIdleHosts ? idle : []
  const { input, activeHosts } = placementInputFrom(
    candidates,
    source,
    [],
    vms.map((uuid) => vmSample(snapshot, uuid))
  )
  const inputs = { activeHosts, inactiveHosts: 0, vmsToPlace: vms }
  if (vms.length === 0) {
    const plan = { migrations: [], wake: [], suspend: [source.host.name, ...idleToSuspend] }
    return { status: "planned", detail: "the host holds no VM", plan, placement: {}, placerState, inputs }
  }
  const grouped = placeGrouped(snapshot, placer, input, placerState)
  const { placement, state: nextState } = grouped
  const idleOnly = { migrations: [], wake: [], suspend: idleToSuspend }
  if (grouped.refused.length > 0) {
    const detail = `the host cannot be emptied: ${describeGroupNotes(grouped.refused, "stays")}`
    return { status: "serverGroup", detail, plan: idleOnly, placement: {}, placerState: nextState, inputs }
  }
  if (placement === undefined || Object.keys(placement).length === 0) {
    const detail = `the ${vms.length} VMs do not fit on the ${activeHosts} other active hosts`
    return { status: "noFit", detail, plan: idleOnly, placement: {}, placerState: nextState, inputs }
  }
  const invalid = checkPlacement(
    placement,
    vms,
    (host) => host !== sourceName && roleInSnapshot(snapshot, host, candidates.untouchableHosts) === "target"
  )
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
    detail: `${vms.length} VMs leave ${source.host.name}${softNote(grouped)}`,
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
  const source = sourceHost(snapshot, request, placerState)
  if (isResult(source)) return source
  const resident = new Set(source.vms)
  const vms = [...new Set(request.vmUuids)].filter((uuid) => resident.has(uuid))
  if (vms.length === 0) {
    return nothing("noVms", `none of the requested VMs is on ${source.host.name} any more`, placerState)
  }
  const missing = vms.find((uuid) => (snapshot.vmCpuMhz.get(uuid)?.length ?? 0) === 0)
  if (missing !== undefined) return nothing("noData", `no CPU data yet for VM ${missing}`, placerState, vms)

  const candidates = placementCandidates(snapshot, options.hostCpuUsableByVms, options.untouchableHosts)
  const sourceName = source.host.name
  const inactive =
    positionOf(candidates.inactiveIndex, source.index) < 0
      ? candidates.inactive
      : withoutHost(candidates.inactive, sourceName)
  const { input, activeHosts } = placementInputFrom(
    candidates,
    source,
    inactive,
    vms.map((uuid) => vmSample(snapshot, uuid))
  )
  const inputs = { activeHosts, inactiveHosts: inactive.length, vmsToPlace: vms }
  const grouped = placeGrouped(snapshot, placer, input, placerState)
  const { placement, state: nextState } = grouped
  const stays = grouped.refused.length === 0 ? "" : `; ${describeGroupNotes(grouped.refused, "stays")}`
  const refused = new Set(grouped.refused.map((note) => note.vm))
  const moving = refused.size === 0 ? vms : vms.filter((uuid) => !refused.has(uuid))
  if (moving.length === 0) {
    const detail = describeGroupNotes(grouped.refused, "stays")
    return { status: "serverGroup", detail, plan: emptyPlan, placement: {}, placerState: nextState, inputs }
  }
  if (placement === undefined || Object.keys(placement).length === 0) {
    const detail = `the ${vms.length} VMs do not fit on the other hosts`
    return { status: "noFit", detail, plan: emptyPlan, placement: {}, placerState: nextState, inputs }
  }
  const invalid = checkPlacement(
    placement,
    moving,
    (host) => host !== sourceName && roleInSnapshot(snapshot, host, candidates.untouchableHosts) !== "none"
  )
  if (invalid !== undefined) {
    return { status: "invalidPlacement", detail: invalid, plan: emptyPlan, placement, placerState: nextState, inputs }
  }
  const migrations = migrationsOf(placement, moving, source.host.name)
  const wake = [...new Set(migrations.map((migration) => migration.to))]
    .filter((host) => roleInSnapshot(snapshot, host, candidates.untouchableHosts) === "suspended")
    .sort()
  return {
    status: "planned",
    detail: `${moving.length} VMs leave ${source.host.name}${wake.length > 0 ? `, waking ${wake.join(", ")}` : ""}${stays}${softNote(grouped)}`,
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
