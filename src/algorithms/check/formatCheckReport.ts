/** A check report for a person (one line per property, PASS or FAIL, the counterexample under a failure) or as JSON. */
import fc from "fast-check"
import type { CheckReport } from "./checkAlgorithm.js"

/** Longest counterexample printed whole in text; JSON output always has it whole. */
const counterexampleLimit = 2000

const showCounterexample = (value: unknown): string => {
  const text = fc.stringify(value)
  return text.length <= counterexampleLimit
    ? text
    : `${text.slice(0, counterexampleLimit)}... (${text.length} characters; --format json prints it whole)`
}

/**
 * The report as text. `replay` is the command that replays the check (the seed is the report's),
 * printed after a failure.
 */
export const formatCheckText = (report: CheckReport, replay: string): string => {
  const width = Math.max(...report.properties.map((property) => property.name.length))
  const params = report.params === undefined ? "no params" : `params ${JSON.stringify(report.params)}`
  const lines = [
    `${report.ref} (${report.family}), ${params}: ${report.runs} runs per property, seed ${report.seed}`,
    ""
  ]
  for (const property of report.properties) {
    lines.push(`${property.passed ? "PASS" : "FAIL"}  ${property.name.padEnd(width)}  ${property.description}`)
    const failure = property.failure
    if (failure === undefined) continue
    const indent = " ".repeat(width + 8)
    lines.push(`${indent}${failure.message}`)
    if (failure.counterexample !== null) {
      const shrunk = failure.shrinks === 1 ? "shrunk once" : `shrunk ${failure.shrinks} times`
      lines.push(
        `${indent}counterexample (${shrunk}, after ${property.runs === 1 ? "1 run" : `${property.runs} runs`}): ${showCounterexample(failure.counterexample)}`
      )
    }
  }
  const failed = report.properties.filter((property) => !property.passed).length
  lines.push("")
  lines.push(
    failed === 0
      ? `all ${report.properties.length} properties passed`
      : `${failed} of ${report.properties.length} properties failed; replay: ${replay}`
  )
  return lines.join("\n")
}

/**
 * The report as one JSON document, keys in snake_case as every output of Neat; the context's
 * camelCase keys of the previous release follow, deprecated, for one release.
 */
export const formatCheckJson = (report: CheckReport): string => {
  const { context } = report
  return JSON.stringify(
    {
      ...report,
      context: {
        time_step_sec: context.timeStepSec,
        migration_time_sec: context.migrationTimeSec,
        timeStepSec: context.timeStepSec,
        migrationTimeSec: context.migrationTimeSec
      }
    },
    null,
    2
  )
}
