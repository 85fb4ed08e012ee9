/**
 * `neat local-manager`: the local manager of this compute host. Settings come from neat.conf
 * (`--config`) and flags named after Neat's options, which override it; secrets may come from the
 * environment (NEAT_OS_ADMIN_PASSWORD, NEAT_REQUEST_SIGNING_SECRET).
 */

import { X509Certificate } from "node:crypto"
import { readFileSync } from "node:fs"
import { cpus, hostname } from "node:os"
import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Config, Effect, Option, Redacted } from "effect"
import type { AlgorithmFamily } from "../../algorithms/registry.js"
import type { LocalAlgorithms } from "../../core/control/LocalDecision.js"
import { ConfigError } from "../../core/errors.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import type { GlobalManagerTrust } from "../localManager/GlobalManagerClient.js"
import type { LocalManagerOptions } from "../localManager/LocalManager.js"
import { parseParams } from "./algorithmParams.js"
import { configOption, systemConfigFile } from "./configOption.js"
import { flagOrConfig } from "./flagOrConfig.js"
import { logFormatOption, withLogFormat } from "./logFormat.js"
import type { Wiring } from "./wiring.js"
import { loadedDefaultWiring, loadWiring, type WiringSource } from "./wiringSource.js"

/** The manager, the registry and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/localManager.js"))

/** Neat's default local algorithms and parameters (neat.conf). */
export const defaultLocalAlgorithms = {
  underload: "neat.locals.underload.trivial.last_n_average_threshold_factory",
  underloadParams: '{"threshold": 0.5, "n": 2}',
  overload: "neat.locals.overload.mhod.core.mhod_factory",
  overloadParams:
    '{"state_config": [0.8], "otf": 0.1, "history_size": 500, "window_sizes": [30, 40, 50, 60, 70, 80, 90, 100], "bruteforce_step": 0.5, "learning_steps": 10}',
  selection: "neat.locals.vm_selection.algorithms.minimum_migration_time_max_cpu_factory",
  selectionParams: '{"last_n": 2}'
}

const secretOption = (name: string, env: string) =>
  Options.redacted(name).pipe(
    Options.withFallbackConfig(Config.redacted(env)),
    Options.optional,
    Options.withDescription(`or ${env}`)
  )

const optionalText = (name: string, placeholder = "TEXT") =>
  Options.text(name).pipe(Options.withPseudoName(placeholder), Options.optional)
const optionalFloat = (name: string, placeholder = "NUMBER") =>
  Options.float(name).pipe(Options.withPseudoName(placeholder), Options.optional)
const algorithmOption = (family: AlgorithmFamily, option: string, fallback: string) =>
  optionalText(family, "NAME[:PARAMS]").pipe(
    Options.withDescription(
      `${family} algorithm NAME[:NUMBER|:JSON] or a user's MODULE#EXPORT[:NUMBER|:JSON] ` +
        `(algorithm_${option}_factory and _parameters; default ${fallback})`
    )
  )

/**
 * The flags. Those with a neat.conf option override it; without a configuration, the defaults
 * named in each description apply.
 */
