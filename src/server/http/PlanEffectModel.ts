/**
 * The model behind a recommended plan's predicted effect, from the manager's settings: the hosts'
 * power models, Neat's migration bandwidth and the overload threshold. Unless configured, a host
 * with the cores and clock of one of CloudSim's PlanetLab host types (HP ProLiant ML110 G4, G5:
 * the simulated clouds' hosts) draws what its SPECpower table says, and any other host what the
 * ML110 G5 draws (as `neat whatif` assumes).
 */
import { planetLabHostTypes } from "../../adapters/sim/Datacenter.js"
import { hpProLiantMl110G5, type PowerTable, powerAt } from "../../adapters/sim/PowerModel.js"
import type { EffectModel } from "../../core/control/PlanEffect.js"
import type { HostSpec } from "../../core/Host.js"
import type { GlobalManagerOptions } from "./GlobalManagerOptions.js"

/** Seconds of a control interval when none is configured (Neat's `local_manager_interval`). */
export const defaultPlanIntervalSec = 300
export const defaultMigrationBandwidthMbPerSec = 10
export const defaultPlanOverloadThreshold = 0.8

/** The SPECpower table of the known host type with `host`'s cores and clock, else the ML110 G5's. */
export const knownHostPowerTable = (host: HostSpec): PowerTable =>
  planetLabHostTypes.find((type) => type.cores === host.cores && type.mhzPerCore === host.mhzPerCore)?.power ??
  hpProLiantMl110G5

export const planEffectModel = (options: GlobalManagerOptions): EffectModel => ({
  powerWatts: options.host_power_model ?? ((host, utilization) => powerAt(knownHostPowerTable(host), utilization)),
  migrationBandwidthMbPerSec: options.network_migration_bandwidth ?? defaultMigrationBandwidthMbPerSec,
  overloadThreshold: options.plan_overload_threshold ?? defaultPlanOverloadThreshold,
  hostCpuUsableByVms: options.host_cpu_usable_by_vms
})
