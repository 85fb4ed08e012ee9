/**
 * The HTML report of a sweep: each day's facts, every configuration's mean energy against mean SLAV
 * with 95 % intervals, summaries and comparisons with the baseline in tables whose first column
 * stays in view, box plots of each metric across days, and the mean timelines of a few chosen
 * configurations. One self-contained page (inline CSS, SVG and a few lines of script that link
 * table rows, legend entries and marks); nothing is loaded from elsewhere.
 */
import type { SweepJob } from "../sweep/SweepJob.js"
import type { SweepStatistics } from "../sweep/statistics/SweepStatistics.js"
import { quantileType7 } from "../sweep/statistics/sampleSummary.js"
import { escapeHtml } from "./escape.js"
import { htmlPage } from "./htmlPage.js"
import { markerIcon } from "./markers.js"
import { formatMetric } from "./renderReport.js"
import { meanTimeline, type SampledTimeline } from "./sampledTimeline.js"
import { STYLE, SWEEP_STYLE } from "./style.js"
import { type BoxRow, boxPlotPanels, type IntervalPoint, intervalScatter, timelineChart } from "./sweepCharts.js"
import {
  buildSweepModel,
  byColumn,
  type ConfigurationView,
  metricSummary,
  REPORT_METRICS,
  type ReportMetric,
  type SweepReportRow
} from "./sweepModel.js"
import { comparisonTable, daysTable, summaryTable } from "./sweepTables.js"

/** A configuration's mean timeline over its days. */
export interface ConfigurationTimeline {
  readonly label: string
  readonly timeline: SampledTimeline
}

export interface SweepReportInput {
  /** Every finished job (`SweepResult`s), optionally with their sampled timelines. */
  readonly rows: ReadonlyArray<SweepReportRow>
  readonly statistics: SweepStatistics
  /** The baseline's label (named in the comparison section; drawn in the timelines). */
  readonly baseline?: string | undefined
  readonly title?: string | undefined
  /** Mean timelines to overlay; by default computed from the rows' timelines. */
  readonly timelines?: ReadonlyArray<ConfigurationTimeline> | undefined
  /** Configurations whose timelines are drawn; by default the baseline and the lowest mean ESVs. */
  readonly timelineLabels?: ReadonlyArray<string> | undefined
  /** A job's configuration label, as the statistics name it; policy and parameters by default. */
  readonly labelOf?: ((job: SweepJob) => string) | undefined
}

/** Timelines drawn when none are chosen: more lines than this are hard to tell apart. */
export const DEFAULT_TIMELINES = 6

const metric = (key: ReportMetric["key"]): ReportMetric =>
  REPORT_METRICS.find((candidate) => candidate.key === key) ?? (REPORT_METRICS[0] as ReportMetric)

const interval = (c: ConfigurationView, m: ReportMetric): string => {
  const summary = metricSummary(c, m)
  if (summary === undefined) return "–"
  const ci = summary.ci95 === null ? "" : ` [${formatMetric(summary.ci95[0])}, ${formatMetric(summary.ci95[1])}]`
  return `${formatMetric(summary.mean)}${ci}`
}

const scatterSection = (configurations: ReadonlyArray<ConfigurationView>): string => {
  const energy = metric("energyKwh")
  const slav = metric("slavPct")
  const points: Array<IntervalPoint> = []
  for (const c of configurations) {
    const x = metricSummary(c, energy)
    const y = metricSummary(c, slav)
    if (x === undefined || y === undefined || !Number.isFinite(x.mean) || !Number.isFinite(y.mean)) continue
    points.push({
      config: c.index,
      look: c.look,
      x: x.mean,
      y: y.mean,
      xInterval: x.ci95,
      yInterval: y.ci95,
      tooltip: `${c.label} (n = ${c.summary?.n ?? "?"}): energy ${interval(c, energy)} kWh, SLAV ${interval(c, slav)} %`
    })
  }
  if (points.length === 0) return ""
  const drawn = new Set(points.map((point) => point.config))
  const legend = configurations
    .filter((c) => drawn.has(c.index))
    .map(
      (c) =>
        `<span data-config="${c.index}" title="${escapeHtml(c.label)}">${markerIcon(c.look)}${escapeHtml(c.label)}</span>`
    )
    .join("")
  return `<section><h2>Energy and SLA violations</h2><p class="note">Each configuration's mean over its days; the bars are the 95 % confidence intervals of the means. Point at a legend entry or a table row to find its marker.</p>
<figure>${intervalScatter(
    {
      title: "Mean energy against mean SLA violation (lower left is better)",
      xLabel: "Energy (kWh)",
      yLabel: "SLAV (%)"
    },
    points
  )}<div class="legend cfg">${legend}</div></figure></section>`
}

