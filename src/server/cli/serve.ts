/**
 * `neat serve`: the global manager. Settings come from neat.conf (`--config`) and flags named after
 * Neat's options, which override it; secrets may come from the environment (NEAT_OS_ADMIN_PASSWORD,
 * NEAT_REQUEST_SIGNING_SECRET) to stay out of `ps`. The store (`sql_connection`) holds the decision
 * log and, for OpenStack, the collectors' histories and the adapter's records.
 */

import { createSecureContext } from "node:tls"
import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Config, Effect, Either, Layer, Option, Redacted } from "effect"
import { ConfigError } from "../../core/errors.js"
import { InvalidConfig } from "../config/InvalidConfig.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import {
  defaultGlobalManagerOptions,
  type GlobalManagerOptions,
  type GlobalManagerTls
} from "../http/GlobalManagerOptions.js"
import { parseParams } from "./algorithmParams.js"
import { configOption, systemConfigFile } from "./configOption.js"
import { flagOrConfig } from "./flagOrConfig.js"
import { withLogFormat } from "./logFormat.js"
import { operatorFlags, operatorSettings } from "./operatorFlags.js"
import { simulatedServeFlags, simulatedServeSettings } from "./simulatedServeFlags.js"
import { loadedDefaultWiring, loadWiring, type WiringSource } from "./wiringSource.js"

/** The HTTP server, the store, the clouds and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/serve.js"))

/** The shortest dashboard token accepted. */
export const minDashboardTokenLength = 16

/** Neat's default placement: best fit decreasing with its default thresholds. */
export const defaultPlacement = "neat.globals.vm_placement.bin_packing.best_fit_decreasing_factory"
export const defaultPlacementParams = '{"cpu_threshold": 0.8, "ram_threshold": 0.95, "last_n_vm_cpu": 2}'

/** The clouds `serve` drives, neat.conf's `mode`. */
export const cloudModes: ReadonlyArray<string> = ["openstack", "sim"]

/** `--mode`, over the clouds a wiring offers (tests add their own). */
export const modeOption = (modes: ReadonlyArray<string>) =>
  Options.choice("mode", modes).pipe(
    Options.optional,
    Options.withDescription("the cloud to drive (mode); required here or in neat.conf")
  )

const secretOption = (name: string, env: string, description: string) =>
  Options.redacted(name).pipe(
    Options.withFallbackConfig(Config.redacted(env)),
    Options.optional,
    Options.withDescription(`${description} (or ${env})`)
  )

const optionalText = (name: string, placeholder = "TEXT") =>
  Options.text(name).pipe(Options.withPseudoName(placeholder), Options.optional)
const optionalInteger = (name: string) => Options.integer(name).pipe(Options.optional)
const optionalFloat = (name: string, placeholder = "NUMBER") =>
  Options.float(name).pipe(Options.withPseudoName(placeholder), Options.optional)

/**
 * The flags. Those with a neat.conf option override it; without a configuration, the defaults
 * named in each description apply.
 */
