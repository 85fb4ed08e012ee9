/**
 * What the dashboard shows, read in one go: hosts with power state, CPU and RAM use and recent CPU
 * history, the VMs on each with theirs, recent decisions and migrations, the plans, the policy and
 * the metrics text.
 */
import { Effect } from "effect"
import { Cloud } from "../../core/Cloud.js"
import { DecisionLog } from "../../core/control/DecisionLog.js"
import { hostCpuMhz } from "../../core/Host.js"
import { decisionView, migrationView } from "./Views.js"

/** Samples of CPU history the sparklines show. */
export const sparklineSamples = 30

export interface DashboardVm {
  readonly uuid: string
  readonly ram_mb: number
  /** MHz, oldest first. */
  readonly cpu_mhz: ReadonlyArray<number>
}

export interface DashboardHost {
  readonly name: string
  readonly power: string
  readonly cpu_mhz: number
  readonly ram_mb: number
  readonly cpu_used_mhz: number
  readonly ram_used_mb: number
  /** The host's total CPU use, MHz, oldest first (empty for hosts not running). */
  readonly cpu_history_mhz: ReadonlyArray<number>
  readonly vms: ReadonlyArray<DashboardVm>
}

const last = (values: ReadonlyArray<number>): number => (values.length === 0 ? 0 : values[values.length - 1]!)

/** The hosts and VMs part; `undefined` history when the cloud refuses one (a VM deleted meanwhile). */
export const readHosts = Effect.gen(function* () {
  const cloud = yield* Cloud
  const hosts = yield* cloud.hosts
  const vms = new Map((yield* cloud.vms).map((vm) => [vm.uuid, vm]))
  const result: Array<DashboardHost> = []
  for (const host of hosts) {
    const running = host.power === "active"
    const history = running
      ? yield* Effect.orElseSucceed(cloud.hostCpuHistory(host.name, sparklineSamples), () => [])
      : []
    const hostVms: Array<DashboardVm> = []
    for (const uuid of host.vms) {
      const cpu = running ? yield* Effect.orElseSucceed(cloud.vmCpuHistory(uuid, sparklineSamples), () => []) : []
      hostVms.push({ uuid, ram_mb: vms.get(uuid)?.ramMb ?? 0, cpu_mhz: cpu })
    }
    result.push({
      name: host.name,
      power: host.power,
      cpu_mhz: hostCpuMhz(host),
      ram_mb: host.ramMb,
      cpu_used_mhz: running ? last(history) : 0,
      ram_used_mb: hostVms.reduce((sum, vm) => sum + vm.ram_mb, 0),
      cpu_history_mhz: history,
      vms: hostVms
    })
  }
  return result
})

/** Everything but the plans and metrics, which the caller adds. */
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
