/**
 * The global manager's settings, named as in Neat's `neat.conf` (our own additions in the same
 * style). The configuration loader fills this; until then the CLI does.
 */
import { Context } from "effect"
import { defaultPlanningOptions } from "../../core/control/GlobalPlanning.js"
import type { GlobalOptions } from "../../core/control/Reallocate.js"

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
  snapshot_max_age: 0
}

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
