/**
 * The live OpenStack `Cloud` as the global manager runs it: the adapter configured from neat.conf,
 * its records and the utilisation histories in the central store. The adapter's options are read
 * through its own loader (`loadOpenStackOptions`) from the loaded configuration, so every value is
 * checked in one place and reported with the option's name and where it was set.
 */
import { ConfigProvider, Effect, Layer, Redacted, Ref } from "effect"
import { OpenStackCloudLive } from "../../adapters/nova/OpenStackCloudLive.js"
import {
  loadOpenStackOptions,
  type OpenStackCloudOptions,
  openStackOptionProblems
} from "../../adapters/nova/OpenStackConfig.js"
import { Cloud } from "../../core/Cloud.js"
import { ConfigError } from "../../core/errors.js"
import { defaultConfigFile, type NeatConfig } from "../config/NeatConfig.js"
import { openStackOptions } from "../config/openStackOptions.js"
import { envVariable } from "../config/options.js"
import type { Store } from "../db/Store.js"
import { StoreHostMacs, StoreHostPowerLog, StoreMigrationLog } from "./StoreCloudRecords.js"
import { StoreUsageHistory } from "./StoreUsageHistory.js"

/** The adapter's options as text, under their neat.conf names; empty values are left out (not set). */
export const openStackSettings = (config: NeatConfig): ReadonlyMap<string, string> => {
  const entries: Array<[string, string]> = [
    ["os_auth_url", config.osAuthUrl],
    ["os_admin_user", config.osAdminUser],
    ["os_admin_password", Redacted.value(config.osAdminPassword)],
    ["os_admin_tenant_name", config.osAdminTenantName],
    ["compute_hosts", config.computeHosts.join(",")],
    ["compute_user", config.computeUser],
    ["compute_password", Redacted.value(config.computePassword)],
    ["network_migration_bandwidth", String(config.networkMigrationBandwidth)],
    ["sleep_command", config.sleepCommand]
  ]
  for (const [field, spec] of Object.entries(openStackOptions)) {
    entries.push([spec.name, config[field as keyof typeof openStackOptions]])
  }
  return new Map(entries.filter(([, value]) => value.trim() !== ""))
}

const fromConfig = (config: NeatConfig) => ConfigProvider.fromMap(new Map(openStackSettings(config)))

/**
 * A problem with where it was set. A missing option names the operator's file (where it belongs),
 * not the shipped defaults that leave it empty.
 */
const located = (error: ConfigError, config: NeatConfig, operatorFile: string | undefined): ConfigError => {
  if (error.source !== undefined) return error
  const option = error.field.split(" ")[0] ?? error.field
  const source = config.sources[option]
  const unset = source === undefined || source.startsWith(`${defaultConfigFile}:`)
  if (error.message.startsWith("is not set") && unset) {
    const where = operatorFile === undefined ? "neat.conf" : operatorFile
    return new ConfigError({
      field: error.field,
      message: `${error.message}: set it in ${where} or ${envVariable(option)}`
    })
  }
  return source === undefined ? error : new ConfigError({ field: error.field, message: error.message, source })
}

/** The adapter's options from neat.conf; a bad value names its option and where it was set. */
export const openStackOptionsFromConfig = (config: NeatConfig): Effect.Effect<OpenStackCloudOptions, ConfigError> =>
  Effect.withConfigProvider(loadOpenStackOptions, fromConfig(config)).pipe(
    Effect.mapError((error) => located(error, config, undefined))
  )

/**
 * Every missing or bad option of the adapter at once (empty when it can start), each naming where
 * it was set, or, when missing, `operatorFile` where it belongs.
 */
export const openStackConfigProblems = (
  config: NeatConfig,
  operatorFile: string | undefined
): Effect.Effect<ReadonlyArray<ConfigError>> =>
  Effect.withConfigProvider(openStackOptionProblems, fromConfig(config)).pipe(
    Effect.map((problems) => problems.map((problem) => located(problem, config, operatorFile)))
  )

/**
 * The OpenStack `Cloud` over the `Store`. Host utilisation in the store is the hypervisor's own
 * share; the VMs a host runs are added back from the cloud's latest inventory, which every control
 * step reads before it asks for histories.
 */
export const openStackCloudFromOptions = (options: OpenStackCloudOptions): Layer.Layer<Cloud, ConfigError, Store> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const vmsByHost = yield* Ref.make<ReadonlyMap<string, ReadonlyArray<string>>>(new Map())
      const records = Layer.mergeAll(
        StoreUsageHistory((host) => Effect.map(Ref.get(vmsByHost), (map) => map.get(host) ?? [])),
        StoreMigrationLog,
        StoreHostPowerLog,
        StoreHostMacs(options.hostMacs)
      )
      const indexed = Layer.effect(
        Cloud,
        Effect.map(Cloud, (cloud) => ({
          ...cloud,
          hosts: Effect.tap(cloud.hosts, (hosts) =>
            Ref.set(vmsByHost, new Map(hosts.map((host) => [host.name, host.vms])))
          )
        }))
      )
      return indexed.pipe(Layer.provide(OpenStackCloudLive(options)), Layer.provide(records))
    })
  )

/** The OpenStack `Cloud` configured from neat.conf, over the `Store`. */
export const openStackCloud = (config: NeatConfig): Layer.Layer<Cloud, ConfigError, Store> =>
  Layer.unwrapEffect(Effect.map(openStackOptionsFromConfig(config), openStackCloudFromOptions))
