/** What `neat report` runs on: loaded by its handler, so that other commands and `--help` never load it. */
export { writeSweepHtmlReport } from "../../../adapters/sim/sweep/htmlReport.js"
export { writeTextFile } from "../../../adapters/sim/sweep/output.js"
export { computeStatistics } from "../../../adapters/sim/sweep/statistics/computeStatistics.js"
export {
  formatStatisticsText,
  statisticsToCsv,
  statisticsToJson
} from "../../../adapters/sim/sweep/statistics/statisticsTables.js"
export { parseTableTarget, writeTable } from "../../../adapters/sim/sweep/statistics/tableTarget.js"
export { loadSweepSource } from "../../../adapters/sim/sweep/sweepSource.js"
