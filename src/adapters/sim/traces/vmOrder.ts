/**
 * VM order files: lines `index,filename` giving the trace file of each VM index (CloudSim took
 * files in directory order, so reproducing its runs needs that order). Indices must run 0..N−1.
 */
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"

/** Parses an order file's text into file names by VM index. */
export const parseVmOrder = (text: string, file: string): ReadonlyArray<string> | InputError => {
  const names: Array<string> = []
  const seen = new Set<string>()
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "").trim()
    if (line === "" || line.startsWith("#")) continue
    const comma = line.indexOf(",")
    if (comma < 0) return new InputError({ file, line: i + 1, message: `expected "index,filename", got "${line}"` })
    const indexText = line.slice(0, comma).trim()
    const name = line.slice(comma + 1).trim()
    if (names.length === 0 && !/^\d+$/.test(indexText) && /index/i.test(indexText)) continue
    if (!/^\d+$/.test(indexText)) {
      return new InputError({ file, line: i + 1, field: "index", message: `not a VM index: "${indexText}"` })
    }
    const index = Number.parseInt(indexText, 10)
    if (index !== names.length) {
      return new InputError({
        file,
        line: i + 1,
        field: "index",
        message: `expected index ${names.length}, got ${index}`
      })
    }
    if (name === "" || name.includes("/")) {
      return new InputError({ file, line: i + 1, field: "filename", message: `not a file name: "${name}"` })
    }
    if (seen.has(name))
      return new InputError({ file, line: i + 1, field: "filename", message: `"${name}" is listed twice` })
    seen.add(name)
    names.push(name)
  }
  if (names.length === 0) return new InputError({ file, message: "the VM order file lists no VMs" })
  return names
}

/** Reads and parses a VM order file. */
export const loadVmOrder = (file: string): Effect.Effect<ReadonlyArray<string>, InputError> =>
  Effect.suspend(() => {
    let text: string
    try {
      text = readFileSync(file, "utf8")
    } catch (error) {
      return Effect.fail(new InputError({ file, message: `cannot read VM order file: ${(error as Error).message}` }))
    }
    const parsed = parseVmOrder(text, file)
    return parsed instanceof InputError ? Effect.fail(parsed) : Effect.succeed(parsed)
  })
