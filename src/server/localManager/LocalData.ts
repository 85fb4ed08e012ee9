/**
 * Reads a host's local data in Neat's format: `<local_data_directory>/vms/<uuid>` holds one VM's
 * CPU use, one integer MHz per line, oldest first; `<local_data_directory>/host` holds the host's
 * own use (hypervisor overhead) the same way.
 */
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { InputError } from "../../core/errors.js"

export interface LocalData {
  /** VM UUID → CPU history, MHz, oldest first (sorted by UUID). */
  readonly vms: ReadonlyMap<string, ReadonlyArray<number>>
  /** The host's own CPU use, MHz, oldest first; empty when there is no host file yet. */
  readonly host: ReadonlyArray<number>
}

export const vmDirectory = (dataDirectory: string): string => join(dataDirectory, "vms")
export const hostFile = (dataDirectory: string): string => join(dataDirectory, "host")

const isMissing = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT"

/** Parses newline-separated integers; blank lines are skipped, anything else is an error with its line. */
export const parseSamples = (file: string, text: string): Effect.Effect<Array<number>, InputError> => {
  const samples: Array<number> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "") continue
    if (!/^-?\d+$/.test(line)) {
      return Effect.fail(new InputError({ file, line: i + 1, message: `expected an integer (MHz), got "${line}"` }))
    }
    samples.push(Number(line))
  }
  return Effect.succeed(samples)
}

const readText = (file: string): Effect.Effect<string | undefined, InputError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (error) => error
  }).pipe(
    Effect.catchAll((error) =>
      isMissing(error)
        ? Effect.succeed(undefined)
        : Effect.fail(new InputError({ file, message: error instanceof Error ? error.message : String(error) }))
    )
  )

/** Reads every VM file and the host file; a missing directory or host file means no data yet. */
export const readLocalData = (dataDirectory: string): Effect.Effect<LocalData, InputError> =>
  Effect.gen(function* () {
    const directory = vmDirectory(dataDirectory)
    const names = yield* Effect.tryPromise({ try: () => readdir(directory), catch: (error) => error }).pipe(
      Effect.catchAll((error) =>
        isMissing(error)
          ? Effect.succeed<Array<string>>([])
          : Effect.fail(
              new InputError({ file: directory, message: error instanceof Error ? error.message : String(error) })
            )
      )
    )
    const vms = new Map<string, ReadonlyArray<number>>()
    for (const uuid of [...names].sort()) {
      if (uuid.startsWith(".")) continue
      const file = join(directory, uuid)
      const text = yield* readText(file)
      // A file removed between listing and reading belongs to a VM that just left.
      if (text !== undefined) vms.set(uuid, yield* parseSamples(file, text))
    }
    const hostPath = hostFile(dataDirectory)
    const hostText = yield* readText(hostPath)
    const host = hostText === undefined ? [] : yield* parseSamples(hostPath, hostText)
    return { vms, host }
  })
