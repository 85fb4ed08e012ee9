/**
 * Nova server groups: VMs that must (or should) share a host, or must (or should) not. Placement
 * never breaks a hard policy and keeps a soft one whenever it can (`core/control/ServerGroupPlacement.ts`).
 */

/** Nova's four policies; the `soft-` ones are preferences, the others rules. */
export type ServerGroupPolicy = "affinity" | "anti-affinity" | "soft-affinity" | "soft-anti-affinity"

export const serverGroupPolicies: ReadonlyArray<ServerGroupPolicy> = [
  "affinity",
  "anti-affinity",
  "soft-affinity",
  "soft-anti-affinity"
]

export const isServerGroupPolicy = (text: string): text is ServerGroupPolicy =>
  (serverGroupPolicies as ReadonlyArray<string>).includes(text)

export interface ServerGroup {
  /** Unique in a cloud (Nova's server group UUID; the group's name in a simulation). */
  readonly id: string
  readonly name: string
  readonly policy: ServerGroupPolicy
}

/** Whether the policy is a rule (never broken) rather than a preference. */
export const isHardPolicy = (policy: ServerGroupPolicy): boolean => policy === "affinity" || policy === "anti-affinity"

/** Whether the members belong together on one host (else apart, one per host). */
export const isAffinityPolicy = (policy: ServerGroupPolicy): boolean =>
  policy === "affinity" || policy === "soft-affinity"

/** "anti-affinity group web (g-1)": how decisions name a group. */
export const describeGroup = (group: ServerGroup): string =>
  group.name === group.id ? `${group.policy} group ${group.name}` : `${group.policy} group ${group.name} (${group.id})`
