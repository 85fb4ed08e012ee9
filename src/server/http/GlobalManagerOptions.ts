/**
 * The global manager's settings, named as in Neat's `neat.conf` (our own additions in the same
 * style). The configuration loader fills this; until then the CLI does.
 */
import { Context } from "effect"
import type { DisruptionBudget } from "../../core/control/DisruptionBudget.js"
import type { TimeWindow } from "../../core/control/MaintenanceWindows.js"
import type { OperatorPolicy } from "../../core/control/OperatorPolicy.js"
import { defaultPlanningOptions } from "../../core/control/PlanningOptions.js"
import type { ControlMode, GlobalOptions } from "../../core/control/Reallocate.js"
import type { HostSpec } from "../../core/Host.js"

export interface GlobalManagerOptions {
  /** Address to listen on (loopback by default). */
  readonly global_manager_host: string
  /** Port to listen on; 0 lets the system choose. */
  readonly global_manager_port: number
  /** Admin user and password; Neat's clients send their SHA-1 hex digests. */
  readonly os_admin_user: string
  readonly os_admin_password: string
  /** Accept Neat's credential scheme on `PUT /` (switch off when every local manager signs). */
  readonly neat_compatible_auth: boolean
  /** Shared secret of signed requests; `/v1` answers 401 to everything while it is unset. */
  readonly request_signing_secret: string | undefined
  /** How old a request may be, seconds (Neat: 5). Nonces are remembered this long. */
  readonly request_freshness_window: number
  /** CPU samples per VM handed to the placement algorithm. */
  readonly data_collector_data_length: number
  /** Fraction of each host's CPU that VMs may use (0-1). */
  readonly host_cpu_usable_by_vms: number
  /** Suspend active hosts without VMs while handling an underload, as Neat does. */
  readonly suspend_idle_hosts: boolean
  /**
   * Seconds a snapshot of the cloud may be reused across requests (kept up to date with the
   * manager's own migrations; the VMs to place always get fresh histories). 0 reads the whole cloud
   * for every request, as Neat does.
   */
  readonly snapshot_max_age: number
  /** `auto` executes plans; `recommend` records them for an operator to approve or reject. */
  readonly control_mode: ControlMode
  /** Hosts never touched (no migration from or to them, never suspended or woken). */
  readonly excluded_hosts: ReadonlyArray<string>
  /** VMs never migrated. */
  readonly excluded_vms: ReadonlyArray<string>
  /** Hosts in maintenance at start: never a target, never suspended (drain them through the API). */
  readonly maintenance_hosts: ReadonlyArray<string>
  /** Active hosts without VMs kept running after every plan. */
  readonly min_spare_hosts: number
  /** Migrations allowed per `migration_cap_interval` seconds; 0 means no cap. */
  readonly max_migrations_per_interval: number
  readonly migration_cap_interval: number
  /** Seconds a recommended plan stays approvable. */
  readonly plan_max_age: number
  /** Windows in which Neat migrates and suspends nothing (cron and duration each). */
  readonly blackout_windows: ReadonlyArray<TimeWindow>
  /** When some are given, plans execute only while one is open; outside them they are recommended. */
  readonly maintenance_windows: ReadonlyArray<TimeWindow>
  /** Share or number of hosts in disruption at once; undefined: no limit. */
  readonly disruption_budget: DisruptionBudget | undefined
  /**
   * Seconds of one control interval (Neat's `local_manager_interval`, default 300): the
   * recommendations made within one are merged into one plan.
   */
  readonly plan_interval?: number | undefined
  /** MB/s one migration copies (Neat's `network_migration_bandwidth`, default 10): plans' migration time. */
  readonly network_migration_bandwidth?: number | undefined
  /** Utilisation above which plans count a host as an SLA risk (default 0.8). */
  readonly plan_overload_threshold?: number | undefined
  /** Watts an active host draws at a CPU utilisation (0–1); default: the HP ProLiant ML110 G5 of CloudSim's study. */
  readonly host_power_model?: ((host: HostSpec, utilization: number) => number) | undefined
  /**
   * Token of the dashboard's login (the browser never sees the signing secret); the dashboard is
   * off while it is unset.
   */
  readonly dashboard_token: string | undefined
  /** TLS for the API and the dashboard (PEM texts); plain HTTP when absent. */
  readonly global_manager_tls?: GlobalManagerTls | undefined
}

/** The global manager's certificate (with its chain) and private key, PEM. */
export interface GlobalManagerTls {
  readonly cert: string
  readonly key: string
}

export const defaultGlobalManagerOptions: GlobalManagerOptions = {
  global_manager_host: "127.0.0.1",
  global_manager_port: 60080,
  os_admin_user: "admin",
  os_admin_password: "adminpassword",
  neat_compatible_auth: true,
  request_signing_secret: undefined,
  request_freshness_window: 5,
  data_collector_data_length: 100,
  host_cpu_usable_by_vms: 1,
  suspend_idle_hosts: defaultPlanningOptions.suspendIdleHosts,
  snapshot_max_age: 0,
  control_mode: "auto",
  excluded_hosts: [],
  excluded_vms: [],
  maintenance_hosts: [],
  min_spare_hosts: 0,
  max_migrations_per_interval: 0,
  migration_cap_interval: 300,
  plan_max_age: 600,
  blackout_windows: [],
  maintenance_windows: [],
  disruption_budget: undefined,
  dashboard_token: undefined
}

/** The operator's rules from the manager's settings. */
export const policyOf = (options: GlobalManagerOptions): OperatorPolicy => ({
  excludedHosts: new Set(options.excluded_hosts),
  excludedVms: new Set(options.excluded_vms),
  maintenanceHosts: new Set(options.maintenance_hosts),
  minSpareHosts: options.min_spare_hosts,
  maxMigrationsPerInterval: options.max_migrations_per_interval > 0 ? options.max_migrations_per_interval : undefined,
  migrationCapIntervalSec: options.migration_cap_interval,
  ...(options.blackout_windows.length + options.maintenance_windows.length === 0 &&
  options.disruption_budget === undefined
    ? {}
    : {
        schedule: {
          blackouts: options.blackout_windows,
          maintenanceWindows: options.maintenance_windows,
          budget: options.disruption_budget
        }
      })
})

/** The planning options the control core takes, from the manager's settings. */
export const globalOptionsOf = (options: GlobalManagerOptions): GlobalOptions => ({
  vmHistoryLength: options.data_collector_data_length,
  hostCpuUsableByVms: options.host_cpu_usable_by_vms,
  suspendIdleHosts: options.suspend_idle_hosts
})

export class GlobalManagerConfig extends Context.Tag("neat/GlobalManagerConfig")<
  GlobalManagerConfig,
  GlobalManagerOptions
>() {}