const boxRows = (
  configurations: ReadonlyArray<ConfigurationView>,
  metrics: ReadonlyArray<ReportMetric>
): Array<BoxRow> => {
  return configurations.map((c) => ({
    config: c.index,
    label: c.short,
    tooltip: c.label,
    look: c.look,
    boxes: metrics.map((m) => {
      const values = c.rows.map((row) => row.metrics[m.key]).filter(Number.isFinite)
      if (values.length === 0) return undefined
      const summary = byColumn(c.summary?.metrics, m.column)
      const sorted = [...values].sort((a, b) => a - b)
      // Configurations the statistics do not cover get their quartiles here, by the same definition.
      const given =
        summary !== undefined && [summary.q1, summary.median, summary.q3].every((value) => Number.isFinite(value))
      return given
        ? { values, q1: summary.q1, median: summary.median, q3: summary.q3 }
        : {
            values,
            q1: quantileType7(sorted, 0.25),
            median: quantileType7(sorted, 0.5),
            q3: quantileType7(sorted, 0.75)
          }
    })
  }))
}

const boxSection = (configurations: ReadonlyArray<ConfigurationView>): string => {
  const withRows = configurations.filter((c) => c.rows.length > 0)
  if (withRows.length === 0) return ""
  const first = REPORT_METRICS.slice(0, 4)
  const second = REPORT_METRICS.slice(4)
  return `<section><h2>Across days</h2><p class="note">Per configuration: the box spans the quartiles over days, the thick bar is the median, the whisker spans every day and each dot is one day.</p>
<figure>${boxPlotPanels(
    "Energy, SLA violation, ESV and migrations across days",
    first.map((m) => m.header),
    boxRows(withRows, first)
  )}</figure>
<figure>${boxPlotPanels(
    "SLATAH, PDM and host shutdowns across days",
    second.map((m) => m.header),
    boxRows(withRows, second)
  )}</figure></section>`
}

/** The baseline first, then the lowest mean ESVs, up to `DEFAULT_TIMELINES`. */
const defaultTimelineLabels = (configurations: ReadonlyArray<ConfigurationView>, baseline: string | undefined) => {
  const esv = metric("esv")
  const ranked = [...configurations]
    .filter((c) => c.label !== baseline && Number.isFinite(metricSummary(c, esv)?.mean ?? Number.NaN))
    .sort((a, b) => (metricSummary(a, esv)?.mean ?? 0) - (metricSummary(b, esv)?.mean ?? 0))
    .map((c) => c.label)
  const chosen = baseline !== undefined && configurations.some((c) => c.label === baseline) ? [baseline] : []
  return [...chosen, ...ranked].slice(0, DEFAULT_TIMELINES)
}

