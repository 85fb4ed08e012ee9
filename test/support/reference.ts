/**
 * Locates the shared reference data (`../shared/reference` from the project root, or
 * `NEAT_REFERENCE_DIR`). When it is missing, tests fail with a clear message under CI and are
 * skipped with that message otherwise.
 */
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url))

const referenceDir = process.env.NEAT_REFERENCE_DIR ?? resolve(projectRoot, "../shared/reference")

export interface ReferenceFile {
  readonly path: string
  /** Why the tests using it are skipped, when it is missing outside CI. */
  readonly missing: string | undefined
}

export const referenceFile = (name: string): ReferenceFile => {
  const path = join(referenceDir, name)
  if (existsSync(path)) return { path, missing: undefined }
  const message = `reference data missing: ${path} (set NEAT_REFERENCE_DIR to the directory holding ${name})`
  if (process.env.CI) throw new Error(message)
  console.warn(`skipped: ${message}`)
  return { path, missing: message }
}

/** One case of neat-algorithm-vectors.json. */
export interface ReferenceCase {
  readonly algorithm: string
  readonly params: Readonly<Record<string, unknown>>
  readonly input: Readonly<Record<string, unknown>>
  readonly output: unknown
}

export const readReferenceCases = (file: ReferenceFile): ReadonlyArray<ReferenceCase> =>
  file.missing === undefined ? (JSON.parse(readFileSync(file.path, "utf8")) as ReadonlyArray<ReferenceCase>) : []
