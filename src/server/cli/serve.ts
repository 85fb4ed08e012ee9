/**
 * `neat serve`: the global manager. Settings carry Neat's option names (as flags); secrets may come
 * from the environment (NEAT_OS_ADMIN_PASSWORD, NEAT_REQUEST_SIGNING_SECRET) to stay out of `ps`.
 */
import { Command, Options } from "@effect/cli"
import { HttpServer } from "@effect/platform"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { ConfigError } from "../../core/errors.js"
import { globalManagerLayer } from "../http/GlobalManager.js"
import { defaultGlobalManagerOptions, type GlobalManagerOptions } from "../http/GlobalManagerOptions.js"
import { jsonLogging } from "../http/JsonLogging.js"
import { serveSimulated } from "../simulated/serveSimulated.js"
import { operatorFlags, operatorSettings } from "./operatorFlags.js"
import { simulatedServeFlags, simulatedServeSettings } from "./simulatedServeFlags.js"
import { defaultWiring, parseParams, type Wiring } from "./wiring.js"

/** Neat's default placement: best fit decreasing with its default thresholds. */
export const defaultPlacement = "neat.globals.vm_placement.bin_packing.best_fit_decreasing_factory"
export const defaultPlacementParams = '{"cpu_threshold": 0.8, "ram_threshold": 0.95, "last_n_vm_cpu": 2}'

const secretOption = (name: string, env: string, description: string) =>
  Options.redacted(name).pipe(
    Options.withFallbackConfig(Config.redacted(env)),
    Options.optional,
    Options.withDescription(`${description} (or ${env})`)
  )

export const serveFlags = {
  globalManagerHost: Options.text("global-manager-host").pipe(
    Options.withDefault(defaultGlobalManagerOptions.global_manager_host),
    Options.withDescription("address to listen on")
  ),
  globalManagerPort: Options.integer("global-manager-port").pipe(
    Options.withDefault(defaultGlobalManagerOptions.global_manager_port),
    Options.withDescription("port to listen on (0: any free port)")
  ),
  osAdminUser: Options.text("os-admin-user").pipe(Options.withDefault(defaultGlobalManagerOptions.os_admin_user)),
  osAdminPassword: secretOption("os-admin-password", "NEAT_OS_ADMIN_PASSWORD", "admin password of Neat's scheme"),
  requestSigningSecret: secretOption(
    "request-signing-secret",
    "NEAT_REQUEST_SIGNING_SECRET",
    "shared secret of signed requests"
  ),
  disableNeatAuth: Options.boolean("disable-neat-auth").pipe(
    Options.withDescription("refuse Neat's SHA-1 credentials; accept signed requests only")
  ),
  requestFreshnessWindow: Options.float("request-freshness-window").pipe(
    Options.withDefault(defaultGlobalManagerOptions.request_freshness_window),
    Options.withDescription("seconds a request stays valid")
  ),
  dataCollectorDataLength: Options.integer("data-collector-data-length").pipe(
    Options.withDefault(defaultGlobalManagerOptions.data_collector_data_length)
  ),
  dataCollectorInterval: Options.float("data-collector-interval").pipe(Options.withDefault(300)),
  networkMigrationBandwidth: Options.float("network-migration-bandwidth").pipe(
    Options.withDefault(10),
    Options.withDescription("MB/s, for the expected migration time")
  ),
  vmRamMb: Options.float("vm-ram-mb").pipe(Options.withDefault(1024), Options.withDescription("typical VM memory, MB")),
  hostCpuUsableByVms: Options.float("host-cpu-usable-by-vms").pipe(
    Options.withDefault(defaultGlobalManagerOptions.host_cpu_usable_by_vms)
  ),
  keepIdleHosts: Options.boolean("keep-idle-hosts").pipe(
    Options.withDescription("do not suspend hosts without VMs while handling an underload")
  ),
  snapshotMaxAge: Options.float("snapshot-max-age").pipe(
    Options.withDefault(defaultGlobalManagerOptions.snapshot_max_age),
    Options.withDescription("seconds a snapshot of the cloud may serve several requests (0: read it every time)")
  ),
  placement: Options.text("algorithm-vm-placement-factory").pipe(Options.withDefault(defaultPlacement)),
  placementParams: Options.text("algorithm-vm-placement-parameters").pipe(Options.withDefault(defaultPlacementParams)),
  cloud: Options.text("cloud").pipe(Options.withDescription("the cloud to drive (sim, ...)")),
  trace: Options.text("trace").pipe(Options.optional, Options.withDescription("trace of the simulated cloud")),
  ...operatorFlags,
  ...simulatedServeFlags
}

