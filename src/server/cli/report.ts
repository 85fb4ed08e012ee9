/**
 * `neat report SOURCE`: the statistics, tables and HTML report of a finished sweep, from its store
 * (SQLite file or PostgreSQL URL), its sweep.json or its output folder, without running anything.
 * See docs/sweep.md.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { InputError } from "../../core/errors.js"
import { baselineOption, tableOption } from "./sweep.js"

/** The statistics, the stores and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/report.js"))

const source = Args.text({ name: "SOURCE" }).pipe(
  Args.withDescription("a sweep's store (SQLite file, postgresql:// URL), its sweep.json, or its output folder")
)
const report = Options.text("report").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription("write the HTML report"),
  Options.optional
)
const out = Options.text("out").pipe(
  Options.withPseudoName("DIR"),
  Options.withDescription("write summary.json and summary.csv into this folder"),
  Options.optional
)
const storeSchema = Options.text("store-schema").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("PostgreSQL schema of the sweep_results table"),
  Options.optional
)

export const reportCommand = Command.make(
  "report",
  { source, baseline: baselineOption, table: tableOption, report, out, storeSchema },
  (options) =>
    Effect.gen(function* () {
      const {
        computeStatistics,
        formatStatisticsText,
        loadSweepSource,
        parseTableTarget,
        statisticsToCsv,
        statisticsToJson,
        writeSweepHtmlReport,
        writeTable,
        writeTextFile
      } = yield* implementation
      const table = Option.isSome(options.table)
        ? Option.some(yield* parseTableTarget(options.table.value))
        : Option.none()
      const loaded = yield* loadSweepSource(options.source, { schema: Option.getOrUndefined(options.storeSchema) })
      if (loaded.results.length === 0) {
        return yield* new InputError({ file: loaded.name, message: "holds no sweep result" })
      }
      const statistics = yield* computeStatistics(loaded.results, Option.getOrUndefined(options.baseline))
      const files: Array<string> = []
      if (Option.isSome(options.out)) {
        const folder = options.out.value
        yield* Effect.try({
          try: () => mkdirSync(folder, { recursive: true }),
          catch: (cause) => new InputError({ file: folder, message: `cannot create the folder: ${String(cause)}` })
        })
        const json = join(options.out.value, "summary.json")
        const csv = join(options.out.value, "summary.csv")
        yield* writeTextFile(json, statisticsToJson(statistics))
        yield* writeTextFile(csv, statisticsToCsv(statistics))
        files.push(json, csv)
      }
      if (Option.isSome(table)) {
        const written = yield* writeTable(table.value, statistics)
        if (written !== undefined) files.push(written)
      }
      if (Option.isSome(options.report)) {
        yield* writeSweepHtmlReport(options.report.value, loaded.results, statistics)
        files.push(options.report.value)
      }
      // With the table on stdout, stdout holds only the table, ready to paste.
      const tableOnStdout = Option.isSome(table) && table.value.file === "-"
      const lines = [`report: ${loaded.results.length} results from ${loaded.name}`]
      if (files.length > 0) lines.push(`wrote: ${files.join(", ")}`)
      yield* Effect.sync(() => {
        if (!tableOnStdout) process.stdout.write(`${formatStatisticsText(statistics)}\n`)
        const bookkeeping = tableOnStdout ? process.stderr : process.stdout
        bookkeeping.write(`${lines.join("\n")}\n`)
      })
    })
).pipe(
  Command.withDescription(
    "Statistics, tables and the HTML report of a finished sweep, from its store or sweep.json, without rerunning it"
  )
)
