/**
 * Google's clusterdata-2011 trace, `task_usage` (a directory of `part-NNNNN-of-00500.csv.gz`, the
 * trace's `task_usage/` directory or its parent, or one such file). Columns: 1 start time, 2 end
 * time (microseconds; the trace starts at 600 s), 3 job ID, 4 task index, 5 machine ID, 6 CPU rate
 * (mean), 7 canonical memory usage, 8 assigned memory usage, 9 unmapped page cache, 10 total page
 * cache, 11 maximum memory usage, 12 disk I/O time, 13 local disk space usage, 14 maximum CPU rate,
 * 15 maximum disk I/O time, 16 cycles per instruction, 17 memory accesses per instruction, 18 sample
 * portion, 19 aggregation type, and in 2011-2 a 20th, sampled CPU usage. No header.
 *
 * A task (job ID-task index) is a VM; its life is the span of its readings. A reading covers
 * [start, end) (usually 300 s) and counts at its midpoint. CPU rates are in cores normalised to the
 * largest machine, with no absolute capacity in the trace, so a task's CPU is given as a fraction of
 * its own peak: the largest maximum CPU rate (column 14, or the mean rate where that is missing) of
 * its readings in the window. The trace carries no vmMips and no memory for Google tasks.
 */
import { readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { forEachLine } from "./lineStream.js"
import { fieldError, numberOf, TraceBuilder } from "./traceBuilder.js"

export interface GoogleReadSettings {
  readonly intervalSec?: number | undefined
  /** Seconds of the trace's clock (microseconds / 10^6). */
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly vms?: number | undefined
  readonly seed?: number | undefined
}

const PART = /^part-\d+-of-\d+\.csv(\.gz)?$/

/** The task_usage part files under a path (the path itself, its `task_usage/`, or a file). */
export const googleParts = (path: string): Effect.Effect<ReadonlyArray<string>, InputError> =>
  Effect.tryPromise({
    try: async () => {
      const info = await stat(path)
      if (!info.isDirectory()) return [path]
      let dir = path
      let names = await readdir(dir)
      if (!names.some((name) => PART.test(name)) && names.includes("task_usage")) {
        dir = join(path, "task_usage")
        names = await readdir(dir)
      }
      return names
        .filter((name) => PART.test(name))
        .sort()
        .map((name) => join(dir, name))
    },
    catch: (cause) =>
      new InputError({
        file: path,
        message: `cannot list task_usage: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })

const readPart = (file: string, builder: TraceBuilder): Effect.Effect<void, InputError> =>
  forEachLine(file, (line, lineNo) => {
    if (line === "") return undefined
    const fields = line.split(",")
    if (fields.length !== 19 && fields.length !== 20) {
      return fieldError(
        file,
        lineNo,
        Math.min(fields.length, 19) + 1,
        fields.length < 19 ? "task_usage" : "extra",
        `expected 19 or 20 columns (task_usage of clusterdata-2011-1 or -2), found ${fields.length}`
      )
    }
    const start = numberOf(fields[0])
    if (!Number.isFinite(start) || start < 0)
      return fieldError(file, lineNo, 1, "start time", `not a time in microseconds: '${fields[0]}'`)
    const end = numberOf(fields[1])
    if (!Number.isFinite(end) || end < start)
      return fieldError(file, lineNo, 2, "end time", `not a time in microseconds at or after the start: '${fields[1]}'`)
    const time = (start + end) / 2 / 1e6
    if (!builder.inWindow(time)) return undefined
    if (fields[2] === "") return fieldError(file, lineNo, 3, "job ID", "empty job ID")
    if (fields[3] === "") return fieldError(file, lineNo, 4, "task index", "empty task index")
    const vm = builder.vm(`${fields[2]}-${fields[3]}`)
    if (vm === undefined) return undefined
    // Rows without a CPU rate are gaps in the monitoring, not zero use.
    if (fields[5] === "") return undefined
    const rate = numberOf(fields[5])
    if (!Number.isFinite(rate) || rate < 0)
      return fieldError(file, lineNo, 6, "CPU rate", `not a CPU rate: '${fields[5]}'`)
    const peak = fields[13] === "" ? rate : numberOf(fields[13])
    if (!Number.isFinite(peak) || peak < 0)
      return fieldError(file, lineNo, 14, "maximum CPU rate", `not a CPU rate: '${fields[13]}'`)
    const top = Math.max(peak, rate)
    // The task's own peak divides its readings (set by its first reading, raised by later ones).
    vm.scale = vm.first === Number.POSITIVE_INFINITY ? top : Math.max(vm.scale, top)
    builder.add(vm, time, rate)
    return undefined
  })

/** Reads Google 2011 task_usage into a trace. */
export const loadGoogleTrace = (path: string, settings: GoogleReadSettings = {}): Effect.Effect<Trace, InputError> =>
  Effect.gen(function* () {
    const parts = yield* googleParts(path)
    if (parts.length === 0) return yield* new InputError({ file: path, message: "no task_usage part-*.csv[.gz] file" })
    const builder = new TraceBuilder({ ...settings, source: path })
    for (const part of parts) yield* readPart(part, builder)
    // A task that never used any CPU has a peak of 0: it reads as idle.
    for (const id of builder.keptIds) {
      const vm = builder.kept(id)!
      if (!(vm.scale > 0)) vm.scale = 1
    }
    const trace = builder.finish()
    return trace instanceof InputError ? yield* trace : trace
  })
