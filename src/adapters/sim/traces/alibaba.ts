/**
 * Alibaba's cluster trace v2018, from a directory as downloaded (files plain or gzip):
 * - `container_usage.csv`: `container_id,machine_id,time_stamp,cpu_util_percent,mem_util_percent,
 *   cpi,mem_gps,mpki,net_in,net_out,disk_io_percent` (time in seconds from the trace start): the
 *   workload, one VM per container;
 * - `container_meta.csv`: `container_id,machine_id,time_stamp,app_du,status,cpu_request,cpu_limit,
 *   mem_size`: each container's size (`cpu_request`, 100 = one core; the last row of a container wins).
 * No header in either. A container's life is the span of its readings ("as seen").
 * `cpu_util_percent` is read as a percentage of the container's requested cores (clamped to 100).
 * `mem_size` (and `machine_meta.csv`'s) is normalised to the largest machine with no absolute
 * size in the data set, so the trace carries no memory.
 */
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { forEachLine } from "./lineStream.js"
import { DEFAULT_MIPS_PER_CORE } from "./readOptions.js"
import { fieldError, numberOf, TraceBuilder } from "./traceBuilder.js"

export interface AlibabaReadSettings {
  readonly intervalSec?: number | undefined
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly vms?: number | undefined
  readonly seed?: number | undefined
  readonly mipsPerCore?: number | undefined
}

export const CONTAINER_USAGE_COLUMNS = [
  "container_id",
  "machine_id",
  "time_stamp",
  "cpu_util_percent",
  "mem_util_percent",
  "cpi",
  "mem_gps",
  "mpki",
  "net_in",
  "net_out",
  "disk_io_percent"
] as const
export const CONTAINER_META_COLUMNS = [
  "container_id",
  "machine_id",
  "time_stamp",
  "app_du",
  "status",
  "cpu_request",
  "cpu_limit",
  "mem_size"
] as const

/** The file of a table in an Alibaba directory, plain or gzip. */
export const alibabaFile = (names: ReadonlyArray<string>, table: string): string | undefined =>
  names.find((name) => name === `${table}.csv`) ?? names.find((name) => name === `${table}.csv.gz`)

const columnsError = (file: string, lineNo: number, columns: ReadonlyArray<string>, found: number) =>
  fieldError(
    file,
    lineNo,
    Math.min(found, columns.length) + 1,
    columns[found] ?? "extra",
    `expected ${columns.length} columns (${columns.join(",")}), found ${found}`
  )

const readUsage = (file: string, builder: TraceBuilder): Effect.Effect<void, InputError> =>
  forEachLine(file, (line, lineNo) => {
    if (line === "") return undefined
    const fields = line.split(",")
    if (fields.length !== CONTAINER_USAGE_COLUMNS.length)
      return columnsError(file, lineNo, CONTAINER_USAGE_COLUMNS, fields.length)
    const time = numberOf(fields[2])
    if (!Number.isFinite(time) || time < 0) {
      if (lineNo === 1 && fields[0] === "container_id") return undefined
      return fieldError(file, lineNo, 3, "time_stamp", `not a time in seconds: '${fields[2]}'`)
    }
    if (!builder.inWindow(time)) return undefined
    const id = fields[0]!
    if (id === "") return fieldError(file, lineNo, 1, "container_id", "empty container id")
    // The trace has readings with no CPU value: they are no reading.
    if (fields[3] === "") return undefined
    const percent = numberOf(fields[3])
    if (!Number.isFinite(percent) || percent < 0)
      return fieldError(file, lineNo, 4, "cpu_util_percent", `not a percentage: '${fields[3]}'`)
    const vm = builder.vm(id)
    if (vm === undefined) return undefined
    builder.add(vm, time, percent / 100)
    return undefined
  })

const readMeta = (file: string, builder: TraceBuilder, mipsPerCore: number): Effect.Effect<void, InputError> =>
  forEachLine(file, (line, lineNo) => {
    if (line === "") return undefined
    const fields = line.split(",")
    if (fields.length !== CONTAINER_META_COLUMNS.length)
      return columnsError(file, lineNo, CONTAINER_META_COLUMNS, fields.length)
    if (lineNo === 1 && fields[0] === "container_id") return undefined
    const vm = builder.kept(fields[0]!)
    if (vm === undefined) return undefined
    const request = numberOf(fields[5])
    if (!Number.isFinite(request) || request <= 0)
      return fieldError(file, lineNo, 6, "cpu_request", `not a positive CPU request (100 = 1 core): '${fields[5]}'`)
    vm.mips = (request / 100) * mipsPerCore
    return undefined
  })

/** Reads an Alibaba 2018 directory into a trace. */
export const loadAlibabaTrace = (dir: string, settings: AlibabaReadSettings = {}): Effect.Effect<Trace, InputError> =>
  Effect.gen(function* () {
    const names = yield* Effect.tryPromise({
      try: () => readdir(dir),
      catch: (cause) =>
        new InputError({
          file: dir,
          message: `cannot list the Alibaba directory: ${cause instanceof Error ? cause.message : String(cause)}`
        })
    })
    const usage = alibabaFile(names, "container_usage")
    if (usage === undefined)
      return yield* new InputError({ file: dir, message: "no container_usage.csv or container_usage.csv.gz" })
    const meta = alibabaFile(names, "container_meta")
    if (meta === undefined)
      return yield* new InputError({ file: dir, message: "no container_meta.csv or container_meta.csv.gz" })
    const builder = new TraceBuilder({ ...settings, source: dir })
    yield* readUsage(join(dir, usage), builder)
    const metaFile = join(dir, meta)
    yield* readMeta(metaFile, builder, settings.mipsPerCore ?? DEFAULT_MIPS_PER_CORE)
    for (const id of builder.keptIds) {
      const vm = builder.kept(id)!
      if (vm.first !== Number.POSITIVE_INFINITY && Number.isNaN(vm.mips))
        return yield* new InputError({ file: metaFile, message: `container '${id}' has usage but no row here` })
    }
    const trace = builder.finish()
    return trace instanceof InputError ? yield* trace : trace
  })
