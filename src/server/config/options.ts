/**
 * Every neat.conf option: its name, how its value is decoded and what it means. OpenStack Neat's
 * options keep their names and meaning; the ones after them are ours. config/neat.conf holds the
 * defaults, and docs/operations.md describes each option.
 */
import type { Schema } from "effect"
import { openStackOptions } from "./openStackOptions.js"
import {
  DisruptionBudgetText,
  Flag,
  Fraction,
  HostList,
  HttpUrl,
  integerBetween,
  MacOrEmpty,
  NonEmptyText,
  oneOf,
  Port,
  PositiveInteger,
  PositiveNumber,
  Seconds,
  SecretText,
  SigningSecret,
  SqlConnection,
  Text,
  WindowList
} from "./optionSchemas.js"

export interface OptionSpec<A> {
  /** The option's name in neat.conf (lower case). */
  readonly name: string
  readonly schema: Schema.Schema<A, string>
}

const option = <A>(name: string, schema: Schema.Schema<A, string>): OptionSpec<A> => ({ name, schema })

/** The plain options, keyed by the field of NeatConfig they fill. */
export const plainOptions = {
  // OpenStack Neat
  logDirectory: option("log_directory", NonEmptyText),
  logLevel: option("log_level", integerBetween(0, 3)),
  vmInstanceDirectory: option("vm_instance_directory", NonEmptyText),
  sqlConnection: option("sql_connection", SqlConnection),
  osAdminTenantName: option("os_admin_tenant_name", Text),
  osAdminUser: option("os_admin_user", Text),
  osAdminPassword: option("os_admin_password", SecretText),
  osAuthUrl: option("os_auth_url", HttpUrl),
  computeHosts: option("compute_hosts", HostList),
  globalManagerHost: option("global_manager_host", NonEmptyText),
  globalManagerPort: option("global_manager_port", Port),
  dbCleanerInterval: option("db_cleaner_interval", Seconds),
  localDataDirectory: option("local_data_directory", NonEmptyText),
  localManagerInterval: option("local_manager_interval", Seconds),
  dataCollectorInterval: option("data_collector_interval", Seconds),
  dataCollectorDataLength: option("data_collector_data_length", PositiveInteger),
  hostCpuOverloadThreshold: option("host_cpu_overload_threshold", Fraction),
  hostCpuUsableByVms: option("host_cpu_usable_by_vms", Fraction),
  computeUser: option("compute_user", Text),
  computePassword: option("compute_password", SecretText),
  networkMigrationBandwidth: option("network_migration_bandwidth", PositiveNumber),
  sleepCommand: option("sleep_command", NonEmptyText),
  etherWakeInterface: option("ether_wake_interface", Text),
  // Ours
  mode: option("mode", oneOf(["openstack", "sim"] as const)),
  neatCompatAuth: option("neat_compat_auth", Flag),
  globalManagerSigningSecret: option("global_manager_signing_secret", SigningSecret),
  globalManagerRequestMaxAge: option("global_manager_request_max_age", Seconds),
  globalManagerTlsCert: option("global_manager_tls_cert", Text),
  globalManagerTlsKey: option("global_manager_tls_key", Text),
  globalManagerTlsCa: option("global_manager_tls_ca", Text),
  libvirtUri: option("libvirt_uri", NonEmptyText),
  virshCommand: option("virsh_command", NonEmptyText),
  procStatPath: option("proc_stat_path", NonEmptyText),
  localHostName: option("local_host_name", Text),
  localHostMac: option("local_host_mac", MacOrEmpty),
  collectorSource: option("collector_source", oneOf(["libvirt", "replay"] as const)),
  replayTrace: option("replay_trace", Text),
  replaySampleSec: option("replay_sample_sec", Seconds),
  replayHostOwnFraction: option("replay_host_own_fraction", Fraction),
  blackoutWindows: option("blackout_windows", WindowList),
  maintenanceWindows: option("maintenance_windows", WindowList),
  disruptionBudget: option("disruption_budget", DisruptionBudgetText),
  // The OpenStack adapter's (decoded by the adapter)
  ...openStackOptions
} as const

/** The algorithm options: a factory name and its JSON parameters, keyed by role. */
export const algorithmOptions = {
  underload: { factory: "algorithm_underload_detection_factory", params: "algorithm_underload_detection_parameters" },
  overload: { factory: "algorithm_overload_detection_factory", params: "algorithm_overload_detection_parameters" },
  selection: { factory: "algorithm_vm_selection_factory", params: "algorithm_vm_selection_parameters" },
  placement: { factory: "algorithm_vm_placement_factory", params: "algorithm_vm_placement_parameters" }
} as const

/** Every option name neat.conf accepts. */
export const optionNames: ReadonlyArray<string> = [
  ...Object.values(plainOptions).map((spec) => spec.name),
  ...Object.values(algorithmOptions).flatMap((pair) => [pair.factory, pair.params])
]

/** The environment variable that overrides an option: NEAT_ and the name in upper case. */
export const envVariable = (name: string): string => `NEAT_${name.toUpperCase()}`
