/** Loads the overload cases of the shared Neat reference vectors, or says why it cannot. */
import { existsSync, readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export interface DetectorCase {
  readonly algorithm: string
  readonly params: Readonly<Record<string, unknown>> & { readonly window: number }
  readonly input: { readonly utilization_sequence: ReadonlyArray<number> }
  readonly output: ReadonlyArray<boolean>
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")

/** The vectors file: NEAT_REFERENCE_VECTORS, else ../shared/reference/neat-algorithm-vectors.json. */
export const vectorsPath =
  process.env.NEAT_REFERENCE_VECTORS ?? resolve(projectRoot, "../shared/reference/neat-algorithm-vectors.json")

/** undefined when the file is missing (the caller skips, or fails under CI). */
export const loadDetectorCases = (algorithm: string): ReadonlyArray<DetectorCase> | undefined => {
  if (!existsSync(vectorsPath)) return undefined
  const all: ReadonlyArray<DetectorCase> = JSON.parse(readFileSync(vectorsPath, "utf8"))
  return all.filter((c) => c.algorithm === algorithm)
}

export const missingVectorsMessage = `reference vectors not found at ${vectorsPath} (set NEAT_REFERENCE_VECTORS)`
