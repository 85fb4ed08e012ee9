/**
 * A plan recommended but not executed (`mode = recommend`), and what decides whether it still
 * holds: the state of the hosts and VMs it involves when it was made. A plan expires when any of
 * them changed (a VM moved or vanished, a host changed power state or VMs) or when it is too old.
 */
import type { Plan } from "../Placement.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"

/** The state a plan depends on: host → "power:vm1,vm2" (sorted), VM → host. */
export interface PlanFingerprint {
  readonly hosts: Readonly<Record<string, string>>
  readonly vms: Readonly<Record<string, string>>
}

const hostKey = (power: string, vms: ReadonlyArray<string>): string => `${power}:${[...vms].sort().join(",")}`

/** Hosts and VMs a plan involves. */
export const planSubjects = (plan: Plan): { hosts: ReadonlyArray<string>; vms: ReadonlyArray<string> } => {
  const hosts = new Set<string>([...plan.wake, ...plan.suspend])
  for (const migration of plan.migrations) {
    hosts.add(migration.from)
    hosts.add(migration.to)
  }
  return { hosts: [...hosts].sort(), vms: plan.migrations.map((migration) => migration.vm) }
}

/** The fingerprint of `plan`'s subjects in `snapshot` (a missing host or VM is recorded as "absent"). */
export const fingerprintOf = (plan: Plan, snapshot: CloudSnapshot): PlanFingerprint => {
  const subjects = planSubjects(plan)
  const hosts: Record<string, string> = {}
  for (const name of subjects.hosts) {
    const host = snapshot.hosts.find((candidate) => candidate.name === name)
    hosts[name] = host === undefined ? "absent" : hostKey(host.power, host.vms)
  }
  const vms: Record<string, string> = {}
  for (const uuid of subjects.vms) vms[uuid] = snapshot.vms.get(uuid)?.host ?? "absent"
  return { hosts, vms }
}

/** Why a plan recommended at `createdAtMs` no longer holds, or undefined when it still does. */
export const staleReason = (
  fingerprint: PlanFingerprint,
  createdAtMs: number,
  snapshot: CloudSnapshot,
  nowMs: number,
  maxAgeSec: number
): string | undefined => {
  if (nowMs - createdAtMs > maxAgeSec * 1000) {
    return `the plan is older than ${maxAgeSec} s`
  }
  for (const [uuid, host] of Object.entries(fingerprint.vms)) {
    const now = snapshot.vms.get(uuid)?.host ?? "absent"
    if (now !== host) return `VM ${uuid} was on ${host} and is now ${now === "absent" ? "gone" : `on ${now}`}`
  }
  for (const [name, key] of Object.entries(fingerprint.hosts)) {
    const host = snapshot.hosts.find((candidate) => candidate.name === name)
    const now = host === undefined ? "absent" : hostKey(host.power, host.vms)
    if (now !== key) {
      const was = key.split(":")[0]
      const is = now.split(":")[0]
      return was !== is ? `host ${name} was ${was} and is now ${is}` : `the VMs on host ${name} changed`
    }
  }
  return undefined
}

/**
 * Which actions of a plan to approve: an absent `migrations` or `suspend` list approves every
 * action of its kind; wakes follow the approved migrations unless listed.
 */
export interface ActionSelection {
  readonly migrations?: ReadonlyArray<string> | undefined
  readonly wake?: ReadonlyArray<string> | undefined
  readonly suspend?: ReadonlyArray<string> | undefined
}

/**
 * The part of `plan` that `selection` approves, kept consistent: a wake the approved migrations
 * need is added, and a host is suspended only when every VM planned to leave it is approved.
 * Names that are not in the plan are returned as `unknown`.
 */
export const selectActions = (plan: Plan, selection: ActionSelection): { plan: Plan; unknown: Array<string> } => {
  const unknown: Array<string> = []
  const pick = <A>(items: ReadonlyArray<A>, key: (item: A) => string, chosen: ReadonlyArray<string> | undefined) => {
    if (chosen === undefined) return [...items]
    const keys = new Set(items.map(key))
    for (const name of chosen) if (!keys.has(name)) unknown.push(name)
    const wanted = new Set(chosen)
    return items.filter((item) => wanted.has(key(item)))
  }
  const migrations = pick(plan.migrations, (migration) => migration.vm, selection.migrations)
  const targets = new Set(migrations.map((migration) => migration.to))
  // A wake serves the migrations to that host: without an explicit list, exactly those are woken.
  const chosenWakes = selection.wake === undefined ? [] : pick(plan.wake, (host) => host, selection.wake)
  const wake = plan.wake.filter((host) => targets.has(host) || chosenWakes.includes(host))
  const approvedVms = new Set(migrations.map((migration) => migration.vm))
  const leftBehind = new Set(
    plan.migrations.filter((migration) => !approvedVms.has(migration.vm)).map((migration) => migration.from)
  )
  const suspend = pick(plan.suspend, (host) => host, selection.suspend).filter((host) => !leftBehind.has(host))
  return { plan: { migrations, wake, suspend }, unknown }
}
