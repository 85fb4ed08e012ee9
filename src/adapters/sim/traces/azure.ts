/**
 * The Azure public dataset, v1 (2017) and v2 (2019), from a directory as downloaded:
 * - `vm_cpu_readings-file-N-of-M.csv[.gz]`: `timestamp,vmid,mincpu,maxcpu,avgcpu` per VM and
 *   5 minutes (seconds from the trace start; CPU in percent of the VM's cores);
 * - `vmtable.csv[.gz]`: `vmid,subscriptionid,deploymentid,vmcreated,vmdeleted,maxcpu,avgcpu,
 *   p95maxcpu,vmcategory,vmcorecountbucket,vmmemorybucket`.
 * No header in either (one is skipped if present). The readings are read first, keeping a
 * reproducible sample of the VMs seen in the window; then the VM table, for the kept VMs' sizes and
 * creation and deletion times. The shards are slices of time in order, so a shard whose successor
 * starts at or before `--from` is skipped, and reading stops at the first shard that starts at or
 * after `--to`.
 */
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { firstLine, forEachLine, STOP } from "./lineStream.js"
import { DEFAULT_MIPS_PER_CORE } from "./readOptions.js"
import { fieldError, numberOf, TraceBuilder } from "./traceBuilder.js"

export interface AzureReadSettings {
  readonly intervalSec?: number | undefined
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly vms?: number | undefined
  readonly seed?: number | undefined
  readonly mipsPerCore?: number | undefined
}

const READINGS = /^vm_cpu_readings-file-(\d+)-of-(\d+)\.csv(\.gz)?$/
const VM_TABLE = /^vmtable\.csv(\.gz)?$/

export const READING_COLUMNS = ["timestamp", "vmid", "mincpu", "maxcpu", "avgcpu"] as const
export const VM_TABLE_COLUMNS = [
  "vmid",
  "subscriptionid",
  "deploymentid",
  "vmcreated",
  "vmdeleted",
  "maxcpu",
  "avgcpu",
  "p95maxcpu",
  "vmcategory",
  "vmcorecountbucket",
  "vmmemorybucket"
] as const

/** The files of an Azure directory, readings in shard order; undefined when it is not one. */
export const azureFiles = (
  names: ReadonlyArray<string>
): { readonly vmTable: string | undefined; readonly readings: ReadonlyArray<string> } => {
  const readings = names
    .map((name) => ({ name, match: READINGS.exec(name) }))
    .filter((entry) => entry.match !== null)
    .sort((a, b) => Number(a.match![1]) - Number(b.match![1]) || (a.name < b.name ? -1 : 1))
    .map((entry) => entry.name)
  return { vmTable: names.find((name) => VM_TABLE.test(name)), readings }
}

/**
 * A bucket's value: a number, or `>N` (the largest bucket, "more than N"), read as the next power
 * of two above N (>24 cores: 32; >64 GB: 128).
 */
export const bucketValue = (text: string): number => {
  const trimmed = text.trim()
  if (trimmed.startsWith(">")) {
    const floor = numberOf(trimmed.slice(1))
    if (!(floor > 0)) return Number.NaN
    return 2 ** Math.floor(Math.log2(floor) + 1)
  }
  return numberOf(trimmed)
}

const isHeader = (fields: ReadonlyArray<string>, first: string): boolean => fields[0]?.trim().toLowerCase() === first

const readReadings = (
  file: string,
  builder: TraceBuilder,
  to: number | undefined,
  firstTime: { value: number }
): Effect.Effect<void, InputError> =>
  forEachLine(file, (line, lineNo) => {
    if (line === "") return undefined
    // The hot loop of a 30-day read (billions of rows): commas found by hand, no array per row.
    const c1 = line.indexOf(",")
    const c2 = c1 === -1 ? -1 : line.indexOf(",", c1 + 1)
    const c3 = c2 === -1 ? -1 : line.indexOf(",", c2 + 1)
    const c4 = c3 === -1 ? -1 : line.indexOf(",", c3 + 1)
    if (c4 === -1 || line.indexOf(",", c4 + 1) !== -1) {
      const fields = line.split(",")
      if (lineNo === 1 && isHeader(fields, "timestamp")) return undefined
      return fieldError(
        file,
        lineNo,
        Math.min(fields.length, 5) + 1,
        fields.length > 5 ? "extra" : (READING_COLUMNS[fields.length] ?? "?"),
        `expected 5 columns (${READING_COLUMNS.join(",")}), found ${fields.length}`
      )
    }
    const timeText = line.slice(0, c1)
    const time = numberOf(timeText)
    if (!Number.isFinite(time) || time < 0) {
      if (lineNo === 1 && isHeader([timeText], "timestamp")) return undefined
      return fieldError(file, lineNo, 1, "timestamp", `not a time in seconds: '${timeText}'`)
    }
    if (Number.isNaN(firstTime.value)) {
      firstTime.value = time
      // Shards are consecutive slices of time: one starting at or after --to ends the read.
      if (to !== undefined && time >= to) return STOP
    }
    if (!builder.inWindow(time)) return undefined
    if (c2 === c1 + 1) return fieldError(file, lineNo, 2, "vmid", "empty VM id")
    const vm = builder.vm(line.slice(c1 + 1, c2))
    if (vm === undefined) return undefined
    const avgText = line.slice(c4 + 1)
    const avg = numberOf(avgText)
    if (!Number.isFinite(avg)) return fieldError(file, lineNo, 5, "avgcpu", `not a number: '${avgText}'`)
    if (avg < 0 || avg > 100) return fieldError(file, lineNo, 5, "avgcpu", `must be within 0..100, got ${avg}`)
    builder.add(vm, time, avg / 100)
    return undefined
  })