export const serveFlags = {
  config: configOption,
  globalManagerHost: optionalText("global-manager-host", "ADDRESS").pipe(
    Options.withDescription(
      `address to listen on (global_manager_host; default ${defaultGlobalManagerOptions.global_manager_host})`
    )
  ),
  globalManagerPort: optionalInteger("global-manager-port").pipe(
    Options.withDescription("port to listen on, 0: any free port (global_manager_port; default 60080)")
  ),
  osAdminUser: optionalText("os-admin-user", "NAME").pipe(Options.withDescription("os_admin_user (default admin)")),
  osAdminPassword: secretOption("os-admin-password", "NEAT_OS_ADMIN_PASSWORD", "admin password of Neat's scheme"),
  requestSigningSecret: secretOption(
    "global-manager-signing-secret",
    "NEAT_REQUEST_SIGNING_SECRET",
    "shared secret of signed requests (global_manager_signing_secret)"
  ),
  disableNeatAuth: Options.boolean("disable-neat-auth").pipe(
    Options.withDescription("refuse Neat's SHA-1 credentials; accept signed requests only (neat_compat_auth = false)")
  ),
  globalManagerTlsCert: optionalText("global-manager-tls-cert", "FILE").pipe(
    Options.withDescription(
      "PEM certificate (chain) to serve the API and the dashboard over TLS (global_manager_tls_cert; with the key)"
    )
  ),
  globalManagerTlsKey: optionalText("global-manager-tls-key", "FILE").pipe(
    Options.withDescription("the certificate's PEM private key (global_manager_tls_key)")
  ),
  requestFreshnessWindow: optionalFloat("global-manager-request-max-age", "SECONDS").pipe(
    Options.withDescription("seconds a request stays valid (global_manager_request_max_age; default 5)")
  ),
  dataCollectorDataLength: optionalInteger("data-collector-data-length").pipe(
    Options.withDescription("CPU samples per VM for the placement (default 100)")
  ),
  dataCollectorInterval: optionalFloat("data-collector-interval", "SECONDS").pipe(
    Options.withDescription("seconds (default 300)")
  ),
  networkMigrationBandwidth: optionalFloat("network-migration-bandwidth", "MB/S").pipe(
    Options.withDescription("MB/s, for the expected migration time (default 10)")
  ),
  vmRamMb: Options.float("vm-ram-mb").pipe(
    Options.withPseudoName("MB"),
    Options.withDefault(1024),
    Options.withDescription("typical VM memory, MB")
  ),
  hostCpuUsableByVms: optionalFloat("host-cpu-usable-by-vms").pipe(Options.withDescription("fraction (default 1)")),
  keepIdleHosts: Options.boolean("keep-idle-hosts").pipe(
    Options.withDescription("do not suspend hosts without VMs while handling an underload")
  ),
  snapshotMaxAge: Options.float("snapshot-max-age").pipe(
    Options.withPseudoName("SECONDS"),
    Options.withDefault(defaultGlobalManagerOptions.snapshot_max_age),
    Options.withDescription("seconds a snapshot of the cloud may serve several requests (0: read it every time)")
  ),
  placement: optionalText("placement", "NAME[:PARAMS]").pipe(
    Options.withDescription(
      "VM placement NAME[:NUMBER|:JSON] or a user's MODULE#EXPORT[:NUMBER|:JSON] " +
        "(algorithm_vm_placement_factory and _parameters; default best_fit_decreasing)"
    )
  ),
  sqlConnection: optionalText("sql-connection", "URL").pipe(
    Options.withDescription("the central store (sql_connection); without a configuration, a private in-memory one")
  ),
  mode: modeOption(cloudModes),
  trace: optionalText("trace", "SPEC").pipe(
    Options.withDescription("--mode sim: the simulated cloud's trace (as neat sim --trace)")
  ),
  ...operatorFlags,
  ...simulatedServeFlags
}

export type ServeFlags = Command.Command.ParseConfig<typeof serveFlags>

const check = (ok: boolean, field: string, message: string) =>
  ok ? Effect.void : Effect.fail(new ConfigError({ field, message }))

