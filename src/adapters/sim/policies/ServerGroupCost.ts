/**
 * What server groups cost a simulated run: hard groups the initial placement breaks, and the
 * requests and VMs the groups held back, read from each decision (the simulator applies no
 * operator policy, so a planned overload that moves fewer VMs than it placed was trimmed by a group).
 */
import type { Decision } from "../../../core/control/Decision.js"
import { isAffinityPolicy, isHardPolicy, type ServerGroup } from "../../../core/ServerGroup.js"
import type { VmState } from "../../../core/Vm.js"
import type { ServerGroupStats } from "../SimulationResult.js"

/** Hard groups whose members `vms` show on one host (anti-affinity) or on several (affinity). */
export const brokenHardGroups = (vms: ReadonlyArray<VmState>): number => {
  const hostsOf = new Map<string, { group: ServerGroup; hosts: Array<string> }>()
  for (const vm of vms) {
    const group = vm.serverGroup
    if (group === undefined || !isHardPolicy(group.policy)) continue
    const entry = hostsOf.get(group.id)
    if (entry === undefined) hostsOf.set(group.id, { group, hosts: [vm.host] })
    else entry.hosts.push(vm.host)
  }
  let broken = 0
  for (const { group, hosts } of hostsOf.values()) {
    const distinct = new Set(hosts).size
    if (isAffinityPolicy(group.policy) ? distinct > 1 : distinct < hosts.length) broken++
  }
  return broken
}

/** A running tally over the decisions of a run. */
export const makeServerGroupTally = (groups: ReadonlyMap<string, ServerGroup>, brokenAtStart: number) => {
  let refusedRequests = 0
  let vmsKept = 0
  return {
    add: (decision: Decision): void => {
      if (decision.status === "serverGroup") {
        refusedRequests++
        vmsKept += decision.inputs.vmsToPlace.length
      } else if (decision.status === "planned" && decision.request.reason === "overload") {
        vmsKept += decision.inputs.vmsToPlace.length - decision.plan.migrations.length
      }
    },
    stats: (): ServerGroupStats => ({
      groups: new Set([...groups.values()].map((group) => group.id)).size,
      members: groups.size,
      brokenAtStart,
      refusedRequests,
      vmsKept
    })
  }
}
