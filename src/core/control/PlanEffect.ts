/**
 * What a plan is predicted to do, worked out from the snapshot it was made on (each host's own CPU
 * use and its VMs' latest samples) and the hosts' power models, like the efficacy indicators of an
 * OpenStack Watcher action plan.
 *
 * - Power: an active host draws `powerWatts(host, u)` at utilisation u = its own use plus its VMs'
 *   latest samples over its capacity (cores × MHz); a suspended host draws nothing. A VM's use
 *   moves with it; a woken host starts with no own use.
 * - Energy per hour: the power saved over the hour after approval, counting no saving while the
 *   migrations run (one after the other): `power_saved × max(0, 3600 − migration_seconds) / 3600`.
 * - Migration time: Neat's model, a VM's RAM over `network_migration_bandwidth` (MB / (MB/s)),
 *   summed over the plan's migrations.
 * - SLA risk: the active hosts whose utilisation of the CPU usable by VMs is above the overload
 *   threshold once the plan is carried out.
 */
import type { HostSpec } from "../Host.js"
import { hostCpuMhz } from "../Host.js"
import type { Plan } from "../Placement.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"

export interface EffectModel {
  /** Watts an active host draws at a CPU utilisation (fraction 0–1 of its capacity). */
  readonly powerWatts: (host: HostSpec, utilization: number) => number
  /** MB/s one migration copies (Neat's `network_migration_bandwidth`). */
  readonly migrationBandwidthMbPerSec: number
  /** Fraction of the CPU usable by VMs above which a host is overloaded. */
  readonly overloadThreshold: number
  /** Fraction of each host's CPU that VMs may use (Neat's `host_cpu_usable_by_vms`; default 1). */
  readonly hostCpuUsableByVms?: number | undefined
}

export interface PlanEffect {
  /** Hosts suspended less hosts woken. */
  readonly hostsFreed: number
  /** Watts drawn before the plan less after it (negative when the plan draws more). */
  readonly powerSavedW: number
  /** kWh saved over the first hour after approval. */
  readonly energySavedKwhPerHour: number
  readonly migrations: number
  /** Seconds the migrations take one after the other. */
  readonly migrationSeconds: number
  /** Hosts above the overload threshold after the plan, by name. */
  readonly slaRiskHosts: ReadonlyArray<string>
}

export const noEffect: PlanEffect = {
  hostsFreed: 0,
  powerSavedW: 0,
  energySavedKwhPerHour: 0,
  migrations: 0,
  migrationSeconds: 0,
  slaRiskHosts: []
}

const latestMhz = (snapshot: CloudSnapshot, vm: string): number => {
  const history = snapshot.vmCpuMhz.get(vm)
  return history === undefined || history.length === 0 ? 0 : history[history.length - 1]!
}

/** The predicted effect of carrying out `plan` on the cloud `snapshot` describes. */
export const planEffect = (snapshot: CloudSnapshot, plan: Plan, model: EffectModel): PlanEffect => {
  const leaving = new Map<string, Set<string>>()
  const arriving = new Map<string, Array<string>>()
  let migrationSeconds = 0
  for (const migration of plan.migrations) {
    const out = leaving.get(migration.from) ?? new Set<string>()
    out.add(migration.vm)
    leaving.set(migration.from, out)
    arriving.set(migration.to, [...(arriving.get(migration.to) ?? []), migration.vm])
    migrationSeconds += (snapshot.vms.get(migration.vm)?.ramMb ?? 0) / model.migrationBandwidthMbPerSec
  }
  const woken = new Set(plan.wake)
  const suspended = new Set(plan.suspend)
  const touched = new Set([...woken, ...suspended, ...leaving.keys(), ...arriving.keys()])
  const usable = model.hostCpuUsableByVms ?? 1
  let powerSavedW = 0
  const slaRiskHosts: Array<string> = []
  for (const host of snapshot.hosts) {
    const capacity = hostCpuMhz(host)
    const own = snapshot.hostOwnMhz.get(host.name) ?? 0
    let before = own
    for (const vm of host.vms) before += latestMhz(snapshot, vm)
    const activeBefore = host.power === "active"
    let after = before
    let activeAfter = activeBefore
    if (touched.has(host.name)) {
      for (const vm of leaving.get(host.name) ?? []) after -= latestMhz(snapshot, vm)
      for (const vm of arriving.get(host.name) ?? []) after += latestMhz(snapshot, vm)
      if (woken.has(host.name)) activeAfter = true
      if (suspended.has(host.name)) activeAfter = false
      const wattsBefore = activeBefore && capacity > 0 ? model.powerWatts(host, before / capacity) : 0
      const wattsAfter = activeAfter && capacity > 0 ? model.powerWatts(host, after / capacity) : 0
      powerSavedW += wattsBefore - wattsAfter
    }
    if (activeAfter && capacity > 0 && after / (capacity * usable) > model.overloadThreshold) {
      slaRiskHosts.push(host.name)
    }
  }
  return {
    hostsFreed: plan.suspend.length - plan.wake.length,
    powerSavedW,
    // + 0: no negative zero when the migrations fill the hour.
    energySavedKwhPerHour: (powerSavedW * Math.max(0, 3600 - migrationSeconds)) / 3600 / 1000 + 0,
    migrations: plan.migrations.length,
    migrationSeconds,
    slaRiskHosts: slaRiskHosts.sort()
  }
}
