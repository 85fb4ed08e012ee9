/**
 * The sweep report's tables: each day's facts and best runs (compared within the day only), the
 * configurations' summaries over days, and their paired comparison with the baseline. The first
 * column stays in view when a wide table scrolls; rows are linked to the charts' marks.
 */
import type { MetricSummary } from "../sweep/statistics/SweepStatistics.js"
import { escapeHtml } from "./escape.js"
import { markerIcon } from "./markers.js"
import { formatMetric } from "./renderReport.js"
import {
  type ConfigurationView,
  type DayView,
  metricComparison,
  metricSummary,
  REPORT_METRICS,
  type ReportMetric
} from "./sweepModel.js"

const configCell = (configuration: ConfigurationView, tag: "th" | "td" = "th"): string =>
  `<${tag} class="first label"${tag === "th" ? ' scope="row"' : ""}>${markerIcon(configuration.look)}${escapeHtml(configuration.label)}</${tag}>`

const frozen = (head: string, body: ReadonlyArray<string>): string =>
  `<div class="scroll"><table class="frozen"><thead>${head}</thead><tbody>${body.join("")}</tbody></table></div>`

/** "800" when every run of the day agrees, "800–1052" otherwise. */
const span = (values: ReadonlyArray<number>): string => {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return "–"
  const low = Math.min(...finite)
  const high = Math.max(...finite)
  return low === high ? String(low) : `${low}–${high}`
}

const DAY_BESTS: ReadonlyArray<ReportMetric> = REPORT_METRICS.filter((metric) =>
  ["energyKwh", "slavPct", "esv"].includes(metric.key)
)

/** The configurations with the lowest value of a metric among one day's runs (ties all named). */
export const bestOfDay = (
  day: DayView,
  metric: ReportMetric
): { readonly value: number; readonly configurations: ReadonlyArray<ConfigurationView> } => {
  const values = day.runs.map(({ row }) => row.metrics[metric.key]).filter(Number.isFinite)
  if (values.length === 0) return { value: Number.NaN, configurations: [] }
  const value = Math.min(...values)
  const configurations = day.runs
    .filter(({ row }) => row.metrics[metric.key] === value)
    .map(({ configuration }) => configuration)
  return { value, configurations }
}

const names = (configurations: ReadonlyArray<ConfigurationView>): string =>
  configurations
    .map(
      (c) =>
        `<span data-config="${c.index}" title="${escapeHtml(c.label)}">${markerIcon(c.look)}${escapeHtml(c.short)}</span>`
    )
    .join("<br>")

/** The hosts files a day's runs ran on (`neat sweep --hosts FILE.json`), each with its digest on hover. */
const hostsFiles = (day: DayView): string => {
  const files = new Map<string, string>()
  for (const { row } of day.runs) {
    const ref = row.job.hostsFile
    if (ref !== undefined) files.set(`${ref.file} sha256:${ref.sha256}`, ref.file)
  }
  return [...files]
    .map(([full, file]) => `<br><span class="note" title="${escapeHtml(full)}">${escapeHtml(file)}</span>`)
    .join("")
}

/** One row per day: its own hosts and VMs, its runs, and its best runs among themselves (short labels, full on hover). */
export const daysTable = (days: ReadonlyArray<DayView>): string => {
  const head = `<tr><th class="first label">Day</th><th>Hosts</th><th>VMs</th><th>Runs</th>${DAY_BESTS.map(
    (metric) => `<th class="label">Lowest ${escapeHtml(metric.header)}</th>`
  ).join("")}</tr>`
  const rows = days.map((day) => {
    const bests = DAY_BESTS.map((metric) => {
      const { value, configurations } = bestOfDay(day, metric)
      if (configurations.length === 0) return "<td>–</td>"
      return `<td class="label day-best"><span class="value">${formatMetric(value)}</span>${names(configurations)}</td>`
    })
    return `<tr><th class="first label" scope="row">${escapeHtml(day.name)}</th><td>${span(
      day.runs.map(({ row }) => row.metrics.hosts)
    )}${hostsFiles(day)}</td><td>${span(day.runs.map(({ row }) => row.metrics.vms))}</td><td>${day.runs.length}</td>${bests.join("")}</tr>`
  })
  return frozen(head, rows)
}

/**
 * A value ± a half-width, the half-width to two significant digits and the value to the same
 * decimal place (`175 ± 22`, `0.00703 ± 0.00030`); the value alone without a half-width.
 */