/** The time of a shard's first reading (NaN when it has none, or a header only). */
const shardStart = (file: string): Effect.Effect<number, InputError> =>
  Effect.map(firstLine(file), (line) => (line === undefined ? Number.NaN : numberOf(line.slice(0, line.indexOf(",")))))

/** Reads the VM table for the VMs kept; every kept VM must be in it. */
const readVmTable = (file: string, builder: TraceBuilder, mipsPerCore: number): Effect.Effect<void, InputError> =>
  forEachLine(file, (line, lineNo) => {
    if (line === "") return undefined
    const fields = line.split(",")
    if (fields.length !== VM_TABLE_COLUMNS.length) {
      if (lineNo === 1 && isHeader(fields, "vmid")) return undefined
      return fieldError(
        file,
        lineNo,
        Math.min(fields.length, VM_TABLE_COLUMNS.length) + 1,
        VM_TABLE_COLUMNS[fields.length] ?? "extra",
        `expected ${VM_TABLE_COLUMNS.length} columns (${VM_TABLE_COLUMNS.join(",")}), found ${fields.length}`
      )
    }
    if (lineNo === 1 && isHeader(fields, "vmid")) return undefined
    const vm = builder.kept(fields[0]!)
    if (vm === undefined) return undefined
    const created = numberOf(fields[3])
    if (!Number.isFinite(created) || created < 0)
      return fieldError(file, lineNo, 4, "vmcreated", `not a time in seconds: '${fields[3]}'`)
    const deleted = numberOf(fields[4])
    if (!Number.isFinite(deleted) || deleted < created)
      return fieldError(file, lineNo, 5, "vmdeleted", `not a time in seconds at or after vmcreated: '${fields[4]}'`)
    const cores = bucketValue(fields[9]!)
    if (!(cores > 0)) return fieldError(file, lineNo, 10, "vmcorecountbucket", `not a core count: '${fields[9]}'`)
    const memoryGb = bucketValue(fields[10]!)
    if (!(memoryGb > 0))
      return fieldError(file, lineNo, 11, "vmmemorybucket", `not a memory size in GB: '${fields[10]}'`)
    vm.createdSec = created
    vm.deletedSec = deleted
    vm.mips = cores * mipsPerCore
    vm.ramMb = memoryGb * 1024
    return undefined
  })

const listDirectory = (dir: string): Effect.Effect<ReadonlyArray<string>, InputError> =>
  Effect.tryPromise({
    try: () => readdir(dir),
    catch: (cause) =>
      new InputError({
        file: dir,
        message: `cannot list the Azure directory: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })

/** Reads an Azure public dataset directory into a trace. */
export const loadAzureTrace = (dir: string, settings: AzureReadSettings = {}): Effect.Effect<Trace, InputError> =>
  Effect.gen(function* () {
    const { vmTable, readings } = azureFiles(yield* listDirectory(dir))
    if (vmTable === undefined) return yield* new InputError({ file: dir, message: "no vmtable.csv or vmtable.csv.gz" })
    if (readings.length === 0)
      return yield* new InputError({ file: dir, message: "no vm_cpu_readings-file-N-of-M.csv[.gz] file" })
    const builder = new TraceBuilder({ ...settings, source: dir })
    for (let i = 0; i < readings.length; i++) {
      // A shard wholly before --from is skipped: the next one starts at or before it.
      const next = readings[i + 1]
      if (settings.from !== undefined && next !== undefined) {
        const nextStart = yield* shardStart(join(dir, next))
        if (nextStart <= settings.from) continue
      }
      const firstTime = { value: Number.NaN }
      yield* readReadings(join(dir, readings[i]!), builder, settings.to, firstTime)
      if (settings.to !== undefined && firstTime.value >= settings.to) break
    }
    const tableFile = join(dir, vmTable)
    yield* readVmTable(tableFile, builder, settings.mipsPerCore ?? DEFAULT_MIPS_PER_CORE)
    for (const id of builder.keptIds) {
      const vm = builder.kept(id)!
      if (vm.first !== Number.POSITIVE_INFINITY && Number.isNaN(vm.mips)) {
        return yield* new InputError({ file: tableFile, message: `VM '${id}' has CPU readings but no row here` })
      }
    }
    const trace = builder.finish()
    return trace instanceof InputError ? yield* trace : trace
  })
