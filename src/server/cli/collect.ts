/** `neat collect`: the data collector of a compute host. */
import { Command, Options } from "@effect/cli"
import type { FileSystem } from "@effect/platform"
import { Effect, Layer } from "effect"
import { loadTrace } from "../../adapters/sim/traces/loadTrace.js"
import { loadPlanetLab } from "../../adapters/sim/traces/planetLab.js"
import { ConfigError, type InputError } from "../../core/errors.js"
import { Libvirt } from "../collector/Libvirt.js"
import type { LibvirtError } from "../collector/LibvirtError.js"
import { ProcStat } from "../collector/ProcStat.js"
import { replaySourceLayer } from "../collector/replaySource.js"
import { runCollector } from "../collector/runCollector.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import { Store } from "../db/Store.js"
import { configOption, loadCliConfig } from "./configOption.js"
import { daemonLogging } from "./daemonLogging.js"
import { logFormatOption, withLogFormat } from "./logFormat.js"

/**
 * Where the collector reads CPU use, as `collector_source` says: libvirt and /proc/stat, or the
 * domains libvirt lists replaying `replay_trace`. `libvirt` is the connection both read domains from.
 */
export const collectorSource = (
  settings: NeatConfig,
  libvirt: Layer.Layer<Libvirt, LibvirtError> = Libvirt.virsh({
    uri: settings.libvirtUri,
    command: settings.virshCommand
  })
): Effect.Effect<Layer.Layer<Libvirt | ProcStat, LibvirtError, FileSystem.FileSystem>, ConfigError | InputError> =>
  Effect.gen(function* () {
    if (settings.collectorSource === "libvirt") return Layer.merge(libvirt, ProcStat.file(settings.procStatPath))
    if (settings.replayTrace.trim() === "") {
      return yield* new ConfigError({
        field: "replay_trace",
        message: "is required when collector_source = replay (a CSV file, a PlanetLab directory or synthetic)"
      })
    }
    const trace = yield* loadTrace(settings.replayTrace, { planetLab: loadPlanetLab }).pipe(
      Effect.mapError((error) =>
        error._tag === "ConfigError" ? new ConfigError({ ...error, field: "replay_trace" }) : error
      )
    )
    return replaySourceLayer({
      trace,
      sampleSec: settings.replaySampleSec,
      hostOwnFraction: settings.replayHostOwnFraction
    }).pipe(Layer.provide(libvirt))
  })

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
