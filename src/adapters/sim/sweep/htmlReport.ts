/**
 * `--report FILE` for sweeps and `neat report`: the HTML report of a sweep's results and
 * statistics. One place for both commands to call the report's renderer.
 */
import type { Effect } from "effect"
import type { InputError } from "../../../core/errors.js"
import { writeSweepReport } from "../report/writeSweepReport.js"
import type { SweepResult } from "./SweepJob.js"
import type { SweepStatistics } from "./statistics/SweepStatistics.js"

export const writeSweepHtmlReport = (
  file: string,
  results: ReadonlyArray<SweepResult>,
  statistics: SweepStatistics,
  title = "Neat sweep report"
): Effect.Effect<void, InputError> =>
  writeSweepReport(file, {
    rows: results,
    statistics,
    baseline: statistics.comparisons[0]?.baseline,
    title
  })
