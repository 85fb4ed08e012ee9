/**
 * The `Cloud` layer for a real OpenStack, assembled from its parts: an HTTP client with the
 * configured TLS trust, Keystone, Nova, RemoteShell, WakeOnLan, HostPower and the migration
 * executor. The services the live store backs (UsageHistory, MigrationLog, HostPowerLog,
 * HostMacs) are left as requirements; `OpenStackCloudStandalone` fills them in memory.
 */
import { readFileSync } from "node:fs"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import type { Cloud } from "../../core/Cloud.js"
import { ConfigError } from "../../core/errors.js"
import { HostMacs, HostMacsFromConfig } from "./HostMacs.js"
import { HostPowerLive } from "./HostPower.js"
import { HostPowerLog, HostPowerLogInMemory } from "./HostPowerLog.js"
import { KeystoneLive } from "./Keystone.js"
import { MigrationLog, MigrationLogInMemory } from "./MigrationLog.js"
import { NovaLive } from "./Nova.js"
import { OpenStackCloudFromServices } from "./OpenStackCloud.js"
import { loadOpenStackOptions, type OpenStackCloudOptions, type TlsOptions } from "./OpenStackConfig.js"
import { RemoteShellLive } from "./RemoteShell.js"
import { UsageHistory, UsageHistoryInMemory } from "./UsageHistory.js"
import { WakeOnLanLive } from "./WakeOnLan.js"

/** An HttpClient that trusts the configured CA bundle (or nothing, when insecure). */
export const openStackHttpClient = (tls: TlsOptions) =>
  Layer.unwrapEffect(
    Effect.try({
      try: () => (tls.caBundlePath === undefined ? undefined : readFileSync(tls.caBundlePath)),
      catch: (cause) =>
        new ConfigError({
          field: "os_cacert",
          message: `cannot read ${tls.caBundlePath}: ${cause instanceof Error ? cause.message : String(cause)}`
        })
    }).pipe(
      Effect.map((ca) =>
        NodeHttpClient.layerWithoutAgent.pipe(
          Layer.provide(
            NodeHttpClient.makeAgentLayer({
              ...(ca === undefined ? {} : { ca }),
              rejectUnauthorized: !tls.insecure
            })
          )
        )
      )
    )
  )

/** The live `Cloud`; the store-backed services are requirements. */
export const OpenStackCloudLive = (
  options: OpenStackCloudOptions
): Layer.Layer<Cloud, ConfigError, UsageHistory | MigrationLog | HostPowerLog | HostMacs> => {
  const nova = NovaLive(options.nova).pipe(
    Layer.provide(KeystoneLive(options.keystone)),
    Layer.provide(openStackHttpClient(options.tls))
  )
  const shell = RemoteShellLive(options.ssh).pipe(
    Layer.mapError((error) => new ConfigError({ field: "compute_ssh_key", message: error.message }))
  )
  const power = HostPowerLive(options.power).pipe(Layer.provide(Layer.mergeAll(shell, WakeOnLanLive(options.wol))))
  return OpenStackCloudFromServices(options.inventory, options.migration).pipe(
    Layer.provide(power),
    Layer.provide(nova)
  )
}

/** The live `Cloud` with in-memory records and usage and the configured MACs (tests, one-off CLI use). */
export const OpenStackCloudStandalone = (options: OpenStackCloudOptions): Layer.Layer<Cloud, ConfigError> =>
  OpenStackCloudLive(options).pipe(
    Layer.provide(
      Layer.mergeAll(
        UsageHistoryInMemory,
        MigrationLogInMemory,
        HostPowerLogInMemory,
        HostMacsFromConfig(options.hostMacs)
      )
    )
  )

/** `OpenStackCloudLive` configured from the current ConfigProvider (Neat's option names). */
export const OpenStackCloudLiveConfig: Layer.Layer<
  Cloud,
  ConfigError,
  UsageHistory | MigrationLog | HostPowerLog | HostMacs
> = Layer.unwrapEffect(Effect.map(loadOpenStackOptions, OpenStackCloudLive))

export { HostMacs, HostPowerLog, MigrationLog, UsageHistory }
