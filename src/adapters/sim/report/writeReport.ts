/** `--report FILE`: renders the report and writes it, failing with the file named. */
import { writeFile } from "node:fs/promises"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import { type ReportOptions, type ReportRun, renderReport } from "./renderReport.js"

export const writeReport = (
  file: string,
  runs: ReadonlyArray<ReportRun>,
  options?: ReportOptions
): Effect.Effect<void, InputError> =>
  Effect.tryPromise({
    try: () => writeFile(file, renderReport(runs, options), "utf8"),
    catch: (cause) =>
      new InputError({
        file,
        message: `cannot write the report: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })
