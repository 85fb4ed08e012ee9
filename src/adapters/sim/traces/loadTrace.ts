/**
 * One entry for every trace format: `loadTrace(spec)` picks the format from the spec.
 * - a directory: PlanetLab (one file per VM), read by the PlanetLab loader passed in;
 * - `*.csv`: the generic CSV format;
 * - `synthetic[:vms=N,seed=S,days=D,interval=SEC]`: the seeded synthetic workload.
 * `vmOrder` (an `index,filename` file) renumbers the VMs and may narrow them to a subset.
 */
import { readdir, stat } from "node:fs/promises"
import { Effect, Either } from "effect"
import { ConfigError, InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { type CsvTraceOptions, loadCsvTrace } from "./csv.js"
import {
  defaultSyntheticWorkload,
  resolveSyntheticWorkload,
  type SyntheticWorkload,
  syntheticTrace
} from "./synthetic.js"
import { type SyntheticArrivals, syntheticTraceWithArrivals } from "./syntheticArrivals.js"
import { applyVmOrder, readVmOrder } from "./vmOrder.js"

/**
 * Reads a PlanetLab directory into a trace: VMs sorted by file name, or in `order` (file names,
 * already checked to exist in `dir`).
 */
export type PlanetLabLoader = (dir: string, order?: ReadonlyArray<string>) => Effect.Effect<Trace, InputError>

export type TraceSpec =
  | { readonly _tag: "PlanetLab"; readonly dir: string }
  | { readonly _tag: "Csv"; readonly file: string }
  | { readonly _tag: "Synthetic"; readonly workload: SyntheticWorkload }

export interface LoadTraceOptions {
  /** An `index,filename` file giving the VMs' order. */
  readonly vmOrder?: string | undefined
  /** Required for PlanetLab directories. */
  readonly planetLab?: PlanetLabLoader | undefined
  readonly csv?: CsvTraceOptions | undefined
  /** VMs arriving and leaving during the run (`--arrivals`); the synthetic workload only. */
  readonly arrivals?: SyntheticArrivals | undefined
}

const SYNTHETIC = "synthetic"

/** Parses `synthetic[:key=value,...]` (keys vms, seed, days, interval). */
export const parseSyntheticSpec = (spec: string): Either.Either<SyntheticWorkload, ConfigError> => {
  const fail = (message: string) => Either.left(new ConfigError({ field: "trace", message, source: spec }))
  const rest = spec.slice(SYNTHETIC.length)
  const values: { vms: number; seed: number; days?: number; intervalSec?: number } = {
    vms: defaultSyntheticWorkload.vms,
    seed: defaultSyntheticWorkload.seed
  }
  if (rest === "") return Either.right(values)
  if (!rest.startsWith(":")) return fail("expected 'synthetic' or 'synthetic:vms=N,seed=S[,days=D][,interval=SEC]'")
  for (const pair of rest.slice(1).split(",")) {
    const [key = "", text = "", ...extra] = pair.split("=").map((part) => part.trim())
    const value = text === "" || extra.length > 0 ? Number.NaN : Number(text)
    if (Number.isNaN(value)) return fail(`'${pair}' is not key=number`)
    switch (key) {
      case "vms":
        values.vms = value
        break
      case "seed":
        values.seed = value
        break
      case "days":
        values.days = value
        break
      case "interval":
        values.intervalSec = value
        break
      default:
        return fail(`unknown key '${key}' (known: vms, seed, days, interval)`)
    }
  }
  return Either.map(resolveSyntheticWorkload(values, spec), () => values)
}

/** Decides which format a spec names (looking at the file system for paths). */
export const parseTraceSpec = (spec: string): Effect.Effect<TraceSpec, ConfigError | InputError> => {
  if (spec === SYNTHETIC || spec.startsWith(`${SYNTHETIC}:`)) {
    return Effect.map(parseSyntheticSpec(spec), (workload) => ({ _tag: "Synthetic" as const, workload }))
  }
  return Effect.tryPromise({
    try: () => stat(spec),
    catch: () => new InputError({ file: spec, message: "no such file or directory" })
  }).pipe(
    Effect.flatMap((info): Effect.Effect<TraceSpec, ConfigError> => {
      if (info.isDirectory()) return Effect.succeed({ _tag: "PlanetLab", dir: spec })
      if (spec.toLowerCase().endsWith(".csv")) return Effect.succeed({ _tag: "Csv", file: spec })
      return Effect.fail(
        new ConfigError({
          field: "trace",
          message: "expected a PlanetLab directory, a .csv file or 'synthetic:vms=N,seed=S[,days=D]'",
          source: spec
        })
      )
    })
  )
}

const listDirectory = (dir: string): Effect.Effect<ReadonlyArray<string>, InputError> =>
  Effect.tryPromise({
    try: () => readdir(dir),
    catch: (cause) =>
      new InputError({ file: dir, message: `cannot list: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

/** Loads the trace a spec names, in the order `options.vmOrder` gives (if any). */
export const loadTrace = (
  spec: string,
  options: LoadTraceOptions = {}
): Effect.Effect<Trace, ConfigError | InputError> =>
  Effect.gen(function* () {
    const parsed = yield* parseTraceSpec(spec)
    const { vmOrder } = options
    if (options.arrivals !== undefined && parsed._tag !== "Synthetic") {
      return yield* new ConfigError({
        field: "arrivals",
        message: "applies to the synthetic workload only (a data set's trace carries its own lifetimes)",
        source: spec
      })
    }
    switch (parsed._tag) {
      case "PlanetLab": {
        const load = options.planetLab
        if (load === undefined) {
          return yield* new ConfigError({
            field: "trace",
            message: "PlanetLab directories are not supported here",
            source: spec
          })
        }
        if (vmOrder === undefined) return yield* load(parsed.dir)
        const order = yield* readVmOrder(vmOrder, yield* listDirectory(parsed.dir))
        return yield* load(parsed.dir, order)
      }
      case "Csv":
      case "Synthetic": {
        const trace =
          parsed._tag === "Csv"
            ? yield* loadCsvTrace(parsed.file, options.csv)
            : options.arrivals === undefined
              ? yield* syntheticTrace(parsed.workload, spec)
              : yield* syntheticTraceWithArrivals(parsed.workload, options.arrivals, spec)
        if (vmOrder === undefined) return trace
        return applyVmOrder(trace, yield* readVmOrder(vmOrder, trace.names))
      }
    }
  })
