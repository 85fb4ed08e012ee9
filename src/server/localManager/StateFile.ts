/**
 * Persists the local algorithms' states (OTF and MHOD keep history in them) as JSON, so that a
 * restarted local manager resumes where it stopped. Written to a temporary file and renamed, so a
 * crash never leaves half a file.
 */
import { readFile, rename, writeFile } from "node:fs/promises"
import { Effect } from "effect"
import type { LocalStates } from "../../core/control/LocalDecision.js"
import { InputError } from "../../core/errors.js"

/** Which algorithm each state belongs to: a state is resumed only by the same algorithm. */
export interface AlgorithmNames {
  readonly underload: string
  readonly overload: string
  readonly selection: string
}

interface StateFileContent {
  readonly version: 1
  readonly host: string
  readonly algorithms: AlgorithmNames
  readonly states: LocalStates
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/**
 * The states to start from: those saved for the same host and algorithms, the initial ones for
 * anything else, with a note saying why a saved state was not used.
 */
export const loadStates = (
  file: string,
  host: string,
  names: AlgorithmNames,
  initial: LocalStates
): Effect.Effect<{ readonly states: LocalStates; readonly note: string | undefined }> =>
  Effect.gen(function* () {
    const text = yield* Effect.either(Effect.tryPromise(() => readFile(file, "utf8")))
    if (text._tag === "Left") return { states: initial, note: undefined }
    let parsed: unknown
    try {
      parsed = JSON.parse(text.right)
    } catch {
      return { states: initial, note: `${file}: not JSON; starting from the initial states` }
    }
    if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.states) || !isRecord(parsed.algorithms)) {
      return { states: initial, note: `${file}: not a local manager state file; starting from the initial states` }
    }
    if (parsed.host !== host) {
      return {
        states: initial,
        note: `${file}: saved for host ${String(parsed.host)}; starting from the initial states`
      }
    }
    const saved = parsed.states
    const same = parsed.algorithms
    return {
      states: {
        underload: same.underload === names.underload && "underload" in saved ? saved.underload : initial.underload,
        overload: same.overload === names.overload && "overload" in saved ? saved.overload : initial.overload,
        selection: same.selection === names.selection && "selection" in saved ? saved.selection : initial.selection
      },
      note: undefined
    }
  })

/** Saves the states atomically. */
export const saveStates = (
  file: string,
  host: string,
  names: AlgorithmNames,
  states: LocalStates
): Effect.Effect<void, InputError> => {
  const content: StateFileContent = { version: 1, host, algorithms: names, states }
  const temporary = `${file}.tmp`
  return Effect.tryPromise({
    try: async () => {
      await writeFile(temporary, `${JSON.stringify(content)}\n`, "utf8")
      await rename(temporary, file)
    },
    catch: (error) => new InputError({ file, message: error instanceof Error ? error.message : String(error) })
  })
}