export const localManagerFlags = {
  config: configOption,
  logFormat: logFormatOption,
  localDataDirectory: Options.directory("local-data-directory", { exists: "yes" }).pipe(
    Options.optional,
    Options.withDescription("Neat's local data directory, vms/<uuid> and host files (local_data_directory)")
  ),
  localManagerInterval: optionalFloat("local-manager-interval", "SECONDS").pipe(
    Options.withDescription("seconds between two decisions (default 300)")
  ),
  globalManagerHost: optionalText("global-manager-host", "ADDRESS").pipe(
    Options.withDescription("the global manager's address (default 127.0.0.1)")
  ),
  globalManagerPort: Options.integer("global-manager-port").pipe(
    Options.optional,
    Options.withDescription("the global manager's port (default 60080)")
  ),
  osAdminUser: optionalText("os-admin-user", "NAME").pipe(Options.withDescription("os_admin_user (default admin)")),
  osAdminPassword: secretOption("os-admin-password", "NEAT_OS_ADMIN_PASSWORD"),
  requestSigningSecret: secretOption("global-manager-signing-secret", "NEAT_REQUEST_SIGNING_SECRET"),
  globalManagerTlsCa: optionalText("global-manager-tls-ca", "FILE").pipe(
    Options.withDescription(
      "PEM CA certificates (or the self-signed certificate) to trust for the global manager's TLS, beside the system's; implies HTTPS (global_manager_tls_ca)"
    )
  ),
  hostName: optionalText("local-host-name", "NAME").pipe(
    Options.withDescription("this host's name as Nova knows it (local_host_name; default: this machine's name)")
  ),
  hostCpuMhz: Options.float("host-cpu-mhz").pipe(
    Options.withPseudoName("MHZ"),
    Options.optional,
    Options.withDescription("total CPU, MHz (default: cores × MHz reported by the system)")
  ),
  hostCpuUsableByVms: optionalFloat("host-cpu-usable-by-vms").pipe(Options.withDescription("fraction (default 1)")),
  vmRamMb: Options.float("vm-ram-mb").pipe(
    Options.withPseudoName("MB"),
    Options.withDefault(1024),
    Options.withDescription("typical VM memory, MB, for the expected migration time")
  ),
  dataCollectorInterval: optionalFloat("data-collector-interval", "SECONDS").pipe(
    Options.withDescription("seconds (default 300)")
  ),
  networkMigrationBandwidth: optionalFloat("network-migration-bandwidth", "MB/S").pipe(
    Options.withDescription("MB/s (default 10)")
  ),
  stateFile: optionalText("state-file", "FILE").pipe(
    Options.withDescription("where the detectors' state is kept between runs")
  ),
  underload: algorithmOption("underload", "underload_detection", "last_n_average_threshold"),
  overload: algorithmOption("overload", "overload_detection", "mhod"),
  selection: algorithmOption("selection", "vm_selection", "minimum_migration_time_max_cpu"),
  iterations: Options.integer("iterations").pipe(Options.optional, Options.withDescription("stop after this many"))
}

type LocalManagerFlags = Command.Command.ParseConfig<typeof localManagerFlags>

const systemCpuMhz = (): number => cpus().reduce((total, cpu) => total + cpu.speed, 0)

