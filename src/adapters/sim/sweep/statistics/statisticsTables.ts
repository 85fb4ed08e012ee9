/**
 * A sweep's statistics as files and tables: summary.json, summary.csv (one row per configuration
 * and metric), the papers' layout (`--table md|latex|csv`: configurations as rows, each metric as
 * mean ± half-width of its 95 % interval) and the plain-text table printed when a sweep ends.
 */
import type { MetricComparison, MetricSummary, SweepStatistics } from "./SweepStatistics.js"

/** The metrics of the papers' tables, with their headings. */
export const TABLE_METRICS: ReadonlyArray<readonly [column: string, heading: string]> = [
  ["energy_kwh", "Energy (kWh)"],
  ["migrations", "Migrations"],
  ["slatah_pct", "SLATAH (%)"],
  ["pdm_pct", "PDM (%)"],
  ["slav_pct", "SLAV (%)"],
  ["esv", "ESV"],
  ["host_shutdowns", "Host shutdowns"]
]

export type TableFormat = "md" | "latex" | "csv"
export const tableFormats: ReadonlyArray<TableFormat> = ["md", "latex", "csv"]

/** summary.json: the statistics as they are (NaN and infinities as null). */
export const statisticsToJson = (statistics: SweepStatistics): string => `${JSON.stringify(statistics, null, 2)}\n`

const csvField = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)
const csvNumber = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? "" : String(value)

/**
 * summary.csv: one row per configuration and metric with its summary and, when there is a
 * baseline, its comparison (empty for the baseline itself).
 */
export const statisticsToCsv = (statistics: SweepStatistics): string => {
  const header = [
    "label",
    "n",
    "metric",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
    "median",
    "q1",
    "q3",
    "baseline",
    "n_paired",
    "mean_diff",
    "diff_ci95_low",
    "diff_ci95_high",
    "relative",
    "p_t",
    "p_wilcoxon"
  ]
  const rows: Array<string> = []
  for (const configuration of statistics.configurations) {
    const comparison = statistics.comparisons.find((c) => c.label === configuration.label)
    for (const [metric, summary] of Object.entries(configuration.metrics)) {
      const versus = comparison?.metrics[metric]
      rows.push(
        [
          csvField(configuration.label),
          String(configuration.n),
          metric,
          csvNumber(summary.mean),
          csvNumber(summary.sd),
          csvNumber(summary.ci95?.[0]),
          csvNumber(summary.ci95?.[1]),
          csvNumber(summary.median),
          csvNumber(summary.q1),
          csvNumber(summary.q3),
          comparison === undefined ? "" : csvField(comparison.baseline),
          comparison === undefined ? "" : String(comparison.n),
          csvNumber(versus?.mean_diff),
          csvNumber(versus?.ci95?.[0]),
          csvNumber(versus?.ci95?.[1]),
          csvNumber(versus?.relative),
          csvNumber(versus?.p_t),
          csvNumber(versus?.p_wilcoxon)
        ].join(",")
      )
    }
  }
  return `${[header.join(","), ...rows].join("\n")}\n`
}

/** Half the width of a summary's interval, or null. */
export const halfWidthOf = (summary: MetricSummary): number | null =>
  summary.ci95 === null ? null : (summary.ci95[1] - summary.ci95[0]) / 2

/** Decimals that show `value` to `digits` significant digits (0 to 12). */
const decimalsFor = (value: number, digits: number): number => {
  if (value === 0 || !Number.isFinite(value)) return 0
  return Math.min(12, Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value)))))
}

/**
 * `mean ± half-width`, the half-width to two significant digits (or to the unit, when larger)
 * and the mean to the same decimal place; the mean alone (up to five significant digits) without
 * an interval, or with `± 0` when all its days agree.
 */
export const formatMeanInterval = (summary: MetricSummary | undefined, plusMinus = " ± "): string => {
  if (summary === undefined) return "–"
  const raw = halfWidthOf(summary)
  // Days that all agree may still leave a rounding error's worth of spread.
  const half = raw !== null && raw <= 1e-9 * Math.abs(summary.mean) ? 0 : raw
  if (half === null || half === 0) {
    const mean = String(Number(summary.mean.toPrecision(5)))
    return half === null ? mean : `${mean}${plusMinus}0`
  }
  const decimals = decimalsFor(half, 2)
  return `${summary.mean.toFixed(decimals)}${plusMinus}${half.toFixed(decimals)}`
}

const CAPTION = "mean ± half-width of the 95 % confidence interval of the mean over the days (Student's t, n − 1 df)"

const markdownCell = (text: string): string => text.replace(/\|/g, "\\|")

