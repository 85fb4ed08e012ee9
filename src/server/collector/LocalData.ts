/**
 * The collector's local files, in OpenStack Neat's format, read by the local manager:
 * `<local_data_directory>/vms/<VM UUID>` and `<local_data_directory>/host`, each a list of integers
 * (MHz), one per line, oldest first, at most `data_collector_data_length` of them.
 */
import { FileSystem, Path } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Effect } from "effect"
import { InputError } from "../../core/errors.js"

export interface LocalDataPaths {
  readonly vms: string
  readonly host: string
  /** The collector's counters between runs (ours; Neat keeps them in memory). */
  readonly state: string
}

export const localDataPaths = (directory: string, path: Path.Path): LocalDataPaths => ({
  vms: path.join(directory, "vms"),
  host: path.join(directory, "host"),
  state: path.join(directory, "collector-state.json")
})

const failure = (file: string) => (error: PlatformError) => new InputError({ file, message: error.message })

/** Neat's text: the last `length` values, newline-terminated (empty when there are none). */
export const formatValues = (values: ReadonlyArray<number>, length: number): string => {
  const kept = length > 0 ? values.slice(-length) : []
  return kept.length === 0 ? "" : `${kept.map((v) => String(Math.trunc(v))).join("\n")}\n`
}

/** Reads a data file; a missing file has no values. Lines that are not integers are reported. */
export const readValues = (file: string): Effect.Effect<ReadonlyArray<number>, InputError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    if (!(yield* fs.exists(file).pipe(Effect.mapError(failure(file))))) return []
    const text = yield* fs.readFileString(file).pipe(Effect.mapError(failure(file)))
    const values: Array<number> = []
    const lines = text.split("\n")
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim()
      if (line === "") continue
      if (!/^-?\d+$/.test(line))
        return yield* new InputError({ file, line: i + 1, message: `not an integer: '${line}'` })
      values.push(Number(line))
    }
    return values
  })

/** Replaces a data file with `values` (the last `length` of them), atomically. */
export const writeValues = (
  file: string,
  values: ReadonlyArray<number>,
  length: number
): Effect.Effect<void, InputError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    // Written aside then renamed, so a local manager never reads half a file.
    const temporary = `${file}.tmp`
    yield* fs.writeFileString(temporary, formatValues(values, length)).pipe(Effect.mapError(failure(file)))
    yield* fs.rename(temporary, file).pipe(Effect.mapError(failure(file)))
  })

/** Appends one value to a data file, keeping the last `length`. */
export const appendValue = (
  file: string,
  value: number,
  length: number
): Effect.Effect<void, InputError, FileSystem.FileSystem> =>
  Effect.flatMap(readValues(file), (values) => writeValues(file, [...values, value], length))

/** The VM UUIDs that have a data file. */
export const listVmFiles = (
  vmsDirectory: string
): Effect.Effect<ReadonlyArray<string>, InputError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.readDirectory(vmsDirectory).pipe(
      // Skips files being written (`.tmp`, renamed when complete) and hidden files.
      Effect.map((names) => names.filter((name) => !name.endsWith(".tmp") && !name.startsWith(".")).sort()),
      Effect.mapError(failure(vmsDirectory))
    )
  )

export const removeFile = (file: string): Effect.Effect<void, InputError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.remove(file, { force: true }).pipe(Effect.mapError(failure(file))))

/** What the local manager reads: every VM's history and the host's, MHz, oldest first. */
export interface LocalData {
  readonly vms: Readonly<Record<string, ReadonlyArray<number>>>
  readonly host: ReadonlyArray<number>
}

/** Reads the collector's files under `directory` (local_data_directory); missing files read as empty. */
export const readLocalData = (
  directory: string
): Effect.Effect<LocalData, InputError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const paths = localDataPaths(directory, path)
    const vms: Record<string, ReadonlyArray<number>> = {}
    const hasVms = yield* fs.exists(paths.vms).pipe(Effect.mapError(failure(paths.vms)))
    for (const uuid of hasVms ? yield* listVmFiles(paths.vms) : []) {
      vms[uuid] = yield* readValues(path.join(paths.vms, uuid))
    }
    return { vms, host: yield* readValues(paths.host) }
  })