const timelineSection = (configurations: ReadonlyArray<ConfigurationView>, input: SweepReportInput): string => {
  const given = new Map((input.timelines ?? []).map((entry) => [entry.label, entry.timeline]))
  const available = new Map<string, SampledTimeline>()
  let partial = 0
  for (const c of configurations) {
    // A mean over only some of the days would not compare with the others': all days or none.
    const complete = c.rows.length > 0 && c.rows.every((row) => row.timeline !== undefined)
    if (!complete && c.rows.some((row) => row.timeline !== undefined)) partial++
    const timeline =
      given.get(c.label) ??
      (complete ? meanTimeline(c.rows.flatMap((row) => (row.timeline === undefined ? [] : [row.timeline]))) : undefined)
    if (timeline !== undefined) available.set(c.label, timeline)
  }
  if (available.size === 0) return ""
  const wanted =
    input.timelineLabels ??
    defaultTimelineLabels(
      configurations.filter((c) => available.has(c.label)),
      input.baseline
    )
  const shown = configurations.filter((c) => wanted.includes(c.label) && available.has(c.label))
  if (shown.length === 0) return ""
  const series = (pick: (timeline: SampledTimeline) => ReadonlyArray<number>, scale = 1) =>
    shown.map((c) => {
      const timeline = available.get(c.label) as SampledTimeline
      return {
        config: c.index,
        label: c.label,
        look: c.look,
        x: timeline.timeSec.map((seconds) => seconds / 3600),
        y: pick(timeline).map((value) => value * scale)
      }
    })
  const legend = shown
    .map(
      (c) =>
        `<span data-config="${c.index}"><i style="border-top:2px ${c.look.dash === "" ? "solid" : "dashed"} ${c.look.color}"></i>${markerIcon(c.look)}${escapeHtml(c.label)}</span>`
    )
    .join("")
  const time = "Time (hours)"
  const note = `Mean over each configuration's days, step by step; ${shown.length} of ${configurations.length} configurations${
    input.timelineLabels === undefined ? " (the baseline and the lowest mean ESVs)" : ""
  }.${
    partial > 0
      ? ` ${partial} configuration${partial === 1 ? " has" : "s have"} timelines for only some days (the others were stored before timelines were kept, or their runner returned none) and ${partial === 1 ? "is" : "are"} left out.`
      : ""
  }`
  return `<section><h2>Over time</h2><p class="note">${note}</p><div class="legend cfg lines">${legend}</div>
<figure>${timelineChart(
    { title: "Active hosts", xLabel: time, yLabel: "Active hosts" },
    series((t) => t.activeHosts)
  )}</figure>
<figure>${timelineChart(
    { title: "Power drawn by all hosts", xLabel: time, yLabel: "Power (kW)" },
    series((t) => t.powerW, 1 / 1000)
  )}</figure>
<figure>${timelineChart(
    { title: "Migrations per step", xLabel: time, yLabel: "Migrations started" },
    series((t) => t.migrations)
  )}</figure></section>`
}

/** Hovering a row, legend entry or mark highlights that configuration everywhere; a click keeps it. */
const SCRIPT = `(()=>{let pinned=null;const all=[...document.querySelectorAll("[data-config]")];
const show=(c)=>{document.body.classList.toggle("focus",c!==null);for(const el of all)el.classList.toggle("hl",el.getAttribute("data-config")===c)};
for(const el of all){const c=el.getAttribute("data-config");el.addEventListener("mouseenter",()=>show(c));el.addEventListener("mouseleave",()=>show(pinned));el.addEventListener("click",()=>{pinned=pinned===c?null:c;show(pinned)})}})()`

/** The sweep report page, as one HTML string. */
export const renderSweepReport = (input: SweepReportInput): string => {
  const title = input.title ?? "Neat sweep report"
  const model = buildSweepModel(input.rows, input.statistics, input.labelOf)
  const { configurations, days } = model
  const runs = input.rows.length
  const compared = configurations.some((c) => c.comparison !== undefined)
  const baseline =
    input.baseline ?? input.statistics.comparisons.find((comparison) => comparison.baseline !== "")?.baseline
  const sub = `<p class="sub">${configurations.length} configuration${configurations.length === 1 ? "" : "s"} × ${days.length} day${
    days.length === 1 ? "" : "s"
  }, ${runs} run${runs === 1 ? "" : "s"}${baseline === undefined ? "" : `; baseline ${escapeHtml(baseline)}`}.</p>`
  const body =
    configurations.length === 0
      ? "<p>No runs to report.</p>"
      : `<section><h2>Days</h2><p class="note">Each day's own hosts and VMs; its best runs are compared with that day's runs only.</p>${daysTable(days)}</section>
${scatterSection(configurations)}
<section><h2>Summary over days</h2><p class="note">Mean ± half-width of the 95 % confidence interval of the mean (Student's t, n − 1 degrees of freedom); the lowest mean of each column in bold.</p>${summaryTable(configurations)}</section>
${
  compared
    ? `<section><h2>Against the baseline${baseline === undefined ? "" : `: ${escapeHtml(baseline)}`}</h2><p class="note">Paired over the days both ran: the mean difference (configuration − baseline) ± half its 95 % interval, the relative change, and the p-values of the paired t-test and of the Wilcoxon signed-rank test (bold below 0.05). Green: lower with an interval that excludes zero; red: higher.</p>${comparisonTable(configurations)}</section>`
    : ""
}
${boxSection(configurations)}
${timelineSection(configurations, { ...input, baseline })}`
  return htmlPage({ title, style: `${STYLE}${SWEEP_STYLE}`, body: `${sub}\n${body}`, script: SCRIPT })
}
