/**
 * The disruption budget, after Karpenter's (`nodes: 10%`): at most that share (or that number) of
 * the cloud's hosts may be in disruption at once. A host is in disruption while a VM migrates from
 * or to it, or while it is woken or suspended: the hosts the cloud reports `waking` or
 * `suspending`, plus every host the plan about to run touches (the global manager runs one plan at
 * a time, so these are all the hosts disrupted while it runs). A percentage is of every host the
 * cloud lists, rounded up as Karpenter does; `0` or `0%` allows no disruption at all.
 */
import { Either } from "effect"
import type { Migration, Plan } from "../Placement.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"
import type { PlanningResult } from "./GlobalPlanning.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

export type DisruptionBudget =
  | { readonly kind: "percent"; readonly value: number; readonly text: string }
  | { readonly kind: "count"; readonly value: number; readonly text: string }

/** `10%` or `3`; empty: no budget (undefined). */
export const parseDisruptionBudget = (text: string): Either.Either<DisruptionBudget | undefined, string> => {
  const trimmed = text.trim()
  if (trimmed === "") return Either.right(undefined)
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed)
  if (percent !== null) {
    const value = Number(percent[1])
    return value <= 100
      ? Either.right({ kind: "percent", value, text: `${percent[1]}%` })
      : Either.left(`'${trimmed}' is more than 100%`)
  }
  if (/^\d+$/.test(trimmed)) return Either.right({ kind: "count", value: Number(trimmed), text: trimmed })
  return Either.left(`'${trimmed}' must be a share of the hosts such as 10%, or a number of hosts such as 3`)
}

/** Hosts that may be in disruption at once in a cloud of `hosts` hosts. */
export const budgetLimit = (budget: DisruptionBudget, hosts: number): number =>
  budget.kind === "count" ? budget.value : Math.ceil((hosts * budget.value) / 100 - 1e-9)

/** Hosts the cloud reports in transition (being woken or suspended). */
export const hostsInTransition = (snapshot: CloudSnapshot): ReadonlyArray<string> =>
  snapshot.hosts.filter((host) => host.power === "waking" || host.power === "suspending").map((host) => host.name)

/** Every host a plan disrupts: migration sources and targets, hosts woken or suspended. */
export const disruptedHosts = (plan: Plan): ReadonlySet<string> => {
  const hosts = new Set<string>([...plan.wake, ...plan.suspend])
  for (const migration of plan.migrations) {
    hosts.add(migration.from)
    hosts.add(migration.to)
  }
  return hosts
}

/** What the budget allows now: the limit, the hosts already in transition, and the room left. */
export interface BudgetUse {
  readonly limit: number
  readonly hosts: number
  readonly inDisruption: ReadonlyArray<string>
  readonly room: number
}

export const budgetUse = (budget: DisruptionBudget, snapshot: CloudSnapshot): BudgetUse => {
  const limit = budgetLimit(budget, snapshot.hosts.length)
  const inDisruption = hostsInTransition(snapshot)
  return { limit, hosts: snapshot.hosts.length, inDisruption, room: Math.max(0, limit - inDisruption.length) }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/**
 * The plan cut to the budget's room. An underload plan's emptying (its migrations and the host's
 * suspension) is all or nothing, as under the migration cap; an overload plan keeps the migrations
 * that fit, in the placement's order, with the wakes they need; suspensions of idle hosts fill
 * what room is left. Status `disruptionBudget` when nothing of the plan's purpose remains.
 */
export const limitToBudget = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  result: PlanningResult,
  budget: DisruptionBudget
): PlanningResult => {
  const plan = result.plan
  const use = budgetUse(budget, snapshot)
  if (disruptedHosts(plan).size <= use.room) return result
  const chosen = new Set<string>()
  const fits = (hosts: ReadonlyArray<string>) => {
    const extra = new Set(hosts.filter((host) => !chosen.has(host))).size
    return chosen.size + extra <= use.room
  }
  const take = (hosts: ReadonlyArray<string>) => {
    for (const host of hosts) chosen.add(host)
  }
  let migrations: Array<Migration> = []
  let emptied = false
  if (request.reason === "underload") {
    const core = [request.host, ...plan.migrations.map((migration) => migration.to), ...plan.wake]
    if (plan.migrations.length > 0 && fits(core)) {
      take(core)
      migrations = [...plan.migrations]
      emptied = true
    }
  } else {
    for (const migration of plan.migrations) {
      const hosts = [migration.from, migration.to]
      if (fits(hosts)) {
        take(hosts)
        migrations.push(migration)
      }
    }
  }
  const targets = new Set(migrations.map((migration) => migration.to))
  const wake = plan.wake.filter((host) => targets.has(host))
  const suspend: Array<string> = []
  for (const host of plan.suspend) {
    if (host === request.host && request.reason === "underload" && !emptied) continue
    if (chosen.has(host) || fits([host])) {
      take([host])
      suspend.push(host)
    }
  }
  const heldMigrations = plan.migrations.length - migrations.length
  const heldSuspensions = plan.suspend.length - suspend.length
  const heldWakes = plan.wake.length - wake.length
  const held = [
    ...(heldMigrations > 0 ? [plural(heldMigrations, "migration")] : []),
    ...(heldWakes > 0 ? [plural(heldWakes, "wake")] : []),
    ...(heldSuspensions > 0 ? [plural(heldSuspensions, "suspension")] : [])
  ]
    .join(", ")
    .replace(/, ([^,]*)$/, " and $1")
  const busy = use.inDisruption.length > 0 ? `, ${use.inDisruption.length} already in disruption` : ""
  const why = `disruption budget ${budget.text} (${use.limit} of ${use.hosts} hosts${busy}): ${held} held`
  const purposeLost = plan.migrations.length > 0 && migrations.length === 0
  const nothingLeft = migrations.length + wake.length + suspend.length === 0
  return {
    ...result,
    // A plan another rule already cut (a blackout, the cap) keeps that rule's status.
    status: (purposeLost || nothingLeft) && result.status === "planned" ? "disruptionBudget" : result.status,
    detail: purposeLost ? `${why} (${result.detail})` : `${result.detail}; ${why}`,
    plan: { migrations, wake, suspend }
  }
}
