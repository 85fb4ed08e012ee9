/**
 * Server groups as a constraint layer around any placement algorithm (catalogue or user module),
 * which is never changed: the layer only chooses what the algorithm is offered.
 *
 * - No VM to place belongs to a group: the algorithm is called once on the input as given, exactly
 *   as without the layer (every existing decision stays identical).
 * - Otherwise the algorithm first places everything at once; when that answer keeps every policy it
 *   is taken as is. If not, the layer places the VMs in turns, each turn on the hosts its group
 *   allows with the capacity the turns before used: hard affinity groups (their moving members as
 *   one VM, so they land together), hard anti-affinity members (one by one), soft groups (on allowed
 *   hosts if any has room, else anywhere), then the VMs without a group in one call.
 * - A VM whose hard policy no offered host can satisfy, while it would fit without its group, is
 *   refused: it stays where it is and the refusal says why. A VM that fits nowhere at all makes the
 *   whole placement fail, as the algorithm's own answer would.
 */
import type { PlacementHost, PlacementInput, VmPlacer } from "../../algorithms/types.js"
import type { Placement } from "../Placement.js"
import { describeGroup, isAffinityPolicy, isHardPolicy, type ServerGroup } from "../ServerGroup.js"
import type { VmSample } from "../Vm.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"

/** What the layer knows about the groups of the VMs to place. */
export interface GroupContext {
  /** The VM's group, undefined when it has none. */
  readonly groupOf: (uuid: string) => ServerGroup | undefined
  /** Hosts holding members of the group that are not being placed now (they stay where they are). */
  readonly fixedHosts: (groupId: string) => ReadonlySet<string>
}

/** A VM left where it is, or placed against a soft policy, and why. */
export interface GroupNote {
  readonly vm: string
  readonly group: ServerGroup
  readonly reason: string
}

export interface GroupedPlacement {
  /** A host for every VM not refused; undefined when the VMs do not fit (as the algorithm says). */
  readonly placement: Placement | undefined
  readonly state: unknown
  /** VMs whose hard policy cannot be kept: they are not placed. */
  readonly refused: ReadonlyArray<GroupNote>
  /** VMs placed against their soft policy because no host that keeps it had room. */
  readonly softBroken: ReadonlyArray<GroupNote>
}

const noHosts: ReadonlySet<string> = new Set()

/** The groups of the VMs to place, read from a snapshot: members not being placed stay on their hosts. */
export const snapshotGroupContext = (snapshot: CloudSnapshot, moving: ReadonlyArray<string>): GroupContext => {
  const movingSet = new Set(moving)
  const fixed = new Map<string, Set<string>>()
  for (const vm of snapshot.vms.values()) {
    const group = vm.serverGroup
    if (group === undefined || movingSet.has(vm.uuid)) continue
    const hosts = fixed.get(group.id)
    if (hosts === undefined) fixed.set(group.id, new Set([vm.host]))
    else hosts.add(vm.host)
  }
  return {
    groupOf: (uuid) => snapshot.vms.get(uuid)?.serverGroup,
    fixedHosts: (groupId) => fixed.get(groupId) ?? noHosts
  }
}

/** Whether any VM to place belongs to a group: when none does, the layer is not involved at all. */
export const involvesGroups = (vms: ReadonlyArray<VmSample>, groups: GroupContext): boolean => {
  for (const vm of vms) if (groups.groupOf(vm.uuid) !== undefined) return true
  return false
}

/** The latest sample: the CPU use a placed VM adds to its host, as the snapshot counts a resident VM. */
const latestMhz = (vm: VmSample): number => (vm.cpuMhz.length === 0 ? 0 : vm.cpuMhz[vm.cpuMhz.length - 1]!)

/** Several VMs as one (histories summed, aligned on the newest sample), named after the first. */
const combined = (members: ReadonlyArray<VmSample>): VmSample => {
  if (members.length === 1) return members[0]!
  const length = Math.max(...members.map((vm) => vm.cpuMhz.length))
  const cpuMhz = new Array<number>(length).fill(0)
  for (const vm of members) {
    const offset = length - vm.cpuMhz.length
    for (let i = 0; i < vm.cpuMhz.length; i++) cpuMhz[offset + i]! += vm.cpuMhz[i]!
  }
  return { uuid: members[0]!.uuid, cpuMhz, ramMb: members.reduce((sum, vm) => sum + vm.ramMb, 0) }
}

