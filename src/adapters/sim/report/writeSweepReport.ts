/** Writes the sweep report, failing with the file named. */
import { writeFile } from "node:fs/promises"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import { renderSweepReport, type SweepReportInput } from "./renderSweepReport.js"

export const writeSweepReport = (file: string, input: SweepReportInput): Effect.Effect<void, InputError> =>
  Effect.tryPromise({
    try: () => writeFile(file, renderSweepReport(input), "utf8"),
    catch: (cause) =>
      new InputError({
        file,
        message: `cannot write the report: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })
