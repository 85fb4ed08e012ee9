/**
 * `--report FILE` for sweeps and `neat report`: the HTML report of a sweep's results and
 * statistics. One place for both commands to call the report's renderer.
 */
import type { Effect } from "effect"
import type { InputError } from "../../../core/errors.js"
import { writeReport } from "../report/writeReport.js"
import { jobLabel } from "./grid.js"
import type { SweepResult } from "./SweepJob.js"
import type { SweepStatistics } from "./statistics/SweepStatistics.js"

const emptyTimeline = {
  timeSec: new Float64Array(0),
  activeHosts: new Int32Array(0),
  powerW: new Float64Array(0),
  overloadedHosts: new Int32Array(0),
  migrations: new Int32Array(0)
}

export const writeSweepHtmlReport = (
  file: string,
  results: ReadonlyArray<SweepResult>,
  _statistics: SweepStatistics,
  title = "Neat sweep report"
): Effect.Effect<void, InputError> =>
  writeReport(
    file,
    results.map(({ job, metrics }) => ({ label: jobLabel(job), result: { metrics, timeline: emptyTimeline } })),
    { title }
  )