/** The manager's settings from the flags over the configuration, each checked. */
export const serveOptions = (
  flags: ServeFlags,
  config?: NeatConfig
): Effect.Effect<GlobalManagerOptions, ConfigError> =>
  Effect.gen(function* () {
    const defaults = defaultGlobalManagerOptions
    const port = flagOrConfig(flags.globalManagerPort, config, (c) => c.globalManagerPort, defaults.global_manager_port)
    const freshness = flagOrConfig(
      flags.requestFreshnessWindow,
      config,
      (c) => c.globalManagerRequestMaxAge,
      defaults.request_freshness_window
    )
    const dataLength = flagOrConfig(
      flags.dataCollectorDataLength,
      config,
      (c) => c.dataCollectorDataLength,
      defaults.data_collector_data_length
    )
    const usable = flagOrConfig(
      flags.hostCpuUsableByVms,
      config,
      (c) => c.hostCpuUsableByVms,
      defaults.host_cpu_usable_by_vms
    )
    const finite = (value: number) => Number.isFinite(value)
    const positive = (value: number) => finite(value) && value > 0
    const got = (value: number) => `got ${value}`
    yield* check(port >= 0 && port <= 65535, "global_manager_port", "must be 0-65535")
    yield* check(positive(freshness), "global_manager_request_max_age", `must be positive (seconds), ${got(freshness)}`)
    yield* check(
      finite(flags.snapshotMaxAge) && flags.snapshotMaxAge >= 0,
      "snapshot_max_age",
      `must be 0 or more (seconds), ${got(flags.snapshotMaxAge)}`
    )
    yield* check(dataLength >= 1, "data_collector_data_length", "must be at least 1")
    yield* check(usable > 0 && usable <= 1, "host_cpu_usable_by_vms", "must be in (0, 1]")
    for (const [field, value] of [
      ["data_collector_interval", flags.dataCollectorInterval],
      ["network_migration_bandwidth", flags.networkMigrationBandwidth]
    ] as const) {
      if (Option.isSome(value)) yield* check(positive(value.value), field, `must be positive, ${got(value.value)}`)
    }
    yield* check(positive(flags.vmRamMb), "vm-ram-mb", `must be positive (MB), ${got(flags.vmRamMb)}`)
    yield* check(flags.minSpareHosts >= 0, "min-spare-hosts", `must be 0 or more hosts, ${got(flags.minSpareHosts)}`)
    yield* check(
      flags.maxMigrationsPerInterval >= 0,
      "max-migrations-per-interval",
      `must be 0 (no cap) or more migrations, ${got(flags.maxMigrationsPerInterval)}`
    )
    yield* check(
      positive(flags.migrationCapInterval),
      "migration-cap-interval",
      `must be positive (seconds), ${got(flags.migrationCapInterval)}`
    )
    yield* check(positive(flags.planMaxAge), "plan-max-age", `must be positive (seconds), ${got(flags.planMaxAge)}`)
    const password = Option.orElse(Option.map(flags.osAdminPassword, Redacted.value), () =>
      config === undefined ? Option.none() : Option.some(Redacted.value(config.osAdminPassword))
    )
    const secret =
      Option.getOrUndefined(Option.map(flags.requestSigningSecret, Redacted.value)) ??
      (config?.globalManagerSigningSecret === undefined ? undefined : Redacted.value(config.globalManagerSigningSecret))
    const disableNeatAuth = flags.disableNeatAuth || config?.neatCompatAuth === false
    if (!disableNeatAuth && Option.isNone(password)) {
      return yield* new ConfigError({
        field: "os_admin_password",
        message: "required for Neat's scheme (or pass --disable-neat-auth and a signing secret)"
      })
    }
    if (disableNeatAuth && secret === undefined) {
      return yield* new ConfigError({
        field: "global_manager_signing_secret",
        message: "required when Neat's scheme is disabled, or no request could be accepted"
      })
    }
    const operator = operatorSettings(flags)
    const schedule = yield* scheduleSettings(flags, config)
    const token = operator.dashboard_token
    if (token !== undefined && token.length < minDashboardTokenLength) {
      return yield* new ConfigError({
        field: "dashboard_token",
        message: `must be at least ${minDashboardTokenLength} characters (got ${token.length}): a short token is guessed; generate one with: openssl rand -hex 16`
      })
    }
    return {
      global_manager_host: flagOrConfig(
        flags.globalManagerHost,
        config,
        (c) => c.globalManagerHost,
        defaults.global_manager_host
      ),
      global_manager_port: port,
      os_admin_user: flagOrConfig(flags.osAdminUser, config, (c) => c.osAdminUser, defaults.os_admin_user),
      os_admin_password: Option.getOrElse(password, () => ""),
      neat_compatible_auth: !disableNeatAuth,
      request_signing_secret: secret,
      request_freshness_window: freshness,
      data_collector_data_length: dataLength,
      host_cpu_usable_by_vms: usable,
      suspend_idle_hosts: !flags.keepIdleHosts,
      snapshot_max_age: flags.snapshotMaxAge,
      ...operator,
      ...schedule
    }
  })

/**
 * Blackouts, maintenance windows and the disruption budget: each flag over its neat.conf option
 * (already decoded there), checked with an error naming the option.
 */
const scheduleSettings = (
  flags: ServeFlags,
  config: NeatConfig | undefined
): Effect.Effect<
  Pick<GlobalManagerOptions, "blackout_windows" | "maintenance_windows" | "disruption_budget">,
  ConfigError
> =>
  Effect.gen(function* () {
    // The parsers are loaded with the command's implementation, not with its options.
    const { parseDisruptionBudget, parseWindows } = yield* implementation
    const decoded = <A>(
      field: string,
      flag: Option.Option<string>,
      parse: (text: string) => Either.Either<A, string>
    ) =>
      Option.match(flag, {
        onNone: () => Effect.succeed(undefined),
        onSome: (text) =>
          Either.match(parse(text), {
            onLeft: (message) =>
              Effect.fail(new ConfigError({ field, message, source: `--${field.replace(/_/g, "-")}` })),
            onRight: (value) => Effect.succeed({ value })
          })
      })
    const blackouts = yield* decoded("blackout_windows", flags.blackoutWindows, parseWindows)
    const maintenance = yield* decoded("maintenance_windows", flags.maintenanceWindows, parseWindows)
    const budget = yield* decoded("disruption_budget", flags.disruptionBudget, parseDisruptionBudget)
    return {
      blackout_windows: blackouts?.value ?? config?.blackoutWindows ?? [],
      maintenance_windows: maintenance?.value ?? config?.maintenanceWindows ?? [],
      disruption_budget: budget === undefined ? config?.disruptionBudget : budget.value
    }
  })