const latexText = (text: string): string =>
  text.replace(/[\\&%$#_{}~^]/g, (c) =>
    c === "\\" ? "\\textbackslash{}" : c === "~" ? "\\textasciitilde{}" : c === "^" ? "\\^{}" : `\\${c}`
  )

/** A change with its interval, relative to the baseline's mean: `-12.3 % [-15.0, -9.6]`. */
const formatChange = (versus: MetricComparison | undefined, baselineMean: number | undefined): string => {
  if (versus === undefined || versus.relative === null) return "–"
  const percent = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}`
  if (versus.ci95 === null || baselineMean === undefined || baselineMean === 0) return `${percent(versus.relative)} %`
  const [low, high] = versus.ci95.map((bound) => bound / baselineMean) as [number, number]
  return `${percent(versus.relative)} % [${percent(low)}, ${percent(high)}]`
}

const COMPARED = ["energy_kwh", "slav_pct", "migrations"] as const

/** With a baseline, a second markdown table: each configuration's paired change and its p-values. */
const markdownComparisons = (statistics: SweepStatistics): string => {
  const [first] = statistics.comparisons
  if (first === undefined) return ""
  const baselineSummary = statistics.configurations.find((c) => c.label === first.baseline)
  const header = [
    "Configuration",
    "Days",
    ...COMPARED.flatMap((metric) => {
      const heading = TABLE_METRICS.find(([column]) => column === metric)?.[1] ?? metric
      return [`${heading} change`, "p (t)", "p (Wilcoxon)"]
    })
  ]
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${["---", "---:", ...COMPARED.flatMap(() => ["---:", "---:", "---:"])].join("|")}|`,
    ...statistics.comparisons.map(
      (c) =>
        `| ${[
          markdownCell(c.label),
          String(c.n),
          ...COMPARED.flatMap((metric) => {
            const versus = c.metrics[metric]
            return [
              formatChange(versus, baselineSummary?.metrics[metric]?.mean),
              formatP(versus?.p_t),
              formatP(versus?.p_wilcoxon)
            ]
          })
        ].join(" | ")} |`
    )
  ]
  return (
    `\nAgainst ${markdownCell(first.baseline)}, paired over the days both ran: the change of the mean ` +
    "(mean paired difference over the baseline's mean) with its 95 % interval, and two-sided p-values of " +
    "the paired t-test and the Wilcoxon signed-rank test.\n\n" +
    `${lines.join("\n")}\n`
  )
}

/** The papers' layout: configurations as rows, each metric as mean ± half-width. */
export const formatStatisticsTable = (statistics: SweepStatistics, format: TableFormat): string => {
  const rows = statistics.configurations
  switch (format) {
    case "md": {
      const header = ["Configuration", "n", ...TABLE_METRICS.map(([, heading]) => heading)]
      const lines = [
        `| ${header.join(" | ")} |`,
        `|${["---", "---:", ...TABLE_METRICS.map(() => "---:")].join("|")}|`,
        ...rows.map(
          (c) =>
            `| ${[
              markdownCell(c.label),
              String(c.n),
              ...TABLE_METRICS.map(([column]) => formatMeanInterval(c.metrics[column]))
            ].join(" | ")} |`
        )
      ]
      return `${lines.join("\n")}\n\n${CAPTION}.\n${markdownComparisons(statistics)}`
    }
    case "latex": {
      const header = ["Configuration", "$n$", ...TABLE_METRICS.map(([, heading]) => latexText(heading))]
      const lines = [
        `% ${CAPTION}; needs \\usepackage{booktabs}`,
        `\\begin{tabular}{l${"r".repeat(TABLE_METRICS.length + 1)}}`,
        "\\toprule",
        `${header.join(" & ")} \\\\`,
        "\\midrule",
        ...rows.map(
          (c) =>
            `${[
              latexText(c.label),
              String(c.n),
              ...TABLE_METRICS.map(([column]) => `$${formatMeanInterval(c.metrics[column], " \\pm ")}$`)
            ].join(" & ")} \\\\`
        ),
        "\\bottomrule",
        "\\end{tabular}"
      ]
      return `${lines.join("\n")}\n`
    }
    case "csv": {
      const header = [
        "configuration",
        "n",
        ...TABLE_METRICS.flatMap(([column]) => [`${column}_mean`, `${column}_ci95_half_width`])
      ]
      const lines = rows.map((c) =>
        [
          csvField(c.label),
          String(c.n),
          ...TABLE_METRICS.flatMap(([column]) => {
            const summary = c.metrics[column]
            return summary === undefined ? ["", ""] : [csvNumber(summary.mean), csvNumber(halfWidthOf(summary))]
          })
        ].join(",")
      )
      return `${[header.join(","), ...lines].join("\n")}\n`
    }
  }
}

const pad = (cells: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length))) ?? []
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ")
        .trimEnd()
    )
    .join("\n")
}

const formatP = (p: number | null | undefined): string =>
  p === null || p === undefined ? "–" : p < 0.0001 ? "<0.0001" : p.toFixed(4)

const formatRelative = (relative: number | null | undefined): string =>
  relative === null || relative === undefined ? "–" : `${relative >= 0 ? "+" : ""}${(relative * 100).toFixed(2)}%`

/** The plain-text tables printed when a sweep ends: the summary, then the comparisons with the baseline. */
export const formatStatisticsText = (statistics: SweepStatistics): string => {
  const summary = pad([
    ["configuration", "n", ...TABLE_METRICS.map(([, heading]) => heading)],
    ...statistics.configurations.map((c) => [
      c.label,
      String(c.n),
      ...TABLE_METRICS.map(([column]) => formatMeanInterval(c.metrics[column]))
    ])
  ])
  const parts = [`${summary}\n${CAPTION}.`]
  const [first] = statistics.comparisons
  if (first !== undefined) {
    const compared = ["energy_kwh", "slav_pct", "migrations"] as const
    const table = pad([
      ["configuration", "days", ...compared.flatMap((metric) => [`${metric} change`, "p (t)", "p (Wilcoxon)"])],
      ...statistics.comparisons.map((c) => [
        c.label,
        String(c.n),
        ...compared.flatMap((metric) => {
          const versus = c.metrics[metric]
          return [formatRelative(versus?.relative), formatP(versus?.p_t), formatP(versus?.p_wilcoxon)]
        })
      ])
    ])
    parts.push(`against ${first.baseline}, paired over the days both ran:\n${table}`)
  }
  return `${parts.join("\n\n")}\n`
}
