/** What `neat collect` runs on: loaded by its handler, so that other commands and `--help` never load it. */
import type { FileSystem } from "@effect/platform"
import { Effect, Layer } from "effect"
import { loadTrace } from "../../../adapters/sim/traces/loadTrace.js"
import { loadPlanetLab } from "../../../adapters/sim/traces/planetLab.js"
import { ConfigError, type InputError } from "../../../core/errors.js"
import { Libvirt } from "../../collector/Libvirt.js"
import type { LibvirtError } from "../../collector/LibvirtError.js"
import { ProcStat } from "../../collector/ProcStat.js"
import { replaySourceLayer } from "../../collector/replaySource.js"
import type { NeatConfig } from "../../config/NeatConfig.js"

export { runCollector } from "../../collector/runCollector.js"
export { Store } from "../../db/Store.js"
export { daemonLogging } from "../daemonLogging.js"
export { loadCliConfig } from "../loadCliConfig.js"

/**
 * Where the collector reads CPU use, as `collector_source` says: libvirt and /proc/stat, or the
 * domains libvirt lists replaying `replay_trace`. `libvirt` is the connection both read domains from.
 */
export const collectorSource = (
  settings: NeatConfig,
  libvirt: Layer.Layer<Libvirt, LibvirtError> | undefined = Libvirt.virsh({
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
