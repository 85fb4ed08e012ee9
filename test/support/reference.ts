/**
 * The shared Neat reference vectors (reference/neat-algorithm-vectors.json in the shared
 * material): each case is an algorithm, its parameters, an input and Neat's output.
 */
import { readFileSync } from "node:fs"
import { type Requirement, sharedMaterial } from "./requirement.js"

/** One case of neat-algorithm-vectors.json. */
export interface ReferenceCase {
  readonly algorithm: string
  readonly params: Readonly<Record<string, unknown>>
  readonly input: Readonly<Record<string, unknown>>
  readonly output: unknown
}

const file = sharedMaterial("reference/neat-algorithm-vectors.json")

/** Every case of the file, in its order; missing when the shared material is. */
export const referenceCases: Requirement<ReadonlyArray<ReferenceCase>> = file.ok
  ? { ok: true, value: JSON.parse(readFileSync(file.value[0], "utf8")) as ReadonlyArray<ReferenceCase> }
  : file
