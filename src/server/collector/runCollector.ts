/**
 * The collector as a daemon: register the host, prepare the local files, then one iteration every
 * data_collector_interval. The counters are saved after each iteration, so `once` mode (one
 * iteration per invocation, e.g. from a systemd timer) resumes where the previous run stopped.
 */
import { FileSystem, Path } from "@effect/platform"
import { Duration, Effect, Either, Schema } from "effect"
import { InputError } from "../../core/errors.js"
import type { Store } from "../db/Store.js"
import {
  type CollectionReport,
  type CollectorError,
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

const logReport = (report: CollectionReport) =>
  Effect.logInfo(
    report.recorded
      ? `collected ${Object.keys(report.vmCpuMhz).length} VMs, hypervisor ${report.hostCpuMhz ?? "n/a"} MHz${report.overload ? ", overloaded" : ""}`
      : "started the CPU counters; values are recorded from the next interval"
  ).pipe(Effect.annotateLogs({ added: report.added.join(","), removed: report.removed.join(",") }))

/** Runs the collector: forever, or one iteration when `once` is set. */
export const runCollector = (
  settings: CollectorSettings,
  options: { readonly once: boolean }
): Effect.Effect<void, CollectorError, Env> =>
  Effect.gen(function* () {
    const host = yield* initCollector(settings)
    const paths = localDataPaths(settings.localDataDirectory, yield* Path.Path)
    const saved = options.once ? yield* loadState(paths.state, host.hostname) : undefined
    yield* prepareLocalData(paths, saved === undefined)
    let state = saved ?? initialState(host.hostname)

    const iteration = Effect.gen(function* () {
      const result = yield* collectOnce(settings, host, state)
      state = result.state
      yield* saveState(paths.state, state)
      yield* logReport(result.report)
    })

    if (options.once) return yield* iteration
    yield* Effect.logInfo(`collecting every ${settings.dataCollectorInterval} s for ${host.hostname}`)
    // A failed iteration is logged and the next one runs from the last good counters.
    yield* iteration.pipe(
      Effect.catchAll((error) => Effect.logError(`collection failed: ${error._tag}: ${error.message}`)),
      Effect.zipRight(Effect.sleep(Duration.seconds(settings.dataCollectorInterval))),
      Effect.forever
    )
  }).pipe(Effect.annotateLogs({ service: "collector" }))
