/**
 * The HTML report of one or more simulation runs: a metrics table, energy against SLA violations
 * per run, and the runs' timelines (active hosts, power, overloaded hosts, migrations per step).
 * One self-contained page: inline CSS and SVG, no script, no font or file from elsewhere.
 */
import type { SimulationMetrics, SimulationResult } from "../SimulationResult.js"
import { barChart, lineChart, MAX_POINT_LABELS, type Series, scatterChart } from "./charts.js"
import { escapeHtml } from "./escape.js"
import { htmlPage } from "./htmlPage.js"
import { PALETTE } from "./markers.js"
import { STYLE } from "./style.js"

/** One run to report: its label (e.g. "LR-MMT-1.2"), its result and, optionally, its parameters and its day. */
export interface ReportRun {
  readonly label: string
  readonly result: SimulationResult
  readonly params?: Readonly<Record<string, unknown>> | undefined
  /** The trace day it ran on: runs are compared ("best") only with runs of the same day. */
  readonly day?: string | undefined
}

export interface ReportOptions {
  readonly title?: string | undefined
  /** Runs drawn in the timeline charts (the table and the scatter plot show all). */
  readonly maxTimelines?: number | undefined
}

const colorOf = (index: number): string => PALETTE[index % PALETTE.length] ?? "#000000"

interface Column {
  readonly key: keyof SimulationMetrics
  readonly header: string
  /** Lower is better: the best run's cell is emphasised. */
  readonly lowerIsBetter?: boolean
}

const COLUMNS: ReadonlyArray<Column> = [
  { key: "energyKwh", header: "Energy (kWh)", lowerIsBetter: true },
  { key: "migrations", header: "Migrations", lowerIsBetter: true },
  { key: "slatahPct", header: "SLATAH (%)", lowerIsBetter: true },
  { key: "pdmPct", header: "PDM (%)", lowerIsBetter: true },
  { key: "slavPct", header: "SLAV (%)", lowerIsBetter: true },
  { key: "esv", header: "ESV", lowerIsBetter: true },
  { key: "hostShutdowns", header: "Host shutdowns" },
  { key: "meanTimeBeforeHostShutdownSec", header: "Mean time before host shutdown (s)" },
  { key: "meanTimeBeforeMigrationSec", header: "Mean time before migration (s)" },
  { key: "overloadTimeFraction", header: "Overload time (fraction)", lowerIsBetter: true },
  { key: "idleTimeFraction", header: "Idle time (fraction)" },
  { key: "vms", header: "VMs" },
  { key: "hosts", header: "Hosts" },
  { key: "wallSeconds", header: "Wall time (s)" }
]

/** A metric for a table cell: integers as they are, others to 4 significant digits. */
export const formatMetric = (value: number): string => {
  if (!Number.isFinite(value)) return "–"
  if (Number.isInteger(value)) return String(value)
  if (Math.abs(value) >= 1000) return value.toFixed(1)
  return Number(value.toPrecision(4)).toString()
}

const formatParam = (value: unknown): string =>
  typeof value === "string" ? value : (JSON.stringify(value) ?? String(value))

const paramsCell = (params: Readonly<Record<string, unknown>> | undefined): string =>
  params === undefined
    ? ""
    : Object.entries(params)
        .map(([key, value]) => `<code>${escapeHtml(key)}=${escapeHtml(formatParam(value))}</code>`)
        .join(" ")

/** Whether every run has the same value of a metric (then the subtitle states it once). */
const shared = (runs: ReadonlyArray<ReportRun>, key: keyof SimulationMetrics): boolean =>
  runs.every((run) => run.result.metrics[key] === runs[0]?.result.metrics[key])

/** A run's day: given, or read from a sweep label's `@ DAY` tail; "" when unknown. */
const dayOf = (run: ReportRun): string => run.day ?? / @ (\S+)$/.exec(run.label)?.[1] ?? ""

/** The runs of each day, in the order the days first appear. */
const byDay = (runs: ReadonlyArray<ReportRun>): Map<string, Array<ReportRun>> => {
  const days = new Map<string, Array<ReportRun>>()
  for (const run of runs) days.set(dayOf(run), [...(days.get(dayOf(run)) ?? []), run])
  return days
}

