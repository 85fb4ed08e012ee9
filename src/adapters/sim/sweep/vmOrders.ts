/**
 * `--vm-order` for sweeps: which trace days run in a given VM order. Each spec is a folder of
 * `<day>.csv` files (the format `neat sim --vm-order` reads; a day without a file keeps the
 * default order) or `DAY=FILE` for one day. Every file is read, checked and hashed here, before
 * any job runs; its name and hash go with the job (and into its key), its path to the runner.
 */
import { createHash } from "node:crypto"
import { readdir, readFile, stat } from "node:fs/promises"
import { basename, join, resolve } from "node:path"
import { Effect } from "effect"
import { ConfigError, InputError } from "../../../core/errors.js"
import { parseVmOrder } from "../traces/vmOrder.js"
import { traceDay } from "./grid.js"
import type { VmOrderRef } from "./SweepJob.js"

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** Reads, checks and hashes one order file. */
export const readVmOrderRef = (path: string): Effect.Effect<VmOrderRef, InputError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(path, "utf8"),
      catch: (cause) => new InputError({ file: path, message: `cannot read the VM order: ${describe(cause)}` })
    })
    yield* parseVmOrder(text, path)
    return {
      file: basename(path),
      sha256: createHash("sha256").update(text).digest("hex"),
      path: resolve(path)
    }
  })

/** `DAY=FILE` (a day name without a slash), or undefined for a folder. */
const dayAndFile = (spec: string): readonly [string, string] | undefined => {
  const equals = spec.indexOf("=")
  if (equals <= 0) return undefined
  const day = spec.slice(0, equals)
  return /[\\/]/.test(day) ? undefined : [day, spec.slice(equals + 1)]
}

/** The VM order of each trace that has one, keyed by the trace spec. */
export const resolveVmOrders = (
  specs: ReadonlyArray<string>,
  traces: ReadonlyArray<string>
): Effect.Effect<ReadonlyMap<string, VmOrderRef>, ConfigError | InputError> =>
  Effect.gen(function* () {
    const orders = new Map<string, VmOrderRef>()
    const givenBy = new Map<string, string>()
    const assign = (day: string, ref: VmOrderRef, spec: string) =>
      Effect.gen(function* () {
        const earlier = givenBy.get(day)
        if (earlier !== undefined) {
          return yield* new ConfigError({
            field: "vm-order",
            message: `day ${day} is given a VM order twice (also by '${earlier}')`,
            source: spec
          })
        }
        givenBy.set(day, spec)
        for (const trace of traces) if (traceDay(trace) === day) orders.set(trace, ref)
      })
    const days = new Set(traces.map(traceDay))
    for (const spec of specs) {
      const pair = dayAndFile(spec)
      if (pair !== undefined) {
        const [day, file] = pair
        if (!days.has(day)) {
          return yield* new ConfigError({
            field: "vm-order",
            message: `no trace of the grid is day ${day} (days: ${[...days].join(", ")})`,
            source: spec
          })
        }
        yield* assign(day, yield* readVmOrderRef(file), spec)
        continue
      }
      const info = yield* Effect.tryPromise({
        try: () => stat(spec),
        catch: () => new InputError({ file: spec, message: "no such folder of VM orders (expected DIR or DAY=FILE)" })
      })
      if (!info.isDirectory()) {
        return yield* new InputError({
          file: spec,
          message: "not a folder: --vm-order takes a folder of <day>.csv files or DAY=FILE"
        })
      }
      const names = new Set(
        yield* Effect.tryPromise({
          try: () => readdir(spec),
          catch: (cause) => new InputError({ file: spec, message: `cannot list: ${describe(cause)}` })
        })
      )
      const found = [...days].filter((day) => names.has(`${day}.csv`))
      if (found.length === 0) {
        return yield* new InputError({
          file: spec,
          message: `holds no <day>.csv for any day of the grid (${[...days].join(", ")})`
        })
      }
      for (const day of found) yield* assign(day, yield* readVmOrderRef(join(spec, `${day}.csv`)), spec)
    }
    return orders
  })

/** How a VM order is recorded with a result: `{"file":…,"sha256":…}` (the path stays out). */
export const recordedVmOrder = (ref: VmOrderRef | undefined): { file: string; sha256: string } | undefined =>
  ref === undefined ? undefined : { file: ref.file, sha256: ref.sha256 }
