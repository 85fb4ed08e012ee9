/**
 * What the dashboard shows, read in one go: every host in a compact row (power state, CPU and RAM
 * use, its VMs, the watts its power model gives), recent decisions and migrations. A thousand hosts
 * make a few hundred kilobytes of JSON before compression; the CPU histories of one host and its
 * VMs (the sparklines) are read only when the operator opens that host (`readHostDetail`).
 */
import { Effect } from "effect"
import { Cloud, readHostCpuHistories, readVmCpuHistories } from "../../core/Cloud.js"
import { DecisionLog } from "../../core/control/DecisionLog.js"
import { UnknownHost } from "../../core/errors.js"
import { hostCpuMhz } from "../../core/Host.js"
import { hostPowerAllOnW, hostPowerTable, hostPowerW } from "./DashboardPower.js"
import { decisionView, migrationView } from "./Views.js"

/** Samples of CPU history the sparklines show. */
export const sparklineSamples = 30

export interface DashboardVm {
  readonly uuid: string
  readonly ram_mb: number
}

export interface DashboardHost {
  readonly name: string
  readonly power: string
  readonly cpu_mhz: number
  readonly ram_mb: number
  readonly cpu_used_mhz: number
  readonly ram_used_mb: number
  /** Watts drawn now, from the host's power model at its CPU use. */
  readonly power_w: number
  /** Watts it would draw if every host were on (idle power for a suspended host). */
  readonly power_all_on_w: number
  readonly vms: ReadonlyArray<DashboardVm>
}

export interface DashboardHostDetail {
  readonly name: string
  /** The host's total CPU use, MHz, oldest first (empty for hosts not running). */
  readonly cpu_history_mhz: ReadonlyArray<number>
  /** Each VM's CPU use, MHz, oldest first. */
  readonly vms: ReadonlyArray<DashboardVm & { readonly cpu_mhz: ReadonlyArray<number> }>
}

const last = (values: ReadonlyArray<number> | undefined): number =>
  values === undefined || values.length === 0 ? 0 : values[values.length - 1]!

/** Every host as a table row: one read of hosts, one of VMs, one batched read of the hosts' latest CPU. */
export const readHosts = Effect.gen(function* () {
  const cloud = yield* Cloud
  const hosts = yield* cloud.hosts
  const ramOf = new Map((yield* cloud.vms).map((vm) => [vm.uuid, vm.ramMb]))
  const running = hosts.filter((host) => host.power === "active").map((host) => host.name)
  const latest = yield* Effect.orElseSucceed(
    readHostCpuHistories(cloud, running, 1),
    () => new Map<string, ReadonlyArray<number>>()
  )
  return hosts.map((host): DashboardHost => {
    const capacity = hostCpuMhz(host)
    const used = host.power === "active" ? last(latest.get(host.name)) : 0
    const table = hostPowerTable(host)
    const watts = hostPowerW(table, host.power, capacity > 0 ? used / capacity : 0)
    const vms = host.vms.map((uuid) => ({ uuid, ram_mb: ramOf.get(uuid) ?? 0 }))
    return {
      name: host.name,
      power: host.power,
      cpu_mhz: capacity,
      ram_mb: host.ramMb,
      cpu_used_mhz: used,
      ram_used_mb: vms.reduce((sum, vm) => sum + vm.ram_mb, 0),
      power_w: watts,
      power_all_on_w: hostPowerAllOnW(table, host.power, watts),
      vms
    }
  })
})

/** One host's CPU history and its VMs' (the sparklines of an opened row). */
export const readHostDetail = (name: string) =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const host = (yield* cloud.hosts).find((candidate) => candidate.name === name)
    if (host === undefined) return yield* new UnknownHost({ host: name })
    const ramOf = new Map((yield* cloud.vms).map((vm) => [vm.uuid, vm.ramMb]))
    const running = host.power === "active"
    const history = running
      ? yield* Effect.orElseSucceed(cloud.hostCpuHistory(host.name, sparklineSamples), () => [])
      : []
    const vmHistories = running
      ? yield* Effect.orElseSucceed(
          readVmCpuHistories(cloud, host.vms, sparklineSamples),
          () => new Map<string, ReadonlyArray<number>>()
        )
      : new Map<string, ReadonlyArray<number>>()
    return {
      name: host.name,
      cpu_history_mhz: history,
      vms: host.vms.map((uuid) => ({ uuid, ram_mb: ramOf.get(uuid) ?? 0, cpu_mhz: vmHistories.get(uuid) ?? [] }))
    } satisfies DashboardHostDetail
  })

/** Everything but the plans, energy, errors and metrics, which the caller adds. */
export const readDashboardState = Effect.gen(function* () {
  const log = yield* DecisionLog
  const hosts = yield* Effect.either(readHosts)
  return {
    hosts: hosts._tag === "Right" ? hosts.right : [],
    cloud_error: hosts._tag === "Left" ? hosts.left._tag : undefined,
    decisions: (yield* log.selectDecisions(25)).map(decisionView).reverse(),
    migrations: (yield* log.selectVmMigrations(25)).map(migrationView).reverse()
  }
})