interface Unit {
  readonly group: ServerGroup
  readonly members: ReadonlyArray<VmSample>
}

/** Affinity groups' moving members as one unit each, anti-affinity members one unit each; hard before soft. */
const unitsOf = (vms: ReadonlyArray<VmSample>, groups: GroupContext): ReadonlyArray<Unit> => {
  const together = new Map<string, { group: ServerGroup; members: Array<VmSample> }>()
  const apart: Array<Unit> = []
  for (const vm of vms) {
    const group = groups.groupOf(vm.uuid)
    if (group === undefined) continue
    if (isAffinityPolicy(group.policy)) {
      const unit = together.get(group.id)
      if (unit === undefined) together.set(group.id, { group, members: [vm] })
      else unit.members.push(vm)
    } else apart.push({ group, members: [vm] })
  }
  const all = [...together.values(), ...apart]
  const rank = (unit: Unit) => (isHardPolicy(unit.group.policy) ? 0 : 2) + (isAffinityPolicy(unit.group.policy) ? 0 : 1)
  return all
    .map((unit, i) => ({ unit, i }))
    .sort((a, b) => rank(a.unit) - rank(b.unit) || a.i - b.i)
    .map((x) => x.unit)
}

/** Whether `host` keeps the unit's policy, given the hosts its group's other members are on. */
const keepsPolicy = (unit: Unit, host: string, others: ReadonlySet<string>): boolean =>
  isAffinityPolicy(unit.group.policy) ? others.size === 0 || others.has(host) : !others.has(host)

const hostList = (hosts: ReadonlySet<string>): string => [...hosts].sort().join(", ")

/** Why a unit's hard policy leaves it no host, in words. */
const refusalReason = (unit: Unit, others: ReadonlySet<string>, offered: ReadonlySet<string>): string => {
  const group = describeGroup(unit.group)
  if (isAffinityPolicy(unit.group.policy)) {
    const reachable = [...others].some((host) => offered.has(host))
    return reachable
      ? `its ${group} keeps its members on ${hostList(others)}, which has no room for it`
      : `its ${group} keeps other members on ${hostList(others)}, which cannot receive it`
  }
  return `its ${group} has members on ${hostList(others)}, and no other host has room for it`
}

/** The algorithm's all-at-once answer, if it keeps every policy (hard and soft). */
const keepsEveryPolicy = (placement: Placement, vms: ReadonlyArray<VmSample>, groups: GroupContext): boolean => {
  const placedHosts = new Map<string, Array<string>>()
  for (const vm of vms) {
    const group = groups.groupOf(vm.uuid)
    const host = placement[vm.uuid]
    if (group === undefined || host === undefined) continue
    const hosts = placedHosts.get(group.id)
    if (hosts === undefined) placedHosts.set(group.id, [host])
    else hosts.push(host)
  }
  for (const vm of vms) {
    const group = groups.groupOf(vm.uuid)
    if (group === undefined) continue
    const fixed = groups.fixedHosts(group.id)
    const placed = placedHosts.get(group.id)!
    if (isAffinityPolicy(group.policy)) {
      if (fixed.size > 0 ? !placed.every((host) => fixed.has(host)) : new Set(placed).size > 1) return false
    } else {
      const host = placement[vm.uuid]!
      if (fixed.has(host) || placed.filter((h) => h === host).length > 1) return false
    }
  }
  return true
}

/** Places `input` through the group constraints with `placer` (see the module's comment). */
export const placeWithServerGroups = (
  placer: VmPlacer,
  input: PlacementInput,
  state: unknown,
  groups: GroupContext
): GroupedPlacement => {
  if (!involvesGroups(input.vms, groups)) {
    const [placement, next] = placer.place(input, state)
    return { placement, state: next, refused: [], softBroken: [] }
  }
  const [whole, afterWhole] = placer.place(input, state)
  if (whole === undefined || Object.keys(whole).length === 0) {
    // Constraints only take hosts away: what does not fit freely does not fit under them.
    return { placement: undefined, state: afterWhole, refused: [], softBroken: [] }
  }
  if (keepsEveryPolicy(whole, input.vms, groups)) {
    return { placement: whole, state: afterWhole, refused: [], softBroken: [] }
  }
  return placeInTurns(placer, input, afterWhole, groups)
}

