/**
 * Where the shared reference material lives (`NEAT_SHARED_DIR`, default `../shared` beside the
 * project root), and how a test that needs it behaves when it is missing: fail with a clear
 * message when `CI` is set, skip with that message otherwise.
 */
import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")

export const sharedDir = process.env.NEAT_SHARED_DIR ?? resolve(projectRoot, "../shared")

/** Undefined when every path exists, else the message to skip (or fail) with. */
export const missingShared = (...relative: ReadonlyArray<string>): string | undefined => {
  const missing = relative.map((path) => join(sharedDir, path)).filter((path) => !existsSync(path))
  return missing.length === 0
    ? undefined
    : `shared reference material not found: ${missing.join(", ")} (set NEAT_SHARED_DIR or provide ../shared)`
}