/**
 * TLS from `--global-manager-tls-cert`/`--global-manager-tls-key` over neat.conf's
 * `global_manager_tls_cert`/`global_manager_tls_key`: both or neither, each file read and the pair
 * checked (PEM, key matching the certificate) now rather than at the first connection.
 */
export const serveTls = (
  flags: Pick<ServeFlags, "globalManagerTlsCert" | "globalManagerTlsKey">,
  config?: NeatConfig
): Effect.Effect<GlobalManagerTls | undefined, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const path = (flag: Option.Option<string>, fromConfig: (c: NeatConfig) => string) => {
      const chosen = flagOrConfig(flag, config, fromConfig, "").trim()
      return chosen === "" ? undefined : chosen
    }
    const certFile = path(flags.globalManagerTlsCert, (c) => c.globalManagerTlsCert)
    const keyFile = path(flags.globalManagerTlsKey, (c) => c.globalManagerTlsKey)
    if (certFile === undefined && keyFile === undefined) return undefined
    if (certFile === undefined || keyFile === undefined) {
      const [given, missing] =
        certFile === undefined
          ? ["global_manager_tls_key", "global_manager_tls_cert"]
          : ["global_manager_tls_cert", "global_manager_tls_key"]
      return yield* new ConfigError({ field: missing, message: `is required with ${given}: TLS needs both` })
    }
    const fs = yield* FileSystem.FileSystem
    const read = (field: string, file: string) =>
      fs.readFileString(file).pipe(
        Effect.mapError(
          (error) =>
            new ConfigError({
              field,
              message: `cannot read ${file}: ${error.message.split(": ").pop() ?? error.message}`
            })
        )
      )
    const cert = yield* read("global_manager_tls_cert", certFile)
    const key = yield* read("global_manager_tls_key", keyFile)
    return yield* Effect.try({
      try: () => {
        createSecureContext({ cert, key })
        return { cert, key }
      },
      catch: (error) =>
        new ConfigError({
          field: "global_manager_tls_cert",
          message: `${certFile} and ${keyFile} are not a usable PEM certificate and matching private key: ${(error as Error).message}`
        })
    })
  })

/**
 * The configuration `serve` reads: with `--config`, when /etc/neat/neat.conf exists, or for the
 * OpenStack cloud (whose options live there): Neat's defaults, the file, then NEAT_* variables, with
 * the algorithms checked against the registry. Otherwise none: the flags and their defaults suffice.
 */
const serveConfig = (flags: ServeFlags) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const systemFile = yield* fs.exists(systemConfigFile).pipe(Effect.orElseSucceed(() => false))
    const cloudFlag = Option.getOrUndefined(flags.mode)
    if (Option.isNone(flags.config) && !systemFile && cloudFlag !== "openstack") return undefined
    const { loadCliConfig, registryAlgorithmValidator } = yield* implementation
    const interval = Option.getOrElse(flags.dataCollectorInterval, () => 300)
    const bandwidth = Option.getOrElse(flags.networkMigrationBandwidth, () => 10)
    return yield* loadCliConfig(
      flags.config,
      registryAlgorithmValidator({ timeStepSec: interval, migrationTimeSec: flags.vmRamMb / bandwidth })
    )
  })

/** The operator's neat.conf: `--config`, else /etc/neat/neat.conf when it exists. */
const operatorConfigFile = (flags: ServeFlags) =>
  Effect.gen(function* () {
    if (Option.isSome(flags.config)) return flags.config.value
    const fs = yield* FileSystem.FileSystem
    const exists = yield* fs.exists(systemConfigFile).pipe(Effect.orElseSucceed(() => false))
    return exists ? systemConfigFile : undefined
  })

/** The modes `--mode` offers: a test's wiring may offer its own; the default wiring is not loaded to list them. */
const modesOf = (source: WiringSource): ReadonlyArray<string> =>
  typeof source === "function" ? cloudModes : (source.cloudModes ?? cloudModes)

