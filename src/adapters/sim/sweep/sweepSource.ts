/**
 * A finished sweep's results, read back without running anything: from its store (a SQLite file,
 * `sqlite:PATH`, or a `postgresql://` URL), from its sweep.json, or from its output folder
 * (sweep.sqlite there, else sweep.json).
 */
import { existsSync, statSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import { InputError } from "../../../core/errors.js"
import { parseErrorLine } from "../../../core/schemaErrors.js"
import type { SimulationMetrics } from "../SimulationResult.js"
import { METRIC_COLUMNS, OPTIONAL_METRIC_COLUMNS } from "./metricColumns.js"
import type { SweepResult } from "./SweepJob.js"
import { openSweepStore, type SweepStoreError, storeName } from "./SweepStore.js"

export interface SweepSource {
  /** The source for people (a PostgreSQL URL without its password). */
  readonly name: string
  readonly results: ReadonlyArray<SweepResult>
}

const MetricsSchema = Schema.Struct({
  ...(Object.fromEntries(METRIC_COLUMNS.map(([metric]) => [metric, Schema.NullOr(Schema.Number)])) as {
    [K in (typeof METRIC_COLUMNS)[number][0]]: Schema.NullOr<typeof Schema.Number>
  }),
  // Absent from sweep.json files written before it was kept, and null for runs without lifetimes.
  vmsRefused: Schema.optional(Schema.NullOr(Schema.Number))
})
/** JSON writes a non-finite number as null; it is read back as NaN. */
const SeriesSchema = Schema.Array(Schema.NullOr(Schema.Number))
const TimelineSchema = Schema.Struct({
  timeSec: SeriesSchema,
  activeHosts: SeriesSchema,
  powerW: SeriesSchema,
  migrations: SeriesSchema
})
const ResultSchema = Schema.Struct({
  key: Schema.String,
  index: Schema.Number,
  policy: Schema.String,
  params: Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number, Schema.Boolean) }),
  trace: Schema.String,
  vmOrder: Schema.optional(Schema.Struct({ file: Schema.String, sha256: Schema.String })),
  hostsFile: Schema.optional(Schema.Struct({ file: Schema.String, sha256: Schema.String, hosts: Schema.Number })),
  arrivals: Schema.optional(Schema.String),
  metrics: MetricsSchema,
  /** Absent from sweep.json files written before timelines were kept. */
  timeline: Schema.optional(TimelineSchema)
})
const SweepJsonSchema = Schema.Struct({ results: Schema.Array(ResultSchema) })

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The value of `snake`, else of `camel` (files written before keys became snake_case). */
const either = (record: Record<string, unknown>, snake: string, camel: string): unknown =>
  record[snake] !== undefined ? record[snake] : record[camel]

const snakeTimelineKeys = [
  ["time_sec", "timeSec"],
  ["active_hosts", "activeHosts"],
  ["power_w", "powerW"],
  ["migrations", "migrations"]
] as const

/** A sweep.json result in the reader's (camelCase) shape, from snake_case keys or the old camelCase ones. */
const normalizeResult = (result: unknown): unknown => {
  if (!isObject(result)) return result
  const { vm_order, hosts_file, metrics, timeline, ...rest } = result
  const vmOrder = vm_order ?? rest.vmOrder
  return {
    ...rest,
    ...(vmOrder === undefined ? {} : { vmOrder }),
    ...(hosts_file === undefined ? {} : { hostsFile: hosts_file }),
    metrics: isObject(metrics)
      ? Object.fromEntries(
          [...METRIC_COLUMNS, ...OPTIONAL_METRIC_COLUMNS]
            .map(([metric, column]) => [metric, either(metrics, column, metric)] as const)
            .filter(([, value]) => value !== undefined)
        )
      : metrics,
    ...(timeline === undefined
      ? {}
      : {
          timeline: isObject(timeline)
            ? Object.fromEntries(snakeTimelineKeys.map(([snake, camel]) => [camel, either(timeline, snake, camel)]))
            : timeline
        })
  }
}

/** Reads a sweep.json written by `neat sweep`. */
export const readSweepJson = (file: string): Effect.Effect<ReadonlyArray<SweepResult>, InputError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (cause) => new InputError({ file, message: `cannot read: ${describe(cause)}` })
    })
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (cause) => new InputError({ file, message: `not valid JSON: ${describe(cause)}` })
    })
    const normalized =
      isObject(json) && Array.isArray(json.results) ? { ...json, results: json.results.map(normalizeResult) } : json
    const decoded = yield* Schema.decodeUnknown(SweepJsonSchema)(normalized).pipe(
      Effect.mapError(
        (error) => new InputError({ file, message: `not a sweep.json of neat sweep: ${parseErrorLine(error)}` })
      )
    )
    const series = (values: ReadonlyArray<number | null>): ReadonlyArray<number> =>
      values.map((value) => value ?? Number.NaN)
    return decoded.results.map(({ metrics, vmOrder, hostsFile, timeline, ...job }): SweepResult => {
      const { vmsRefused, ...required } = metrics
      const result: SweepResult = {
        job: {
          ...job,
          ...(vmOrder === undefined ? {} : { vmOrder }),
          ...(hostsFile === undefined ? {} : { hostsFile })
        },
        metrics: Object.fromEntries([
          ...Object.entries(required).map(([metric, value]) => [metric, value ?? Number.NaN]),
          ...(vmsRefused === undefined || vmsRefused === null ? [] : [["vmsRefused", vmsRefused]])
        ]) as unknown as SimulationMetrics
      }
      return timeline === undefined
        ? result
        : {
            ...result,
            timeline: {
              timeSec: series(timeline.timeSec),
              activeHosts: series(timeline.activeHosts),
              powerW: series(timeline.powerW),
              migrations: series(timeline.migrations)
            }
          }
    })
  })

const isPostgres = (source: string): boolean => /^postgres(ql)?:\/\//i.test(source.trim())

/** Every result of the sweep at `source`. */
export const loadSweepSource = (
  source: string,
  options: { readonly schema?: string | undefined } = {}
): Effect.Effect<SweepSource, InputError | SweepStoreError> =>
  Effect.gen(function* () {
    let target = source
    if (!isPostgres(source) && !source.startsWith("sqlite:")) {
      if (!existsSync(source))
        return yield* new InputError({ file: source, message: "no such store, sweep.json or folder" })
      if (statSync(source).isDirectory()) {
        const sqlite = join(source, "sweep.sqlite")
        const json = join(source, "sweep.json")
        if (existsSync(sqlite)) target = sqlite
        else if (existsSync(json)) target = json
        else return yield* new InputError({ file: source, message: "holds neither sweep.sqlite nor sweep.json" })
      }
      if (target.toLowerCase().endsWith(".json")) return { name: target, results: yield* readSweepJson(target) }
    } else if (source.startsWith("sqlite:") && !existsSync(source.replace(/^sqlite:(\/\/)?/, ""))) {
      return yield* new InputError({ file: source, message: "no such store" })
    }
    const results = yield* Effect.scoped(
      Effect.flatMap(openSweepStore(target, { schema: options.schema }), (store) => store.loadAll())
    )
    return { name: storeName(target), results }
  })
