/**
 * The generic CSV trace format, for data sets other than PlanetLab: one row per VM and instant,
 * `vm,time,cpu_percent[,ram_mb]`, header optional, times in seconds at one regular interval (inferred
 * from the data), CPU in percent of the VM's capacity, memory in MB (constant per VM). Rows may come
 * in any order; VMs keep the order in which they first appear. Files are read line by line, so
 * their size is bounded by the trace they hold, not by the text.
 */
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { Effect, Either } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"

export interface CsvTraceOptions {
  /** The expected interval, seconds; by default inferred as the most common step between two samples of a VM. */
  readonly intervalSec?: number | undefined
}

const COLUMNS = ["vm", "time", "cpu_percent", "ram_mb"] as const

/** The samples of one VM as read, in file order. */
interface VmRows {
  readonly name: string
  readonly times: Array<number>
  readonly cpu: Array<number>
  readonly lines: Array<number>
  inOrder: boolean
  ramMb: number
  ramLine: number
}

const parseNumber = (text: string): number => (text === "" ? Number.NaN : Number(text))

/** Tolerance for comparing times given in decimal seconds. */
const sameTime = (a: number, b: number, scale: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, scale)

/**
 * Reads a CSV trace one line at a time. `line` returns the first error found, or undefined;
 * `finish` checks the whole (intervals, alignment, counts) and builds the trace.
 */
export class CsvTraceReader {
  private columns = 0
  private sawFirstLine = false
  private readonly vms = new Map<string, VmRows>()
  private last: VmRows | undefined

  constructor(
    private readonly file: string,
    private readonly options: CsvTraceOptions = {}
  ) {}

  private error(line: number | undefined, field: string | undefined, message: string): InputError {
    return new InputError({ file: this.file, line, field, message })
  }

  /** Takes one line of the file (1-based number, without its line ending). */
  line(raw: string, lineNo: number): InputError | undefined {
    const text = (lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw).trim()
    if (text === "" || text.startsWith("#")) return undefined
    const fields = text.split(",")
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] ?? ""
      // Trim only when needed: most rows have no spaces, and this runs once per row.
      if (field.length > 0 && (field.charCodeAt(0) <= 32 || field.charCodeAt(field.length - 1) <= 32))
        fields[i] = field.trim()
    }
    if (!this.sawFirstLine) {
      this.sawFirstLine = true
      if (fields.length !== 3 && fields.length !== 4) {
        return this.error(lineNo, "columns", `expected 3 or 4 columns (${COLUMNS.join(",")}), found ${fields.length}`)
      }
      this.columns = fields.length
      // A header starts with "vm" and has no number where the time goes.
      if ((fields[0] ?? "").toLowerCase() === "vm" && Number.isNaN(parseNumber(fields[1] ?? ""))) {
        for (let i = 0; i < fields.length; i++) {
          const name = (fields[i] ?? "").toLowerCase()
          if (name !== COLUMNS[i]) {
            return this.error(
              lineNo,
              COLUMNS[i],
              `header column ${i + 1} must be '${COLUMNS[i]}', found '${fields[i]}'`
            )
          }
        }
        return undefined
      }
    }
    if (fields.length !== this.columns) {
      return this.error(
        lineNo,
        "columns",
        `expected ${this.columns} columns like the first row, found ${fields.length}`
      )
    }
    const name = fields[0] ?? ""
    if (name === "") return this.error(lineNo, "vm", "empty VM name")
    const time = parseNumber(fields[1] ?? "")
    if (!Number.isFinite(time)) return this.error(lineNo, "time", `not a number: '${fields[1]}'`)
    if (time < 0) return this.error(lineNo, "time", `negative time: ${time}`)
    const percent = parseNumber(fields[2] ?? "")
    if (!Number.isFinite(percent)) return this.error(lineNo, "cpu_percent", `not a number: '${fields[2]}'`)
    if (percent < 0 || percent > 100) return this.error(lineNo, "cpu_percent", `must be within 0..100, got ${percent}`)
    // Rows of one VM usually come together: check the last VM before the map.
    let rows = this.last !== undefined && this.last.name === name ? this.last : this.vms.get(name)
    if (rows === undefined) {
      rows = { name, times: [], cpu: [], lines: [], inOrder: true, ramMb: Number.NaN, ramLine: 0 }
      this.vms.set(name, rows)
    }
    if (this.columns === 4) {
      const ram = parseNumber(fields[3] ?? "")
      if (!Number.isFinite(ram)) return this.error(lineNo, "ram_mb", `not a number: '${fields[3]}'`)
      if (ram <= 0) return this.error(lineNo, "ram_mb", `must be positive, got ${ram}`)
      if (Number.isNaN(rows.ramMb)) {
        rows.ramMb = ram
        rows.ramLine = lineNo
      } else if (ram !== rows.ramMb) {
        return this.error(
          lineNo,
          "ram_mb",
          `VM '${name}' has ${ram} MB here but ${rows.ramMb} MB on line ${rows.ramLine}; a VM's memory is constant`
        )
      }
    }
    const last = rows.times.length - 1
    if (last >= 0 && time <= (rows.times[last] ?? 0)) rows.inOrder = false
    rows.times.push(time)
    rows.cpu.push(percent / 100)
    rows.lines.push(lineNo)
    this.last = rows
    return undefined
  }

  /** Checks the trace as a whole and builds it. */
  finish(): Either.Either<Trace, InputError> {
    const all = [...this.vms.values()]
    const first = all[0]
    if (first === undefined) return Either.left(this.error(undefined, undefined, "no data rows"))
    for (const rows of all) if (!rows.inOrder) sortRows(rows)

    // The interval: given, or the most common step between two consecutive samples of a VM (so that
    // one odd row is reported as irregular rather than redefining the interval).
    const stepCounts = new Map<number, number>()
    let start = Number.POSITIVE_INFINITY
    for (const rows of all) {
      start = Math.min(start, rows.times[0] ?? 0)
      for (let k = 1; k < rows.times.length; k++) {
        const step = (rows.times[k] ?? 0) - (rows.times[k - 1] ?? 0)
        if (step === 0) {
          return Either.left(
            this.error(
              rows.lines[k],
              "time",
              `duplicate sample for VM '${rows.name}' at time ${rows.times[k]} (also on line ${rows.lines[k - 1]})`
            )
          )
        }
        const key = Math.round(step * 1e6) / 1e6
        stepCounts.set(key, (stepCounts.get(key) ?? 0) + 1)
      }
    }
    let interval = this.options.intervalSec ?? Number.NaN
    if (this.options.intervalSec === undefined) {
      let best = 0
      for (const [step, count] of stepCounts) {
        if (count > best || (count === best && step < interval)) {
          best = count
          interval = step
        }
      }
    }
    if (Number.isNaN(interval)) {
      return Either.left(
        this.error(undefined, "time", "cannot infer the sampling interval: every VM has a single sample")
      )
    }

    const samples = first.times.length
    for (const rows of all) {
      if (!sameTime(rows.times[0] ?? 0, start, interval)) {
        return Either.left(
          this.error(
            rows.lines[0],
            "time",
            `VM '${rows.name}' starts at time ${rows.times[0]}, but the trace starts at ${start}; every VM needs a sample at every instant`
          )
        )
      }
      for (let k = 1; k < rows.times.length; k++) {
        const previous = rows.times[k - 1] ?? 0
        const step = (rows.times[k] ?? 0) - previous
        if (sameTime(step, interval, interval)) continue
        const steps = Math.round(step / interval)
        const message =
          steps >= 2 && sameTime(step, steps * interval, interval)
            ? `${steps - 1} missing sample(s) of VM '${rows.name}' between time ${previous} (line ${rows.lines[k - 1]}) and ${rows.times[k]}; the interval is ${interval} s`
            : `irregular time ${rows.times[k]} for VM '${rows.name}': ${step} s after the previous sample (line ${rows.lines[k - 1]}), the interval is ${interval} s`
        return Either.left(this.error(rows.lines[k], "time", message))
      }
      if (rows.times.length !== samples) {
        return Either.left(
          this.error(
            rows.lines[rows.lines.length - 1],
            "vm",
            `VM '${rows.name}' has ${rows.times.length} samples, but VM '${first.name}' has ${samples}; every VM needs the same number`
          )
        )
      }
    }

    const cpu = new Float64Array(all.length * samples)
    const hasRam = this.columns === 4
    const ramMb = hasRam ? new Float64Array(all.length) : undefined
    all.forEach((rows, v) => {
      cpu.set(rows.cpu, v * samples)
      if (ramMb !== undefined) ramMb[v] = rows.ramMb
    })
    const names = all.map((rows) => rows.name)
    return Either.right(
      ramMb === undefined
        ? { names, intervalSec: interval, samples, cpu }
        : { names, intervalSec: interval, samples, cpu, ramMb }
    )
  }
}

