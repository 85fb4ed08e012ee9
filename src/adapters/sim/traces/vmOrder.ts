/**
 * `--vm-order FILE`: the trace file of each VM index, one `index,filename` line per VM, indices
 * 0..n−1 (CloudSim numbered PlanetLab VMs in its directory listing order; VM types follow the
 * index, so reproducing its runs needs that order). A header line `index,...` and `#` comments
 * are skipped.
 */
import { readFile } from "node:fs/promises"
import { Effect, Either } from "effect"
import { InputError } from "../../../core/errors.js"

/** Parses an order file's text into file names in index order; with `known`, each must be one of them. */
export const parseVmOrder = (
  text: string,
  file: string,
  known?: ReadonlyArray<string>
): Either.Either<ReadonlyArray<string>, InputError> => {
  const fail = (line: number | undefined, field: string | undefined, message: string) =>
    Either.left(new InputError({ file, line, field, message }))
  const knownNames = known === undefined ? undefined : new Set(known)
  const byIndex = new Map<number, string>()
  const lineOf = new Map<string, number>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1
    const content = (lines[i] ?? "").replace(/^\uFEFF/, "").trim()
    if (content === "" || content.startsWith("#")) continue
    const fields = content.split(",").map((field) => field.trim())
    if (byIndex.size === 0 && fields[0]?.toLowerCase() === "index") continue
    if (fields.length !== 2) return fail(line, "columns", `expected "index,filename", found ${fields.length} column(s)`)
    const [indexText = "", name = ""] = fields
    if (!/^\d+$/.test(indexText)) return fail(line, "index", `not a VM index: "${indexText}"`)
    const index = Number(indexText)
    if (name === "" || name.includes("/")) return fail(line, "filename", `not a file name: "${name}"`)
    if (byIndex.has(index)) return fail(line, "index", `index ${index} is given twice`)
    const twice = lineOf.get(name)
    if (twice !== undefined) return fail(line, "filename", `"${name}" is already listed on line ${twice}`)
    if (knownNames !== undefined && !knownNames.has(name))
      return fail(line, "filename", `"${name}" is not in the trace`)
    byIndex.set(index, name)
    lineOf.set(name, line)
  }
  if (byIndex.size === 0) return fail(undefined, undefined, "the VM order lists no VM")
  const names = new Array<string>(byIndex.size)
  for (let index = 0; index < byIndex.size; index++) {
    const name = byIndex.get(index)
    if (name === undefined) {
      return fail(undefined, "index", `indices must run 0..${byIndex.size - 1}, but ${index} is missing`)
    }
    names[index] = name
  }
  return Either.right(names)
}

/** Reads and parses an order file. */
export const readVmOrder = (
  file: string,
  known?: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<string>, InputError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new InputError({
        file,
        message: `cannot read the VM order: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  }).pipe(Effect.flatMap((text) => parseVmOrder(text, file, known)))