/** The manager's settings from the flags over the configuration, each checked. */
export const localManagerOptions = (
  flags: LocalManagerFlags,
  config?: NeatConfig
): Effect.Effect<LocalManagerOptions, ConfigError> =>
  Effect.gen(function* () {
    const fail = (field: string, message: string) => Effect.fail(new ConfigError({ field, message }))
    const interval = flagOrConfig(flags.localManagerInterval, config, (c) => c.localManagerInterval, 300)
    if (!(interval > 0)) return yield* fail("local_manager_interval", "must be positive (seconds)")
    const usable = flagOrConfig(flags.hostCpuUsableByVms, config, (c) => c.hostCpuUsableByVms, 1)
    if (!(usable > 0 && usable <= 1)) return yield* fail("host_cpu_usable_by_vms", "must be in (0, 1]")
    const hostCpuMhz = Option.getOrElse(flags.hostCpuMhz, systemCpuMhz)
    if (!(hostCpuMhz > 0)) return yield* fail("host_cpu_mhz", "must be positive (the system reports no CPU speed)")
    if (!(flags.vmRamMb > 0 && Number.isFinite(flags.vmRamMb)))
      return yield* fail("vm-ram-mb", `must be positive (MB), got ${flags.vmRamMb}`)
    if (Option.isSome(flags.iterations) && flags.iterations.value < 1)
      return yield* fail("iterations", `must be at least 1, got ${flags.iterations.value}`)
    const directory = Option.getOrUndefined(flags.localDataDirectory) ?? config?.localDataDirectory
    if (directory === undefined) {
      return yield* fail(
        "local_data_directory",
        "required: --local-data-directory, or local_data_directory in neat.conf"
      )
    }
    const secret =
      Option.getOrUndefined(Option.map(flags.requestSigningSecret, Redacted.value)) ??
      (config?.globalManagerSigningSecret === undefined ? undefined : Redacted.value(config.globalManagerSigningSecret))
    const password =
      Option.getOrUndefined(Option.map(flags.osAdminPassword, Redacted.value)) ??
      (config === undefined ? undefined : Redacted.value(config.osAdminPassword))
    if (secret === undefined && password === undefined) {
      return yield* fail("os_admin_password", "required unless requests are signed (global_manager_signing_secret)")
    }
    const configuredName = config?.localHostName.trim()
    const tls = yield* globalManagerTrust(
      Option.getOrUndefined(flags.globalManagerTlsCa) ?? config?.globalManagerTlsCa,
      (config?.globalManagerTlsCert ?? "") !== ""
    )
    return {
      global_manager_host: flagOrConfig(flags.globalManagerHost, config, (c) => c.globalManagerHost, "127.0.0.1"),
      global_manager_port: flagOrConfig(flags.globalManagerPort, config, (c) => c.globalManagerPort, 60080),
      os_admin_user: flagOrConfig(flags.osAdminUser, config, (c) => c.osAdminUser, "admin"),
      os_admin_password: password ?? "",
      request_signing_secret: secret,
      local_data_directory: directory,
      local_manager_interval: interval,
      host_name: Option.getOrElse(flags.hostName, () =>
        configuredName === undefined || configuredName === "" ? hostname() : configuredName
      ),
      host_cpu_mhz: hostCpuMhz,
      host_cpu_usable_by_vms: usable,
      vm_ram_mb: flags.vmRamMb,
      state_file: Option.getOrUndefined(flags.stateFile),
      ...(tls === undefined ? {} : { global_manager_tls: tls })
    }
  })

/**
 * How the global manager's TLS is trusted: the CA file's certificates (read and checked now), or
 * the system's when only the shared neat.conf says the global manager serves TLS; undefined: HTTP.
 */
export const globalManagerTrust = (
  caFile: string | undefined,
  servesTls: boolean
): Effect.Effect<GlobalManagerTrust | undefined, ConfigError> =>
  Effect.gen(function* () {
    if (caFile === undefined || caFile.trim() === "") return servesTls ? {} : undefined
    const fail = (message: string) => new ConfigError({ field: "global_manager_tls_ca", message })
    const ca = yield* Effect.try({
      try: () => readFileSync(caFile, "utf8"),
      catch: (cause) => fail(`cannot read ${caFile}: ${cause instanceof Error ? cause.message : String(cause)}`)
    })
    const certificates = ca.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    if (certificates.length === 0) return yield* fail(`${caFile} holds no PEM certificate`)
    for (const pem of certificates) {
      yield* Effect.try({
        try: () => new X509Certificate(pem),
        catch: (cause) =>
          fail(
            `${caFile} holds a certificate that cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`
          )
      })
    }
    return { ca }
  })

/** One algorithm: the flag's NAME[:PARAMS], else the configuration's, else Neat's defaults. */
const algorithmChoice = (
  family: AlgorithmFamily,
  flag: Option.Option<string>,
  configured: { readonly name: string; readonly params: unknown } | undefined,
  defaults: { readonly name: string; readonly params: string }
): Effect.Effect<{ readonly name: string; readonly params: unknown }, ConfigError> =>
  Effect.gen(function* () {
    if (Option.isSome(flag)) {
      const { parseAlgorithmRef, preloadAlgorithmRefs } = yield* implementation
      // A user's algorithm (MODULE#EXPORT) is loaded first, so its own defaults apply.
      yield* preloadAlgorithmRefs([flag.value])
      return yield* parseAlgorithmRef(family, flag.value, `--${family}`)
    }
    if (configured !== undefined) return configured
    return { name: defaults.name, params: yield* parseParams(`--${family}`, defaults.params) }
  })

