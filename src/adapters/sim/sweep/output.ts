/** Sweep results as CSV (one row per job, a column per parameter and per metric) and as JSON. */
import { writeFile } from "node:fs/promises"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"
import { plainTimeline } from "../report/sampledTimeline.js"
import { gridParameterNames } from "./grid.js"
import { METRIC_COLUMNS, OPTIONAL_METRIC_COLUMNS, optionalMetric } from "./metricColumns.js"
import type { SweepGrid, SweepResult } from "./SweepJob.js"

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
const csvNumber = (value: number): string => (Number.isFinite(value) ? String(value) : "")

/**
 * CSV with a header: key, index, policy, trace, vm_order (`FILE sha256:HEX`, empty for the default
 * order), hosts_file (`FILE sha256:HEX`, empty for CloudSim's G4/G5 hosts, as many as the `hosts`
 * column says), arrivals (the synthetic arrivals written out, empty for none), the grid's
 * parameters, then every metric (snake_case), `vms_refused` last (empty for runs whose VMs do not
 * come and go).
 */
export const resultsToCsv = (grid: SweepGrid, results: ReadonlyArray<SweepResult>): string => {
  const parameters = gridParameterNames(grid)
  const header = [
    "key",
    "index",
    "policy",
    "trace",
    "vm_order",
    "hosts_file",
    "arrivals",
    ...parameters,
    ...METRIC_COLUMNS.map(([, column]) => column),
    ...OPTIONAL_METRIC_COLUMNS.map(([, column]) => column)
  ]
  const rows = results.map(({ job, metrics }) =>
    [
      job.key,
      String(job.index),
      csvField(job.policy),
      csvField(job.trace),
      job.vmOrder === undefined ? "" : csvField(`${job.vmOrder.file} sha256:${job.vmOrder.sha256}`),
      job.hostsFile === undefined ? "" : csvField(`${job.hostsFile.file} sha256:${job.hostsFile.sha256}`),
      csvField(job.arrivals ?? ""),
      ...parameters.map((name) => csvField(String(job.params[name] ?? ""))),
      ...METRIC_COLUMNS.map(([metric]) => csvNumber(metrics[metric])),
      ...OPTIONAL_METRIC_COLUMNS.map(([metric]) => csvNumber(optionalMetric(metrics, metric)))
    ].join(",")
  )
  return `${[header.map(csvField).join(","), ...rows].join("\n")}\n`
}

/**
 * JSON: the grid, the number of jobs in it, and the results (non-finite metrics as null; `vm_order`
 * when not the default; `hosts_file` when the hosts came from one; `arrivals` when the synthetic
 * workload's VMs came and went; `timeline`, the run's sampled timeline, when the runner produced one).
 */
/** A timeline's series under snake_case names, then the camelCase ones (deprecated). */
const snakeTimeline = (timeline: ReturnType<typeof plainTimeline>) => ({
  time_sec: timeline.timeSec,
  active_hosts: timeline.activeHosts,
  power_w: timeline.powerW,
  migrations: timeline.migrations,
  timeSec: timeline.timeSec,
  activeHosts: timeline.activeHosts,
  powerW: timeline.powerW
})

export const resultsToJson = (grid: SweepGrid, jobs: number, results: ReadonlyArray<SweepResult>): string =>
  `${JSON.stringify(
    {
      grid,
      jobs,
      results: results.map(({ job, metrics, timeline }) => ({
        key: job.key,
        index: job.index,
        policy: job.policy,
        params: job.params,
        ...(job.modules === undefined ? {} : { modules: job.modules }),
        trace: job.trace,
        ...(job.vmOrder === undefined
          ? {}
          : {
              vm_order: { file: job.vmOrder.file, sha256: job.vmOrder.sha256 },
              vmOrder: { file: job.vmOrder.file, sha256: job.vmOrder.sha256 }
            }),
        ...(job.hostsFile === undefined
          ? {}
          : { hosts_file: { file: job.hostsFile.file, sha256: job.hostsFile.sha256, hosts: job.hostsFile.hosts } }),
        ...(job.arrivals === undefined ? {} : { arrivals: job.arrivals }),
        // snake_case as in sweep.csv and the store; the camelCase keys follow, deprecated, for one release
        // (`vms_refused`, newer, has none).
        metrics: Object.fromEntries(
          [
            ...METRIC_COLUMNS.map(([metric, column]) => [column, metrics[metric]] as const),
            ...OPTIONAL_METRIC_COLUMNS.map(([metric, column]) => [column, optionalMetric(metrics, metric)] as const),
            ...METRIC_COLUMNS.map(([metric]) => [metric, metrics[metric]] as const)
          ].map(([key, value]) => [key, Number.isFinite(value) ? value : null])
        ),
        ...(timeline === undefined ? {} : { timeline: snakeTimeline(plainTimeline(timeline)) })
      }))
    },
    null,
    2
  )}\n`

export const writeTextFile = (file: string, text: string): Effect.Effect<void, InputError> =>
  Effect.tryPromise({
    try: () => writeFile(file, text, "utf8"),
    catch: (cause) =>
      new InputError({ file, message: `cannot write: ${cause instanceof Error ? cause.message : String(cause)}` })
  })
