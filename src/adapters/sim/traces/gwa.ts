/**
 * The Grid Workloads Archive's Bitbrains and Materna traces (GWA-T-12, GWA-T-13): one file per VM,
 * `;` + tab separated, a header `Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ]; CPU usage
 * [MHZ]; CPU usage [%]; Memory capacity provisioned [KB]; Memory usage [KB]; ...`, a row about every
 * 300 s. A directory may hold month subdirectories (Bitbrains' Rnd: 2013-7/, 2013-8/, 2013-9/):
 * files of the same name there are the same VM. The VM's name is its file name without `.csv`.
 * The sample is chosen from the file names, so only the chosen VMs' files are read.
 */
import { readdir, stat } from "node:fs/promises"
import { basename, join } from "node:path"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { forEachLine } from "./lineStream.js"
import { fieldError, numberOf, TraceBuilder } from "./traceBuilder.js"
import { sampleIds } from "./vmSample.js"

export interface GwaReadSettings {
  readonly intervalSec?: number | undefined
  /** Unix seconds. */
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly vms?: number | undefined
  readonly seed?: number | undefined
}

/** The first seven columns, the ones Neat reads (the files have four more: disk and network). */
export const GWA_COLUMNS = [
  "Timestamp [ms]",
  "CPU cores",
  "CPU capacity provisioned [MHZ]",
  "CPU usage [MHZ]",
  "CPU usage [%]",
  "Memory capacity provisioned [KB]",
  "Memory usage [KB]"
] as const

/** Whether a first line is a GWA header. */
export const isGwaHeader = (line: string): boolean => /^\s*Timestamp \[ms\]\s*;/i.test(line)

/** Timestamps: the archive documents milliseconds, the files hold seconds; either is read. */
const secondsOf = (value: number): number => (value >= 1e11 ? value / 1000 : value)

const TRACE_FILE = /\.csv(\.gz)?$/i

/** Lists a GWA directory: VM name -> its files (several with month subdirectories), in path order. */
export const listGwaFiles = (dir: string): Effect.Effect<Map<string, Array<string>>, InputError> =>
  Effect.tryPromise({
    try: async () => {
      const byVm = new Map<string, Array<string>>()
      const visit = async (folder: string, depth: number): Promise<void> => {
        const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0
        )
        for (const entry of entries) {
          const path = join(folder, entry.name)
          if (entry.isDirectory() && depth === 0) await visit(path, 1)
          else if (entry.isFile() && TRACE_FILE.test(entry.name)) {
            const name = basename(entry.name).replace(TRACE_FILE, "")
            const files = byVm.get(name)
            if (files === undefined) byVm.set(name, [path])
            else files.push(path)
          }
        }
      }
      await visit(dir, 0)
      return byVm
    },
    catch: (cause) =>
      new InputError({
        file: dir,
        message: `cannot list the GWA directory: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })

const readGwaFile = (file: string, vmName: string, builder: TraceBuilder): Effect.Effect<void, InputError> =>
  forEachLine(file, (line, lineNo) => {
    if (line.trim() === "") return undefined
    if (lineNo === 1) {
      if (isGwaHeader(line)) return undefined
      return fieldError(file, 1, 1, GWA_COLUMNS[0], `expected the GWA header '${GWA_COLUMNS.join("; ")}; ...'`)
    }
    const fields = line.split(";")
    if (fields.length < GWA_COLUMNS.length) {
      return fieldError(
        file,
        lineNo,
        fields.length + 1,
        GWA_COLUMNS[fields.length] ?? "?",
        `expected at least ${GWA_COLUMNS.length} ';'-separated columns, found ${fields.length}`
      )
    }
    const stamp = numberOf(fields[0])
    if (!Number.isFinite(stamp) || stamp < 0)
      return fieldError(file, lineNo, 1, GWA_COLUMNS[0], `not a timestamp: '${fields[0]?.trim()}'`)
    const time = secondsOf(stamp)
    if (!builder.inWindow(time)) return undefined
    const capacity = numberOf(fields[2])
    if (!Number.isFinite(capacity) || capacity < 0)
      return fieldError(file, lineNo, 3, GWA_COLUMNS[2], `not a number of MHz: '${fields[2]?.trim()}'`)
    const percent = numberOf(fields[4])
    if (!Number.isFinite(percent) || percent < 0)
      return fieldError(file, lineNo, 5, GWA_COLUMNS[4], `not a percentage: '${fields[4]?.trim()}'`)
    const memoryKb = numberOf(fields[5])
    if (!Number.isFinite(memoryKb) || memoryKb < 0)
      return fieldError(file, lineNo, 6, GWA_COLUMNS[5], `not a number of KB: '${fields[5]?.trim()}'`)
    const vm = builder.vm(vmName)!
    // Capacity and memory are the largest provisioned in the window (they rarely change).
    if (!(vm.mips >= capacity)) vm.mips = capacity
    const ramMb = memoryKb / 1024
    if (!(vm.ramMb >= ramMb)) vm.ramMb = ramMb
    builder.add(vm, time, percent / 100)
    return undefined
  })

/** Reads a GWA directory (or a single GWA file: one VM) into a trace. */
export const loadGwaTrace = (path: string, settings: GwaReadSettings = {}): Effect.Effect<Trace, InputError> =>
  Effect.gen(function* () {
    const info = yield* Effect.tryPromise({
      try: () => stat(path),
      catch: () => new InputError({ file: path, message: "no such file or directory" })
    })
    const byVm = info.isDirectory()
      ? yield* listGwaFiles(path)
      : new Map([[basename(path).replace(TRACE_FILE, ""), [path]]])
    if (byVm.size === 0) return yield* new InputError({ file: path, message: "no .csv or .csv.gz file" })
    const chosen = sampleIds([...byVm.keys()], settings.vms, settings.seed ?? 0)
    // The sample is decided up front; the builder keeps every VM it is given.
    const builder = new TraceBuilder({
      source: path,
      intervalSec: settings.intervalSec,
      from: settings.from,
      to: settings.to
    })
    for (const [name, files] of byVm) {
      if (!chosen.has(name)) continue
      for (const file of files) yield* readGwaFile(file, name, builder)
    }
    const trace = builder.finish()
    return trace instanceof InputError ? yield* trace : trace
  })
