/**
 * PlanetLab traces: a directory with one file per VM, each holding one integer CPU percentage
 * per line (288 lines at 300 s for a day). VM order is the sorted file names unless an explicit
 * order (file names) is given, since VM types follow the VM index.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"

/** PlanetLab's sampling interval, seconds. */
export const planetLabIntervalSec = 300
/** Samples per PlanetLab day. */
export const planetLabSamples = 288

export interface PlanetLabOptions {
  /** File names in VM index order; default: every file of the directory, sorted by name. */
  readonly order?: ReadonlyArray<string> | undefined
  /** Samples expected per file (288). */
  readonly samples?: number | undefined
}

const integerPattern = /^\s*-?\d+\s*$/

const newline = 10
const carriageReturn = 13
const space = 32
const tab = 9
const digitZero = 48
const digitNine = 57

/**
 * The common case read straight from the file's bytes, with no string made: exactly `samples`
 * lines of ASCII digits (spaces, tabs or a carriage return around them), each 0-100, the last
 * newline optional. Returns false, having written nothing the caller keeps, on anything else
 * (a sign, an empty line, a value out of range, a byte of any other kind, too many or too few
 * lines), which `parsePlanetLabFile` then reads from the text to name the problem; what this
 * accepts, that reads to the same fractions.
 */
const parsePlanetLabBytes = (bytes: Uint8Array, samples: number, into: Float64Array, offset: number): boolean => {
  const end = bytes.length
  let at = 0
  for (let line = 0; line < samples; line++) {
    while (at < end && (bytes[at] === space || bytes[at] === tab)) at++
    let value = 0
    let digits = 0
    while (at < end) {
      const byte = bytes[at]!
      if (byte < digitZero || byte > digitNine) break
      value = value * 10 + (byte - digitZero)
      digits++
      at++
    }
    // Leading zeros aside, more than three digits is over 100: the text path says so.
    if (digits === 0 || value > 100) return false
    while (at < end && (bytes[at] === space || bytes[at] === tab || bytes[at] === carriageReturn)) at++
    if (at < end) {
      if (bytes[at] !== newline) return false
      at++
    } else if (line !== samples - 1) {
      return false
    }
    into[offset + line] = value / 100
  }
  return at === end
}

/** Parses one trace file's text; values are percentages, stored as fractions (value / 100). */
export const parsePlanetLabFile = (
  text: string,
  file: string,
  samples: number,
  into: Float64Array,
  offset: number
): InputError | undefined => {
  const lines = text.split("\n")
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop()
  if (lines.length !== samples) {
    return new InputError({
      file,
      line: Math.min(lines.length, samples) + 1,
      message: `expected ${samples} CPU percentages, one per line, found ${lines.length}`
    })
  }
  for (let i = 0; i < samples; i++) {
    const raw = lines[i]!.replace(/\r$/, "")
    if (!integerPattern.test(raw)) {
      return new InputError({ file, line: i + 1, message: `not an integer CPU percentage: "${raw.slice(0, 40)}"` })
    }
    const value = Number.parseInt(raw, 10)
    if (value < 0 || value > 100) {
      return new InputError({
        file,
        line: i + 1,
        message: `CPU percentage ${raw.trim().slice(0, 40)} is outside 0-100`
      })
    }
    into[offset + i] = value / 100
  }
  return undefined
}

const readDirectory = (dir: string): Array<string> | InputError => {
  try {
    if (!statSync(dir).isDirectory()) return new InputError({ file: dir, message: "not a directory" })
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort()
  } catch (error) {
    return new InputError({ file: dir, message: `cannot read trace directory: ${(error as Error).message}` })
  }
}

/** Loads a PlanetLab day synchronously; returns an InputError naming the file and line on bad input. */
export const readPlanetLabTrace = (dir: string, options: PlanetLabOptions = {}): Trace | InputError => {
  const samples = options.samples ?? planetLabSamples
  let names: ReadonlyArray<string>
  if (options.order === undefined) {
    const listed = readDirectory(dir)
    if (listed instanceof InputError) return listed
    if (listed.length === 0) return new InputError({ file: dir, message: "the trace directory has no files" })
    names = listed
  } else {
    if (options.order.length === 0) return new InputError({ file: dir, message: "the VM order lists no files" })
    names = options.order
  }
  const cpu = new Float64Array(names.length * samples)
  for (let v = 0; v < names.length; v++) {
    const file = join(dir, names[v]!)
    let bytes: Buffer
    try {
      bytes = readFileSync(file)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return new InputError({
        file,
        message: code === "ENOENT" ? "trace file not found" : `cannot read trace file: ${(error as Error).message}`
      })
    }
    if (parsePlanetLabBytes(bytes, samples, cpu, v * samples)) continue
    const failure = parsePlanetLabFile(bytes.toString("utf8"), file, samples, cpu, v * samples)
    if (failure !== undefined) return failure
  }
  return { names, intervalSec: planetLabIntervalSec, samples, cpu }
}

/** Loads a PlanetLab day as an Effect. */
export const loadPlanetLabTrace = (dir: string, options: PlanetLabOptions = {}): Effect.Effect<Trace, InputError> =>
  Effect.suspend(() => {
    const result = readPlanetLabTrace(dir, options)
    return result instanceof InputError ? Effect.fail(result) : Effect.succeed(result)
  })

/** The loader shape trace-format dispatch expects: a directory, optionally with file names in VM order. */
export const loadPlanetLab = (dir: string, order?: ReadonlyArray<string>): Effect.Effect<Trace, InputError> =>
  loadPlanetLabTrace(dir, { order })