/** The `serve` command over the given wiring. */
export const makeServeCommand = (wiringSource: WiringSource) =>
  Command.make("serve", { ...serveFlags, mode: modeOption(modesOf(wiringSource)) }, (flags) =>
    Effect.gen(function* () {
      const wiring = yield* loadWiring(wiringSource)
      const {
        globalManagerLayer,
        loadCliConfig,
        logListening,
        openStackConfigProblems,
        parseAlgorithmRef,
        preloadAlgorithmRefs,
        serveSimulated,
        serveStore,
        storeOutlivesRun,
        storePlanBookLayer
      } = yield* implementation
      const config = yield* serveConfig(flags)
      const options = {
        ...(yield* serveOptions(flags, config)),
        global_manager_tls: yield* serveTls(flags, config),
        // A recommended plan's migration time, and the interval whose recommendations it merges.
        network_migration_bandwidth: flagOrConfig(
          flags.networkMigrationBandwidth,
          config,
          (c) => c.networkMigrationBandwidth,
          10
        ),
        plan_interval: config?.localManagerInterval ?? 300
      }
      // A user's placement named by the flag (MODULE#EXPORT, from the current folder); neat.conf's is loaded already.
      const placementFlag = Option.getOrUndefined(flags.placement)
      const chosen =
        placementFlag !== undefined
          ? yield* Effect.zipRight(
              preloadAlgorithmRefs([placementFlag]),
              Effect.suspend(() => parseAlgorithmRef("placement", placementFlag, "--placement"))
            )
          : config === undefined
            ? { name: defaultPlacement, params: yield* parseParams("placement", defaultPlacementParams) }
            : config.algorithms.placement
      const ctx = {
        timeStepSec: flagOrConfig(flags.dataCollectorInterval, config, (c) => c.dataCollectorInterval, 300),
        migrationTimeSec:
          flags.vmRamMb / flagOrConfig(flags.networkMigrationBandwidth, config, (c) => c.networkMigrationBandwidth, 10)
      }
      const placer = yield* wiring.algorithms.makePlacer(chosen.name, chosen.params, ctx)
      const kind = Option.getOrUndefined(flags.mode) ?? config?.mode
      if (kind === undefined) {
        return yield* new ConfigError({
          field: "mode",
          message: `required: --mode ${(wiring.cloudModes ?? cloudModes).join("|")}, or mode in neat.conf`
        })
      }
      if (kind === "sim" && options.global_manager_tls !== undefined) {
        return yield* new ConfigError({
          field: "global_manager_tls_cert",
          message: "TLS is served with --mode openstack; the simulated cloud's local managers speak plain HTTP"
        })
      }
      if (kind === "sim") {
        // The store is handed over apart: the run records in it on simulated time (serveSimulated.ts).
        const records = Layer.merge(wiring.decisionLog, storePlanBookLayer)
        // The in-process local managers run neat.conf's detectors and selection (a user's included).
        const local =
          config === undefined
            ? undefined
            : {
                underload: config.algorithms.underload,
                overload: config.algorithms.overload,
                selection: config.algorithms.selection
              }
        return yield* serveSimulated(options, placer, records, serveStore(flags, config), {
          ...simulatedServeSettings(flags),
          algorithms: local,
          placement: chosen,
          recordHistory: storeOutlivesRun(flags, config)
        })
      }
      const loaded = config ?? (yield* loadCliConfig(Option.none()))
      if (kind === "openstack") {
        // Every missing or bad option of the adapter at once, rather than one per start.
        const problems = yield* openStackConfigProblems(loaded, yield* operatorConfigFile(flags))
        if (problems.length > 0) return yield* new InvalidConfig({ problems })
      }
      const cloud = yield* wiring.cloud({ kind, trace: Option.getOrUndefined(flags.trace), config: loaded })
      const server = logListening({
        tls: options.global_manager_tls !== undefined,
        dashboard: options.dashboard_token !== undefined
      }).pipe(
        Layer.provideMerge(globalManagerLayer(options, placer, storePlanBookLayer)),
        Layer.provide(Layer.merge(cloud, wiring.decisionLog)),
        Layer.provide(serveStore(flags, config))
      )
      return yield* Layer.launch(server)
    }).pipe(withLogFormat(flags.logFormat))
  ).pipe(Command.withDescription("Run the global manager (Neat's REST service and the /v1 API)"))

export const serveCommand = makeServeCommand(loadedDefaultWiring)