const metricsTable = (runs: ReadonlyArray<ReportRun>): string => {
  const days = byDay(runs)
  const columns = COLUMNS.filter(
    (column) => !((column.key === "vms" || column.key === "hosts") && shared(runs, column.key))
  )
  // "Best" compares a day's runs with each other only: days differ in their VMs and load.
  const best = new Map<string, Map<keyof SimulationMetrics, number>>()
  for (const [day, dayRuns] of days) {
    const bests = new Map<keyof SimulationMetrics, number>()
    for (const column of columns) {
      if (column.lowerIsBetter !== true || dayRuns.length < 2 || shared(dayRuns, column.key)) continue
      const values = dayRuns.map((run) => run.result.metrics[column.key]).filter(Number.isFinite)
      if (values.length > 0) bests.set(column.key, Math.min(...values))
    }
    best.set(day, bests)
  }
  const showDay = days.size > 1
  const hasParams = runs.some((run) => run.params !== undefined && Object.keys(run.params).length > 0)
  const head = `<tr><th class="first">Run</th>${showDay ? "<th>Day</th>" : ""}${columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join("")}</tr>`
  const rows = runs.map((run, index) => {
    const cells = columns.map((column) => {
      const value = run.result.metrics[column.key]
      const emphasis = best.get(dayOf(run))?.get(column.key) === value ? ' class="best"' : ""
      return `<td${emphasis}>${formatMetric(value)}</td>`
    })
    const swatch = `<i class="swatch" style="background:${colorOf(index)}"></i>`
    const params = hasParams ? `<div class="params">${paramsCell(run.params)}</div>` : ""
    const day = showDay ? `<td class="day">${escapeHtml(dayOf(run))}</td>` : ""
    return `<tr><th class="first" scope="row">${swatch}${escapeHtml(run.label)}${params}</th>${day}${cells.join("")}</tr>`
  })
  return `<div class="scroll"><table class="frozen"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table></div>`
}

/** Each day's own hosts and VMs (a range when its runs differ), never the first run's for all. */
const dayFacts = (runs: ReadonlyArray<ReportRun>): string => {
  const span = (values: ReadonlyArray<number>): string => {
    const low = Math.min(...values)
    const high = Math.max(...values)
    return low === high ? String(low) : `${low}–${high}`
  }
  return [...byDay(runs)]
    .map(([day, dayRuns]) => {
      const facts = `${span(dayRuns.map((run) => run.result.metrics.hosts))} hosts, ${span(dayRuns.map((run) => run.result.metrics.vms))} VMs`
      return day === "" ? facts : `${escapeHtml(day)}: ${facts}`
    })
    .join("; ")
}

const hours = (timeSec: Float64Array): Float64Array => timeSec.map((seconds) => seconds / 3600)

const timelineCharts = (runs: ReadonlyArray<ReportRun>, maxTimelines: number): string => {
  const indexed = runs.map((run, index) => ({ run, index })).filter(({ run }) => run.result.timeline.timeSec.length > 0)
  if (indexed.length === 0) return ""
  const shown = indexed.slice(0, maxTimelines)
  if (shown.length === 0) return ""
  const note =
    shown.length < indexed.length
      ? `<p class="note">Timelines of the first ${shown.length} of ${indexed.length} runs.</p>`
      : ""
  const series = (pick: (result: SimulationResult) => ArrayLike<number>): Array<Series> =>
    shown.map(({ run, index }) => ({
      label: run.label,
      color: colorOf(index),
      x: hours(run.result.timeline.timeSec),
      y: pick(run.result)
    }))
  const time = { xLabel: "Time (hours)" }
  const overTime = { step: true, hours: true }
  const migrations =
    shown.length === 1
      ? barChart(
          { title: "Migrations per step", ...time, yLabel: "Migrations started" },
          series((r) => r.timeline.migrations)[0] as Series,
          { hours: true }
        )
      : lineChart(
          { title: "Migrations per step", ...time, yLabel: "Migrations started" },
          series((r) => r.timeline.migrations),
          overTime
        )
  const charts = [
    lineChart(
      { title: "Active hosts", ...time, yLabel: "Active hosts" },
      series((r) => r.timeline.activeHosts),
      overTime
    ),
    lineChart(
      { title: "Power drawn by all hosts", ...time, yLabel: "Power (kW)" },
      series((r) => r.timeline.powerW.map((watts) => watts / 1000)),
      { hours: true }
    ),
    lineChart(
      { title: "Overloaded hosts", ...time, yLabel: "Overloaded hosts" },
      series((r) => r.timeline.overloadedHosts),
      overTime
    ),
    migrations
  ]
  return `<section><h2>Over time</h2>${note}${charts.join("\n")}</section>`
}

/** The report page for `runs` (in the order given), as one HTML string. */
export const renderReport = (runs: ReadonlyArray<ReportRun>, options: ReportOptions = {}): string => {
  const title = options.title ?? "Neat simulation report"
  const maxTimelines = options.maxTimelines ?? 12
  const body =
    runs.length === 0
      ? "<p>No runs to report.</p>"
      : `<section><h2>Metrics</h2>${metricsTable(runs)}</section>
<section><h2>Energy and SLA violations</h2>${
          runs.length > MAX_POINT_LABELS
            ? `<p class="note">${runs.length} runs: hover over a point to see its run.</p>`
            : ""
        }
${scatterChart(
  { title: "Energy against SLA violation (lower left is better)", xLabel: "Energy (kWh)", yLabel: "SLAV (%)" },
  runs.map((run, index) => ({
    label: run.label,
    color: colorOf(index),
    x: run.result.metrics.energyKwh,
    y: run.result.metrics.slavPct
  }))
)}</section>
${timelineCharts(runs, maxTimelines)}`
  const sub =
    runs.length === 0 ? "" : `<p class="sub">${runs.length} run${runs.length === 1 ? "" : "s"}; ${dayFacts(runs)}.</p>`
  return htmlPage({ title, style: STYLE, body: `${sub}\n${body}` })
}
