/**
 * The collector as a service and a daemon. `Collector.layer` registers the host, prepares the local
 * files and holds the counters; `collect` runs one iteration and saves them, so `once` mode (one
 * iteration per invocation, e.g. from a systemd timer) resumes where the previous run stopped.
 */
import { FileSystem, Path } from "@effect/platform"
import { Context, Duration, Effect, Either, Layer, Ref, Schema } from "effect"
import { describeError, InputError } from "../../core/errors.js"
import type { Store } from "../db/Store.js"
import {
  type CollectionReport,
  type CollectorError,
  type CollectorHost,
  type CollectorSettings,
  CollectorState,
  collectOnce,
  initCollector,
  initialState
} from "./Collector.js"
import type { Libvirt } from "./Libvirt.js"
import { type LocalDataPaths, listVmFiles, localDataPaths, removeFile } from "./LocalData.js"
import type { ProcStat } from "./ProcStat.js"

const decodeState = Schema.decodeUnknownEither(Schema.parseJson(CollectorState))
const encodeState = Schema.encodeSync(Schema.parseJson(CollectorState))

type Env = Libvirt | Store | ProcStat | FileSystem.FileSystem | Path.Path

/** The counters saved by a previous run for this host, if any and readable. */
const loadState = (
  file: string,
  hostname: string
): Effect.Effect<CollectorState | undefined, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(Effect.option)
    if (text._tag === "None") return undefined
    const state = decodeState(text.value)
    if (Either.isLeft(state)) {
      yield* Effect.logWarning(`ignoring unreadable collector state ${file}: starting afresh`)
      return undefined
    }
    return state.right.hostname === hostname ? state.right : undefined
  })

const saveState = (file: string, state: CollectorState): Effect.Effect<void, InputError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.writeFileString(`${file}.tmp`, encodeState(state)).pipe(
      Effect.zipRight(fs.rename(`${file}.tmp`, file)),
      Effect.mapError((error) => new InputError({ file, message: error.message }))
    )
  )

/** Creates the local directories; `clean` removes every old data file first, as Neat does at start. */
export const prepareLocalData = (
  paths: LocalDataPaths,
  clean: boolean
): Effect.Effect<void, InputError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    yield* fs
      .makeDirectory(paths.vms, { recursive: true })
      .pipe(Effect.mapError((error) => new InputError({ file: paths.vms, message: error.message })))
    if (!clean) return
    for (const uuid of yield* listVmFiles(paths.vms)) yield* removeFile(path.join(paths.vms, uuid))
    yield* removeFile(paths.host)
    yield* removeFile(paths.state)
  })

export interface CollectorService {
  readonly host: CollectorHost
  /** One collection; the counters advance (and are saved) only when it succeeds. */
  readonly collect: Effect.Effect<CollectionReport, CollectorError>
}

export class Collector extends Context.Tag("neat/Collector")<Collector, CollectorService>() {
  /**
   * A collector for this host. With `resume`, it continues from the counters and files a previous run
   * left; otherwise it starts afresh and clears old local files, as Neat does.
   */
  static readonly layer = (
    settings: CollectorSettings,
    options: { readonly resume: boolean }
  ): Layer.Layer<Collector, CollectorError, Env> =>
    Layer.effect(
      Collector,
      Effect.gen(function* () {
        const host = yield* initCollector(settings)
        const paths = localDataPaths(settings.localDataDirectory, yield* Path.Path)
        const saved = options.resume ? yield* loadState(paths.state, host.hostname) : undefined
        yield* prepareLocalData(paths, saved === undefined)
        const state = yield* Ref.make(saved ?? initialState(host.hostname))
        const context = yield* Effect.context<Env>()
        const collect = Effect.gen(function* () {
          const result = yield* collectOnce(settings, host, yield* Ref.get(state))
          yield* saveState(paths.state, result.state)
          yield* Ref.set(state, result.state)
          return result.report
        }).pipe(Effect.provide(context))
        return { host, collect }
      })
    )
}

const logReport = (report: CollectionReport) =>
  Effect.logInfo(
    report.recorded
      ? `collected ${Object.keys(report.vmCpuMhz).length} VMs, hypervisor ${report.hostCpuMhz ?? "n/a"} MHz${report.overload ? ", overloaded" : ""}`
      : "started the CPU counters; values are recorded from the next interval"
  ).pipe(Effect.annotateLogs({ added: report.added.join(","), removed: report.removed.join(",") }))

/** Runs the collector: forever, or one iteration (resuming the saved counters) when `once` is set. */
export const runCollector = (
  settings: CollectorSettings,
  options: { readonly once: boolean }
): Effect.Effect<void, CollectorError, Env> =>
  Effect.gen(function* () {
    const collector = yield* Collector
    if (options.once) return yield* Effect.flatMap(collector.collect, logReport)
    yield* Effect.logInfo(`collecting every ${settings.dataCollectorInterval} s for ${collector.host.hostname}`)
    // A failed iteration is logged and the next one runs from the last good counters.
    yield* Effect.flatMap(collector.collect, logReport).pipe(
      Effect.catchAll((error) => Effect.logError(`collection failed: ${describeError(error)}`)),
      Effect.zipRight(Effect.sleep(Duration.seconds(settings.dataCollectorInterval))),
      Effect.forever
    )
  }).pipe(
    Effect.provide(Collector.layer(settings, { resume: options.once })),
    Effect.annotateLogs({ service: "collector" })
  )
