/** `neat collect`: the data collector of a compute host. */
import { Command, Options } from "@effect/cli"
import type { FileSystem } from "@effect/platform"
import { Effect, Layer } from "effect"
import type { ConfigError, InputError } from "../../core/errors.js"
import type { Libvirt } from "../collector/Libvirt.js"
import type { LibvirtError } from "../collector/LibvirtError.js"
import type { ProcStat } from "../collector/ProcStat.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import { configOption } from "./configOption.js"
import { logFormatOption, withLogFormat } from "./logFormat.js"

/** The collector, the store and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/collect.js"))

/**
 * Where the collector reads CPU use, as `collector_source` says (see implementation/collect.ts),
 * loaded with libvirt's and the trace's code when the command runs.
 */
export const collectorSource = (
  settings: NeatConfig,
  libvirt?: Layer.Layer<Libvirt, LibvirtError>
): Effect.Effect<Layer.Layer<Libvirt | ProcStat, LibvirtError, FileSystem.FileSystem>, ConfigError | InputError> =>
  Effect.flatMap(implementation, (loaded) => loaded.collectorSource(settings, libvirt))

export const collectCommand = Command.make(
  "collect",
  {
    config: configOption,
    once: Options.boolean("once").pipe(
      Options.withDescription("run one collection and exit, resuming the counters of the previous run")
    ),
    logFormat: logFormatOption
  },
  ({ config, once, logFormat }) =>
    Effect.gen(function* () {
      const { daemonLogging, loadCliConfig, runCollector, Store } = yield* implementation
      const settings = yield* loadCliConfig(config)
      const services = Layer.merge(Store.layerConnection(settings.sqlConnection), yield* collectorSource(settings))
      const logging = yield* daemonLogging(settings, "data-collector.log")
      yield* runCollector(settings, { once }).pipe(Effect.provide(Layer.merge(services, logging)))
    }).pipe(withLogFormat(logFormat))
).pipe(
  Command.withDescription(
    "Collect the CPU use of this host's VMs (libvirt) and of the host (/proc/stat) every data_collector_interval"
  )
)