type ServeFlags = Command.Command.ParseConfig<typeof serveFlags>

const check = (ok: boolean, field: string, message: string) =>
  ok ? Effect.void : Effect.fail(new ConfigError({ field, message }))

/** The manager's settings from the flags, each checked. */
export const serveOptions = (flags: ServeFlags): Effect.Effect<GlobalManagerOptions, ConfigError> =>
  Effect.gen(function* () {
    yield* check(
      flags.globalManagerPort >= 0 && flags.globalManagerPort <= 65535,
      "global_manager_port",
      "must be 0-65535"
    )
    yield* check(flags.requestFreshnessWindow > 0, "request_freshness_window", "must be positive (seconds)")
    yield* check(flags.snapshotMaxAge >= 0, "snapshot_max_age", "must be 0 or more (seconds)")
    yield* check(flags.dataCollectorDataLength >= 1, "data_collector_data_length", "must be at least 1")
    yield* check(
      flags.hostCpuUsableByVms > 0 && flags.hostCpuUsableByVms <= 1,
      "host_cpu_usable_by_vms",
      "must be in (0, 1]"
    )
    const password = Option.map(flags.osAdminPassword, Redacted.value)
    const secret = Option.getOrUndefined(Option.map(flags.requestSigningSecret, Redacted.value))
    if (!flags.disableNeatAuth && Option.isNone(password)) {
      return yield* new ConfigError({
        field: "os_admin_password",
        message: "required for Neat's scheme (or pass --disable-neat-auth and a signing secret)"
      })
    }
    if (flags.disableNeatAuth && secret === undefined) {
      return yield* new ConfigError({
        field: "request_signing_secret",
        message: "required when Neat's scheme is disabled, or no request could be accepted"
      })
    }
    return {
      ...defaultGlobalManagerOptions,
      global_manager_host: flags.globalManagerHost,
      global_manager_port: flags.globalManagerPort,
      os_admin_user: flags.osAdminUser,
      os_admin_password: Option.getOrElse(password, () => ""),
      neat_compatible_auth: !flags.disableNeatAuth,
      request_signing_secret: secret,
      request_freshness_window: flags.requestFreshnessWindow,
      data_collector_data_length: flags.dataCollectorDataLength,
      host_cpu_usable_by_vms: flags.hostCpuUsableByVms,
      suspend_idle_hosts: !flags.keepIdleHosts,
      snapshot_max_age: flags.snapshotMaxAge,
      ...operatorSettings(flags)
    }
  })

/** The `serve` command over the given wiring. */
export const makeServeCommand = (wiring: Wiring) =>
  Command.make("serve", serveFlags, (flags) =>
    Effect.gen(function* () {
      const options = yield* serveOptions(flags)
      const params = yield* parseParams("algorithm_vm_placement_parameters", flags.placementParams)
      const ctx = {
        timeStepSec: flags.dataCollectorInterval,
        migrationTimeSec: flags.vmRamMb / flags.networkMigrationBandwidth
      }
      const placer = yield* wiring.algorithms.makePlacer(flags.placement, params, ctx)
      if (flags.cloud === "sim") {
        return yield* serveSimulated(options, placer, wiring.decisionLog, simulatedServeSettings(flags))
      }
      const cloud = yield* wiring.cloud({ kind: flags.cloud, trace: Option.getOrUndefined(flags.trace) })
      const server = globalManagerLayer(options, placer).pipe(
        HttpServer.withLogAddress,
        Layer.provide(Layer.merge(cloud, wiring.decisionLog)),
        Layer.provide(flags.logFormat === "json" ? jsonLogging() : Layer.empty)
      )
      return yield* Layer.launch(server)
    })
  ).pipe(Command.withDescription("Run the global manager (Neat's REST service and the /v1 API)"))

export const serveCommand = makeServeCommand(defaultWiring)