/** The algorithms' names and parameters from the flags over the configuration. */
export const localAlgorithmChoices = (flags: LocalManagerFlags, config?: NeatConfig) =>
  Effect.all({
    underload: algorithmChoice("underload", flags.underload, config?.algorithms.underload, {
      name: defaultLocalAlgorithms.underload,
      params: defaultLocalAlgorithms.underloadParams
    }),
    overload: algorithmChoice("overload", flags.overload, config?.algorithms.overload, {
      name: defaultLocalAlgorithms.overload,
      params: defaultLocalAlgorithms.overloadParams
    }),
    selection: algorithmChoice("selection", flags.selection, config?.algorithms.selection, {
      name: defaultLocalAlgorithms.selection,
      params: defaultLocalAlgorithms.selectionParams
    })
  })

/** The algorithm context: the collector's interval and the expected migration time. */
const algorithmContext = (flags: LocalManagerFlags, config?: NeatConfig) => ({
  timeStepSec: flagOrConfig(flags.dataCollectorInterval, config, (c) => c.dataCollectorInterval, 300),
  migrationTimeSec:
    flags.vmRamMb / flagOrConfig(flags.networkMigrationBandwidth, config, (c) => c.networkMigrationBandwidth, 10)
})

/** The local algorithms from the flags over the configuration, through the registry. */
export const localAlgorithms = (
  wiring: Wiring,
  flags: LocalManagerFlags,
  config?: NeatConfig
): Effect.Effect<LocalAlgorithms, ConfigError> =>
  Effect.gen(function* () {
    const { preloadAlgorithmRefs } = yield* implementation
    const ctx = algorithmContext(flags, config)
    const choices = yield* localAlgorithmChoices(flags, config)
    // A user's algorithm named by a flag (MODULE#EXPORT, from the current folder); neat.conf's are loaded already.
    yield* preloadAlgorithmRefs([choices.underload.name, choices.overload.name, choices.selection.name])
    const factories = wiring.algorithms
    return {
      underload: yield* factories.makeDetector("underload", choices.underload.name, choices.underload.params, ctx),
      overload: yield* factories.makeDetector("overload", choices.overload.name, choices.overload.params, ctx),
      selector: yield* factories.makeSelector(choices.selection.name, choices.selection.params, ctx)
    }
  })

/**
 * The configuration `local-manager` reads: with `--config` or when /etc/neat/neat.conf exists,
 * Neat's defaults, the file, then NEAT_* variables, algorithms checked against the registry.
 */
const localManagerConfig = (flags: LocalManagerFlags) =>
  Effect.gen(function* () {
    const { loadCliConfig, registryAlgorithmValidator } = yield* implementation
    const fs = yield* FileSystem.FileSystem
    const systemFile = yield* fs.exists(systemConfigFile).pipe(Effect.orElseSucceed(() => false))
    if (Option.isNone(flags.config) && !systemFile) return undefined
    return yield* loadCliConfig(flags.config, registryAlgorithmValidator(algorithmContext(flags)))
  })

/** The `local-manager` command over the given wiring. */
export const makeLocalManagerCommand = (wiringSource: WiringSource) =>
  Command.make("local-manager", localManagerFlags, (flags) =>
    Effect.gen(function* () {
      const wiring = yield* loadWiring(wiringSource)
      const { runLocalManager } = yield* implementation
      const config = yield* localManagerConfig(flags)
      const options = yield* localManagerOptions(flags, config)
      const algorithms = yield* localAlgorithms(wiring, flags, config)
      const choices = yield* localAlgorithmChoices(flags, config)
      const names = {
        underload: choices.underload.name,
        overload: choices.overload.name,
        selection: choices.selection.name
      }
      yield* runLocalManager(options, algorithms, names, Option.getOrUndefined(flags.iterations))
    }).pipe(withLogFormat(flags.logFormat))
  ).pipe(Command.withDescription("Run the local manager of this host"))

export const localManagerCommand = makeLocalManagerCommand(loadedDefaultWiring)
