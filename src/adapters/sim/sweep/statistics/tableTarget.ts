/**
 * `--table FORMAT:FILE` (or `--table FILE`, the format from its extension: .md, .tex, .csv; `-`
 * for stdout): where the papers' table of a sweep goes.
 */
import { extname } from "node:path"
import { Effect, Either } from "effect"
import { ConfigError, type InputError } from "../../../../core/errors.js"
import { writeTextFile } from "../output.js"
import type { SweepStatistics } from "./SweepStatistics.js"
import { formatStatisticsTable, type TableFormat, tableFormats } from "./statisticsTables.js"

export interface TableTarget {
  readonly format: TableFormat
  /** A file, or `-` for stdout. */
  readonly file: string
}

const byExtension: Readonly<Record<string, TableFormat>> = { ".md": "md", ".tex": "latex", ".csv": "csv" }

export const parseTableTarget = (text: string): Either.Either<TableTarget, ConfigError> => {
  const colon = text.indexOf(":")
  const prefix = colon > 0 ? text.slice(0, colon) : ""
  if ((tableFormats as ReadonlyArray<string>).includes(prefix)) {
    const file = text.slice(colon + 1)
    if (file === "")
      return Either.left(new ConfigError({ field: "table", message: "no file after the format", source: text }))
    return Either.right({ format: prefix as TableFormat, file })
  }
  const format = byExtension[extname(text).toLowerCase()]
  if (format === undefined) {
    return Either.left(
      new ConfigError({
        field: "table",
        message:
          "expected FORMAT:FILE with FORMAT md, latex or csv (e.g. md:results.md, latex:-), or a .md, .tex or .csv file",
        source: text
      })
    )
  }
  return Either.right({ format, file: text })
}

/** Writes the table; returns the file written, or undefined for stdout. */
export const writeTable = (
  target: TableTarget,
  statistics: SweepStatistics
): Effect.Effect<string | undefined, InputError> => {
  const text = formatStatisticsTable(statistics, target.format)
  if (target.file === "-") return Effect.sync(() => void process.stdout.write(text))
  return Effect.as(writeTextFile(target.file, text), target.file)
}