export const formatWithHalfWidth = (value: number, half: number | undefined, sign = false): string => {
  const prefix = sign && value > 0 ? "+" : ""
  if (!Number.isFinite(value)) return "–"
  if (half === undefined || !Number.isFinite(half) || half <= 0) return `${prefix}${formatMetric(value)}`
  const decimals = Math.max(0, Math.min(10, 1 - Math.floor(Math.log10(half))))
  return `${prefix}${value.toFixed(decimals)} ± ${half.toFixed(decimals)}`
}

/** Mean ± half-width of the 95 % interval (the mean alone when n < 2). */
export const formatMeanInterval = (summary: MetricSummary | undefined): string =>
  summary === undefined
    ? "–"
    : formatWithHalfWidth(summary.mean, summary.ci95 === null ? undefined : (summary.ci95[1] - summary.ci95[0]) / 2)

/** One row per configuration: n and each metric's mean ± interval; the best mean of each column in bold. */
export const summaryTable = (configurations: ReadonlyArray<ConfigurationView>): string => {
  const best = new Map<string, number>()
  for (const metric of REPORT_METRICS) {
    if (!metric.lowerIsBetter) continue
    const means = configurations.map((c) => metricSummary(c, metric)?.mean ?? Number.NaN).filter(Number.isFinite)
    if (means.length > 1) best.set(metric.column, Math.min(...means))
  }
  const head = `<tr><th class="first label">Configuration</th><th>Days</th>${REPORT_METRICS.map(
    (metric) => `<th>${escapeHtml(metric.header)}</th>`
  ).join("")}</tr>`
  const rows = configurations.map((c) => {
    const cells = REPORT_METRICS.map((metric) => {
      const summary = metricSummary(c, metric)
      const emphasis = summary !== undefined && best.get(metric.column) === summary.mean ? ' class="best"' : ""
      return `<td${emphasis}>${formatMeanInterval(summary)}</td>`
    })
    return `<tr data-config="${c.index}">${configCell(c)}<td>${c.summary?.n ?? c.rows.length}</td>${cells.join("")}</tr>`
  })
  return frozen(head, rows)
}

/** A p-value: three significant digits, or "< 0.001". */
export const formatP = (p: number | null): string => {
  if (p === null || !Number.isFinite(p)) return "–"
  return p < 0.001 ? "&lt; 0.001" : Number(p.toPrecision(2)).toString()
}

const formatRelative = (relative: number | null): string => {
  if (relative === null || !Number.isFinite(relative)) return "–"
  const pct = relative * 100
  return `${pct > 0 ? "+" : ""}${Number(pct.toPrecision(3))} %`
}

/**
 * Each configuration against the baseline, per metric: the mean paired difference ± half its
 * interval, the relative change and both p-values; differences whose interval excludes zero are
 * coloured by direction.
 */
export const comparisonTable = (configurations: ReadonlyArray<ConfigurationView>): string => {
  const compared = configurations.filter((c) => c.comparison !== undefined)
  const groups = REPORT_METRICS.map((metric) => `<th class="group" colspan="4">${escapeHtml(metric.header)}</th>`).join(
    ""
  )
  const subs = REPORT_METRICS.map(() => "<th>Δ mean ± CI</th><th>Change</th><th>p t-test</th><th>p Wilcoxon</th>").join(
    ""
  )
  const head = `<tr><th class="first label" rowspan="2">Configuration</th><th rowspan="2">Days</th>${groups}</tr><tr>${subs}</tr>`
  const rows = compared.map((c) => {
    const cells = REPORT_METRICS.map((metric) => {
      const comparison = metricComparison(c, metric)
      if (comparison === undefined) return "<td>–</td><td>–</td><td>–</td><td>–</td>"
      const { mean_diff: diff, ci95 } = comparison
      const excludesZero = ci95 !== null && (ci95[0] > 0 || ci95[1] < 0)
      const direction =
        !excludesZero || !metric.lowerIsBetter ? "" : diff < 0 ? ' class="better"' : diff > 0 ? ' class="worse"' : ""
      const interval = formatWithHalfWidth(diff, ci95 === null ? undefined : (ci95[1] - ci95[0]) / 2, true)
      const sig = (p: number | null) => (p !== null && p < 0.05 ? ' class="sig"' : "")
      return `<td${direction}>${interval}</td><td${direction}>${formatRelative(comparison.relative)}</td><td${sig(
        comparison.p_t
      )}>${formatP(comparison.p_t)}</td><td${sig(comparison.p_wilcoxon)}>${formatP(comparison.p_wilcoxon)}</td>`
    })
    return `<tr data-config="${c.index}">${configCell(c)}<td>${c.comparison?.n ?? ""}</td>${cells.join("")}</tr>`
  })
  return frozen(head, rows)
}
