/**
 * `neat local-manager`: the local manager of this compute host. Settings carry Neat's option names;
 * secrets may come from the environment (NEAT_OS_ADMIN_PASSWORD, NEAT_REQUEST_SIGNING_SECRET).
 */
import { cpus, hostname } from "node:os"
import { Command, Options } from "@effect/cli"
import { Config, Effect, Option, Redacted } from "effect"
import type { LocalAlgorithms } from "../../core/control/LocalDecision.js"
import { ConfigError } from "../../core/errors.js"
import { type LocalManagerOptions, runLocalManager } from "../localManager/LocalManager.js"
import { defaultWiring, parseParams, type Wiring } from "./wiring.js"

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

export const localManagerFlags = {
  localDataDirectory: Options.directory("local-data-directory", { exists: "yes" }).pipe(
    Options.withDescription("Neat's local data directory (vms/<uuid> and host files)")
  ),
  localManagerInterval: Options.float("local-manager-interval").pipe(Options.withDefault(300)),
  globalManagerHost: Options.text("global-manager-host").pipe(Options.withDefault("127.0.0.1")),
  globalManagerPort: Options.integer("global-manager-port").pipe(Options.withDefault(60080)),
  osAdminUser: Options.text("os-admin-user").pipe(Options.withDefault("admin")),
  osAdminPassword: secretOption("os-admin-password", "NEAT_OS_ADMIN_PASSWORD"),
  requestSigningSecret: secretOption("request-signing-secret", "NEAT_REQUEST_SIGNING_SECRET"),
  hostName: Options.text("host-name").pipe(Options.optional, Options.withDescription("default: this machine's name")),
  hostCpuMhz: Options.float("host-cpu-mhz").pipe(
    Options.optional,
    Options.withDescription("total CPU, MHz (default: cores × MHz reported by the system)")
  ),
  hostCpuUsableByVms: Options.float("host-cpu-usable-by-vms").pipe(Options.withDefault(1)),
  vmRamMb: Options.float("vm-ram-mb").pipe(Options.withDefault(1024)),
  dataCollectorInterval: Options.float("data-collector-interval").pipe(Options.withDefault(300)),
  networkMigrationBandwidth: Options.float("network-migration-bandwidth").pipe(Options.withDefault(10)),
  stateFile: Options.text("state-file").pipe(Options.optional),
  underload: Options.text("algorithm-underload-detection-factory").pipe(
    Options.withDefault(defaultLocalAlgorithms.underload)
  ),
  underloadParams: Options.text("algorithm-underload-detection-parameters").pipe(
    Options.withDefault(defaultLocalAlgorithms.underloadParams)
  ),
  overload: Options.text("algorithm-overload-detection-factory").pipe(
    Options.withDefault(defaultLocalAlgorithms.overload)
  ),
  overloadParams: Options.text("algorithm-overload-detection-parameters").pipe(
    Options.withDefault(defaultLocalAlgorithms.overloadParams)
  ),
  selection: Options.text("algorithm-vm-selection-factory").pipe(Options.withDefault(defaultLocalAlgorithms.selection)),
  selectionParams: Options.text("algorithm-vm-selection-parameters").pipe(
    Options.withDefault(defaultLocalAlgorithms.selectionParams)
  ),
  iterations: Options.integer("iterations").pipe(Options.optional, Options.withDescription("stop after this many"))
}

type LocalManagerFlags = Command.Command.ParseConfig<typeof localManagerFlags>

const systemCpuMhz = (): number => cpus().reduce((total, cpu) => total + cpu.speed, 0)

/** The manager's settings from the flags, each checked. */
export const localManagerOptions = (flags: LocalManagerFlags): Effect.Effect<LocalManagerOptions, ConfigError> =>
  Effect.gen(function* () {
    const fail = (field: string, message: string) => Effect.fail(new ConfigError({ field, message }))
    if (!(flags.localManagerInterval > 0)) return yield* fail("local_manager_interval", "must be positive (seconds)")
    if (!(flags.hostCpuUsableByVms > 0 && flags.hostCpuUsableByVms <= 1)) {
      return yield* fail("host_cpu_usable_by_vms", "must be in (0, 1]")
    }
    const hostCpuMhz = Option.getOrElse(flags.hostCpuMhz, systemCpuMhz)
    if (!(hostCpuMhz > 0)) return yield* fail("host_cpu_mhz", "must be positive (the system reports no CPU speed)")
    const secret = Option.getOrUndefined(Option.map(flags.requestSigningSecret, Redacted.value))
    const password = Option.getOrUndefined(Option.map(flags.osAdminPassword, Redacted.value))
    if (secret === undefined && password === undefined) {
      return yield* fail("os_admin_password", "required unless requests are signed (request_signing_secret)")
    }
    return {
      global_manager_host: flags.globalManagerHost,
      global_manager_port: flags.globalManagerPort,
      os_admin_user: flags.osAdminUser,
      os_admin_password: password ?? "",
      request_signing_secret: secret,
      local_data_directory: flags.localDataDirectory,
      local_manager_interval: flags.localManagerInterval,
      host_name: Option.getOrElse(flags.hostName, hostname),
      host_cpu_mhz: hostCpuMhz,
      host_cpu_usable_by_vms: flags.hostCpuUsableByVms,
      vm_ram_mb: flags.vmRamMb,
      state_file: Option.getOrUndefined(flags.stateFile)
    }
  })

/** The local algorithms from the flags, through the registry. */
export const localAlgorithms = (
  wiring: Wiring,
  flags: LocalManagerFlags
): Effect.Effect<LocalAlgorithms, ConfigError> =>
  Effect.gen(function* () {
    const ctx = {
      timeStepSec: flags.dataCollectorInterval,
      migrationTimeSec: flags.vmRamMb / flags.networkMigrationBandwidth
    }
    const factories = wiring.algorithms
    const underloadParams = yield* parseParams("algorithm_underload_detection_parameters", flags.underloadParams)
    const overloadParams = yield* parseParams("algorithm_overload_detection_parameters", flags.overloadParams)
    const selectionParams = yield* parseParams("algorithm_vm_selection_parameters", flags.selectionParams)
    return {
      underload: yield* factories.makeDetector("underload", flags.underload, underloadParams, ctx),
      overload: yield* factories.makeDetector("overload", flags.overload, overloadParams, ctx),
      selector: yield* factories.makeSelector(flags.selection, selectionParams, ctx)
    }
  })

/** The `local-manager` command over the given wiring. */
export const makeLocalManagerCommand = (wiring: Wiring) =>
  Command.make("local-manager", localManagerFlags, (flags) =>
    Effect.gen(function* () {
      const options = yield* localManagerOptions(flags)
      const algorithms = yield* localAlgorithms(wiring, flags)
      const names = { underload: flags.underload, overload: flags.overload, selection: flags.selection }
      yield* runLocalManager(options, algorithms, names, Option.getOrUndefined(flags.iterations))
    })
  ).pipe(Command.withDescription("Run the local manager of this host"))

export const localManagerCommand = makeLocalManagerCommand(defaultWiring)
