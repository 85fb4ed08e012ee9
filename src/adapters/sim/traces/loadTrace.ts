/**
 * One entry for every trace format: `loadTrace(spec)` picks the format from the spec.
 * - `FORMAT:PATH` with FORMAT one of gwa, azure, alibaba, google (the public data sets), planetlab, csv;
 * - a path without a prefix: the format detected from the files (see `detectFormat`);
 * - `synthetic[:vms=N,seed=S,days=D,interval=SEC]`: the seeded synthetic workload.
 * `vmOrder` (an `index,filename` file) renumbers the VMs and may narrow them to a subset; `read`
 * (`--vms --seed --from --to --interval --mips-per-core`) samples and resamples the data sets.
 */
import { readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { ConfigError, InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { alibabaFile, loadAlibabaTrace } from "./alibaba.js"
import { azureFiles, loadAzureTrace } from "./azure.js"
import { type CsvTraceOptions, loadCsvTrace } from "./csv.js"
import { loadGoogleTrace } from "./google.js"
import { isGwaHeader, loadGwaTrace } from "./gwa.js"
import { firstLine } from "./lineStream.js"
import {
  checkReadOptions,
  hasReadOptions,
  type ReadFlags,
  readOptionsFromFlags,
  type TraceReadOptions,
  windowSeconds
} from "./readOptions.js"
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

/** The public data sets Neat reads (see docs/traces.md). */
export const datasetFormats = ["gwa", "azure", "alibaba", "google"] as const
export type DatasetFormat = (typeof datasetFormats)[number]

export type TraceSpec =
  | { readonly _tag: "PlanetLab"; readonly dir: string }
  | { readonly _tag: "Csv"; readonly file: string }
  | { readonly _tag: "Synthetic"; readonly workload: SyntheticWorkload }
  | {
      readonly _tag: "Dataset"
      readonly format: DatasetFormat
      readonly path: string
      /** Reading options written in the spec (`azure:DIR?vms=1000&seed=7&to=86400`); they win over the flags. */
      readonly query?: ReadFlags | undefined
    }

export interface LoadTraceOptions {
  /** An `index,filename` file giving the VMs' order. */
  readonly vmOrder?: string | undefined
  /** Required for PlanetLab directories. */
  readonly planetLab?: PlanetLabLoader | undefined
  readonly csv?: CsvTraceOptions | undefined
  /** VMs arriving and leaving during the run (`--arrivals`); the synthetic workload only. */
  readonly arrivals?: SyntheticArrivals | undefined
  /** Sampling, window and interval for the data-set formats. */
  readonly read?: TraceReadOptions | undefined
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

const PREFIXES = [...datasetFormats, "planetlab", "csv"] as const

const isDataFile = (name: string): boolean => /\.csv(\.gz)?$/i.test(name)

/**
 * The format of a path given without a prefix: a directory holding vmtable.csv and
 * vm_cpu_readings files is azure, one holding container_usage.csv alibaba, one holding task_usage
 * part files (or a task_usage/ directory) google, one whose first .csv file starts with the GWA
 * header gwa, any other directory PlanetLab; a file starting with the GWA header is gwa, a task_usage
 * part file google, any other .csv file the generic CSV.
 */
export const detectFormat = (path: string): Effect.Effect<TraceSpec, ConfigError | InputError> =>
  Effect.gen(function* () {
    const info = yield* Effect.tryPromise({
      try: () => stat(path),
      catch: () => new InputError({ file: path, message: "no such file or directory" })
    })
    const dataset = (format: DatasetFormat): TraceSpec => ({ _tag: "Dataset", format, path })
    if (info.isDirectory()) {
      const entries = yield* Effect.tryPromise({
        try: () => readdir(path, { withFileTypes: true }),
        catch: (cause) =>
          new InputError({
            file: path,
            message: `cannot list: ${cause instanceof Error ? cause.message : String(cause)}`
          })
      })
      const names = entries.map((entry) => entry.name)
      const azure = azureFiles(names)
      if (azure.vmTable !== undefined && azure.readings.length > 0) return dataset("azure")
      if (alibabaFile(names, "container_usage") !== undefined) return dataset("alibaba")
      if (names.some((name) => /^part-\d+-of-\d+\.csv(\.gz)?$/.test(name)) || names.includes("task_usage"))
        return dataset("google")
      // GWA: the first data file, in the directory or in its first subdirectory (Bitbrains' Rnd months).
      const sorted = entries.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      let probe = sorted.find((entry) => entry.isFile() && isDataFile(entry.name))?.name
      if (probe === undefined) {
        const sub = sorted.find((entry) => entry.isDirectory())
        if (sub !== undefined) {
          const inner = yield* Effect.tryPromise({
            try: () => readdir(join(path, sub.name)),
            catch: () => new InputError({ file: join(path, sub.name), message: "cannot list" })
          })
          const file = inner.sort().find(isDataFile)
          if (file !== undefined) probe = join(sub.name, file)
        }
      }
      if (probe !== undefined) {
        const head = yield* firstLine(join(path, probe))
        if (head !== undefined && isGwaHeader(head)) return dataset("gwa")
      }
      return { _tag: "PlanetLab", dir: path }
    }
    const lower = path.toLowerCase()
    if (isDataFile(lower)) {
      const head = yield* firstLine(path)
      if (head !== undefined && isGwaHeader(head)) return dataset("gwa")
      if (/(^|\/)part-\d+-of-\d+\.csv(\.gz)?$/.test(lower)) return dataset("google")
      if (lower.endsWith(".csv")) return { _tag: "Csv", file: path }
    }
    return yield* new ConfigError({
      field: "trace",
      message:
        "cannot tell the format: expected a PlanetLab, GWA, Azure, Alibaba or Google trace directory, a .csv file, " +
        "FORMAT:PATH (gwa, azure, alibaba, google, planetlab, csv) or 'synthetic:vms=N,seed=S[,days=D]'",
      source: path
    })
  })

const QUERY_KEYS = ["vms", "seed", "from", "to", "interval", "mips-per-core"] as const

/**
 * Splits `PATH?key=value&...` (keys vms, seed, from, to, interval, mips-per-core): the reading
 * options in the spec itself, for grids and `serve --mode sim`, which take a spec and no flags.
 */
export const splitSpecQuery = (spec: string): Either.Either<{ path: string; query?: ReadFlags }, ConfigError> => {
  const at = spec.lastIndexOf("?")
  if (at === -1 || !/^[a-z-]+=/.test(spec.slice(at + 1))) return Either.right({ path: spec })
  const fail = (message: string) => Either.left(new ConfigError({ field: "trace", message, source: spec }))
  const query: { -readonly [K in keyof ReadFlags]: ReadFlags[K] } = {}
  for (const pair of spec.slice(at + 1).split("&")) {
    const equals = pair.indexOf("=")
    const key = pair.slice(0, equals)
    const text = pair.slice(equals + 1)
    if (equals === -1 || text === "") return fail(`'${pair}' is not key=value`)
    const number = Number(text)
    switch (QUERY_KEYS.find((name) => name === key)) {
      case "from":
        query.from = text
        continue
      case "to":
        query.to = text
        continue
      case undefined:
        return fail(`unknown key '${key}' (known: ${QUERY_KEYS.join(", ")})`)
    }
    if (Number.isNaN(number)) return fail(`${key} must be a number, got '${text}'`)
    if (key === "vms") query.vms = number
    else if (key === "seed") query.seed = number
    else if (key === "interval") query.intervalSec = number
    else query.mipsPerCore = number
  }
  return Either.right({ path: spec.slice(0, at), query })
}

/** Decides which format a spec names (looking at the file system for paths). */
export const parseTraceSpec = (spec: string): Effect.Effect<TraceSpec, ConfigError | InputError> =>
  Effect.gen(function* () {
    if (spec === SYNTHETIC || spec.startsWith(`${SYNTHETIC}:`)) {
      const workload = yield* parseSyntheticSpec(spec)
      return { _tag: "Synthetic" as const, workload }
    }
    const colon = spec.indexOf(":")
    const prefix = colon > 0 ? spec.slice(0, colon).toLowerCase() : ""
    const known = PREFIXES.find((name) => name === prefix)
    const { path, query } = yield* splitSpecQuery(known === undefined ? spec : spec.slice(colon + 1))
    if (path === "")
      return yield* new ConfigError({ field: "trace", message: `no path after '${prefix}:'`, source: spec })
    let parsed: TraceSpec
    if (known === undefined) parsed = yield* detectFormat(path)
    else if (known === "planetlab") parsed = { _tag: "PlanetLab", dir: path }
    else if (known === "csv") parsed = { _tag: "Csv", file: path }
    else parsed = { _tag: "Dataset", format: known, path }
    if (query === undefined) return parsed
    if (parsed._tag !== "Dataset") {
      return yield* new ConfigError({
        field: "trace",
        message: "reading options (?vms=...) apply to gwa, azure, alibaba and google traces",
        source: spec
      })
    }
    return { ...parsed, query }
  })

/** Reads a data set's trace with the sampling, window and interval options. */
const loadDataset = (
  format: DatasetFormat,
  path: string,
  read: TraceReadOptions
): Effect.Effect<Trace, ConfigError | InputError> =>
  Effect.gen(function* () {
    const options = yield* checkReadOptions(read)
    const window = yield* windowSeconds(options, format, format === "gwa")
    const settings = {
      intervalSec: options.intervalSec,
      from: window.from,
      to: window.to,
      vms: options.vms,
      seed: options.seed
    }
    switch (format) {
      case "gwa":
        return yield* loadGwaTrace(path, settings)
      case "azure":
        return yield* loadAzureTrace(path, { ...settings, mipsPerCore: options.mipsPerCore })
      case "alibaba":
        return yield* loadAlibabaTrace(path, { ...settings, mipsPerCore: options.mipsPerCore })
      case "google":
        return yield* loadGoogleTrace(path, settings)
    }
  })

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
    if (parsed._tag !== "Dataset" && hasReadOptions(options.read)) {
      return yield* new ConfigError({
        field: "trace",
        message: "--vms, --from, --to, --interval and --mips-per-core apply to gwa, azure, alibaba and google traces",
        source: spec
      })
    }
    switch (parsed._tag) {
      case "Dataset": {
        const fromSpec = parsed.query === undefined ? {} : yield* readOptionsFromFlags(parsed.query)
        const read = { ...options.read }
        for (const [key, value] of Object.entries(fromSpec))
          if (value !== undefined) Object.assign(read, { [key]: value })
        const trace = yield* loadDataset(parsed.format, parsed.path, read)
        if (vmOrder === undefined) return trace
        return applyVmOrder(trace, yield* readVmOrder(vmOrder, trace.names))
      }
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