const placeInTurns = (
  placer: VmPlacer,
  input: PlacementInput,
  initialState: unknown,
  groups: GroupContext
): GroupedPlacement => {
  let state = initialState
  // Hosts as the turns leave them: a woken host joins the active ones with what it received.
  const active = new Map<string, PlacementHost>(input.hosts.map((host) => [host.name, host]))
  const inactive = new Map<string, PlacementHost>(input.inactiveHosts.map((host) => [host.name, host]))
  const offered = new Set([...active.keys(), ...inactive.keys()])
  const placedOn = new Map<string, Set<string>>()
  const placement: Record<string, string> = {}
  const refused: Array<GroupNote> = []
  const softBroken: Array<GroupNote> = []

  const offer = (allowed: (host: string) => boolean) => ({
    hosts: [...active.values()].filter((host) => allowed(host.name)),
    inactiveHosts: [...inactive.values()].filter((host) => allowed(host.name))
  })
  const place = (vms: ReadonlyArray<VmSample>, allowed: (host: string) => boolean): Placement | undefined => {
    const hosts = offer(allowed)
    if (hosts.hosts.length === 0 && hosts.inactiveHosts.length === 0) return undefined
    const [answer, next] = placer.place({ ...hosts, vms }, state)
    state = next
    if (answer === undefined) return undefined
    for (const vm of vms) {
      const host = answer[vm.uuid]
      if (host === undefined || !allowed(host) || !offered.has(host)) return undefined
    }
    return answer
  }
  const receive = (host: string, vms: ReadonlyArray<VmSample>) => {
    const target = active.get(host) ?? inactive.get(host)!
    inactive.delete(host)
    active.set(host, {
      ...target,
      cpuUsedMhz: target.cpuUsedMhz + vms.reduce((sum, vm) => sum + latestMhz(vm), 0),
      ramUsedMb: target.ramUsedMb + vms.reduce((sum, vm) => sum + vm.ramMb, 0)
    })
  }

  for (const unit of unitsOf(input.vms, groups)) {
    const placedHosts = placedOn.get(unit.group.id) ?? new Set<string>()
    const others = new Set([...groups.fixedHosts(unit.group.id), ...placedHosts])
    const single = combined(unit.members)
    let host = place([single], (h) => keepsPolicy(unit, h, others))?.[single.uuid]
    if (host === undefined) {
      // Would it fit without its group? (A what-if: its state is not kept.)
      const [free] = placer.place({ ...offer(() => true), vms: [single] }, state)
      const freeHost = free?.[single.uuid]
      if (freeHost === undefined || !offered.has(freeHost)) {
        return { placement: undefined, state, refused: [], softBroken: [] }
      }
      const reason = refusalReason(unit, others, offered)
      if (isHardPolicy(unit.group.policy)) {
        for (const vm of unit.members) refused.push({ vm: vm.uuid, group: unit.group, reason })
        continue
      }
      host = place([single], () => true)?.[single.uuid]
      if (host === undefined) return { placement: undefined, state, refused: [], softBroken: [] }
      for (const vm of unit.members) softBroken.push({ vm: vm.uuid, group: unit.group, reason })
    }
    for (const vm of unit.members) placement[vm.uuid] = host
    receive(host, unit.members)
    placedOn.set(unit.group.id, placedHosts.add(host))
  }

  const free = input.vms.filter((vm) => groups.groupOf(vm.uuid) === undefined)
  if (free.length > 0) {
    const answer = place(free, () => true)
    if (answer === undefined) return { placement: undefined, state, refused: [], softBroken: [] }
    for (const vm of free) placement[vm.uuid] = answer[vm.uuid]!
  }
  return { placement, state, refused, softBroken }
}

/** "VM a stays: its anti-affinity group ...; VM b stays: ...": what a decision says about refusals. */
export const describeGroupNotes = (notes: ReadonlyArray<GroupNote>, verb: string): string =>
  notes.map((note) => `VM ${note.vm} ${verb}: ${note.reason}`).join("; ")