/** Puts a VM's rows in time order (rows of one VM may come in any order in the file). */
const sortRows = (rows: VmRows): void => {
  const order = rows.times.map((_, i) => i).sort((a, b) => (rows.times[a] ?? 0) - (rows.times[b] ?? 0))
  const times = order.map((i) => rows.times[i] ?? 0)
  const cpu = order.map((i) => rows.cpu[i] ?? 0)
  const lines = order.map((i) => rows.lines[i] ?? 0)
  for (let i = 0; i < order.length; i++) {
    rows.times[i] = times[i] ?? 0
    rows.cpu[i] = cpu[i] ?? 0
    rows.lines[i] = lines[i] ?? 0
  }
  rows.inOrder = true
}

/** Parses a CSV trace held in memory; `file` names it in errors. */
export const parseCsvTrace = (
  text: string,
  file: string,
  options?: CsvTraceOptions
): Either.Either<Trace, InputError> => {
  const reader = new CsvTraceReader(file, options)
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const error = reader.line(lines[i] ?? "", i + 1)
    if (error !== undefined) return Either.left(error)
  }
  return reader.finish()
}

const readFailure = (file: string, cause: unknown): InputError => {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "is a directory"
        : code === "EACCES"
          ? "permission denied"
          : cause instanceof Error
            ? cause.message
            : String(cause)
  return new InputError({ file, message: `cannot read the trace: ${reason}` })
}

/** Loads a CSV trace file, streaming it line by line. */
export const loadCsvTrace = (file: string, options?: CsvTraceOptions): Effect.Effect<Trace, InputError> =>
  Effect.tryPromise({
    try: async () => {
      const reader = new CsvTraceReader(file, options)
      const stream = createReadStream(file, { encoding: "utf8" })
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
      let lineNo = 0
      try {
        for await (const line of lines) {
          lineNo++
          const error = reader.line(line, lineNo)
          if (error !== undefined) return Either.left(error)
        }
      } finally {
        lines.close()
        stream.destroy()
      }
      return reader.finish()
    },
    catch: (cause) => readFailure(file, cause)
  }).pipe(Effect.flatten)
