/**
 * Building a sweep grid from what users write: `--param NAME=V1,V2`, a trace root with `--days`,
 * or a JSON grid file `{ policies, parameters, traces, also?, vmOrder? }`.
 */
import { readdir, readFile, stat } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Either, Schema } from "effect"
import { ConfigError, InputError } from "../../../core/errors.js"
import { parseErrorLine } from "../../../core/schemaErrors.js"
import type { ParamValue, SweepGrid } from "./SweepJob.js"

/** `"0.8"` → 0.8, `"true"` → true, anything else stays text (e.g. `"thr:0.8"`). */
export const parseParamValue = (text: string): ParamValue => {
  if (text === "true") return true
  if (text === "false") return false
  const number = Number(text)
  return text !== "" && Number.isFinite(number) ? number : text
}

/** Parses repeated `NAME=V1,V2,...` options into the grid's parameters, in the order given. */
export const parseParams = (
  options: ReadonlyArray<string>
): Either.Either<Readonly<Record<string, ReadonlyArray<ParamValue>>>, ConfigError> => {
  const parameters: Record<string, ReadonlyArray<ParamValue>> = {}
  for (const option of options) {
    const fail = (message: string) => Either.left(new ConfigError({ field: "param", message, source: option }))
    const equals = option.indexOf("=")
    if (equals <= 0) return fail("expected NAME=VALUE[,VALUE...]")
    const name = option.slice(0, equals).trim()
    if (!/^[A-Za-z][\w.-]*$/.test(name)) return fail(`'${name}' is not a parameter name`)
    if (name in parameters) return fail(`parameter '${name}' given twice; list its values once, comma-separated`)
    const values = option
      .slice(equals + 1)
      .split(",")
      .map((value) => value.trim())
    if (values.some((value) => value === "")) return fail(`parameter '${name}' has an empty value`)
    if (new Set(values).size !== values.length) return fail(`parameter '${name}' repeats a value`)
    parameters[name] = values.map(parseParamValue)
  }
  return Either.right(parameters)
}

/**
 * The trace days under a root directory: `all` (every subdirectory, sorted) or a comma-separated
 * list of day names, each checked to exist.
 */
export const expandDays = (
  root: string,
  days: string
): Effect.Effect<ReadonlyArray<string>, InputError | ConfigError> =>
  Effect.gen(function* () {
    const fail = (file: string, message: string) => new InputError({ file, message })
    const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))
    if (days.trim() === "all") {
      const entries = yield* Effect.tryPromise({
        try: () => readdir(root, { withFileTypes: true }),
        catch: (cause) => fail(root, `cannot list the trace days: ${describe(cause)}`)
      })
      const names = entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
      if (names.length === 0) return yield* fail(root, "no trace day directories")
      return names.map((name) => join(root, name))
    }
    const names = days.split(",").map((day) => day.trim())
    if (names.some((name) => name === "" || name.includes("/") || name.includes(".."))) {
      return yield* new ConfigError({
        field: "days",
        message: "expected 'all' or day names separated by commas",
        source: days
      })
    }
    const paths: Array<string> = []
    for (const name of names) {
      const path = join(root, name)
      const info = yield* Effect.tryPromise({ try: () => stat(path), catch: () => fail(path, "no such trace day") })
      if (!info.isDirectory()) return yield* fail(path, "not a trace day directory")
      paths.push(path)
    }
    return paths
  })

const ParamValueSchema = Schema.Union(Schema.String, Schema.Number, Schema.Boolean)
const NonEmptyStrings = Schema.Array(Schema.NonEmptyString).pipe(Schema.minItems(1))
const ParametersSchema = Schema.optionalWith(
  Schema.Record({ key: Schema.String, value: Schema.Array(ParamValueSchema).pipe(Schema.minItems(1)) }),
  { default: () => ({}) }
)
const BlockSchema = Schema.Struct({ policies: NonEmptyStrings, parameters: ParametersSchema })
const GridSchema = Schema.Struct({
  policies: NonEmptyStrings,
  parameters: ParametersSchema,
  traces: NonEmptyStrings,
  also: Schema.optional(Schema.Array(BlockSchema)),
  vmOrder: Schema.optional(NonEmptyStrings)
})

/** Reads and checks a JSON grid file. */
export const readGridFile = (file: string): Effect.Effect<SweepGrid, InputError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (cause) =>
        new InputError({ file, message: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (cause) =>
        new InputError({ file, message: `not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
    return yield* Schema.decodeUnknown(GridSchema)(json, { onExcessProperty: "error" }).pipe(
      Effect.mapError(
        (error) =>
          new InputError({
            file,
            message: `not a sweep grid {policies, parameters, traces, also, vmOrder}: ${parseErrorLine(error)}`
          })
      )
    )
  })
