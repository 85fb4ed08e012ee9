import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { lookOf } from "../../../../src/adapters/sim/report/markers.js"
import { renderSweepReport } from "../../../../src/adapters/sim/report/renderSweepReport.js"
import { distinctiveLabels, type SweepReportRow } from "../../../../src/adapters/sim/report/sweepModel.js"
import { formatP, formatWithHalfWidth } from "../../../../src/adapters/sim/report/sweepTables.js"
import { writeSweepReport } from "../../../../src/adapters/sim/report/writeSweepReport.js"
import type { SimulationMetrics } from "../../../../src/adapters/sim/SimulationResult.js"
import type { SweepStatistics } from "../../../../src/adapters/sim/sweep/statistics/SweepStatistics.js"
import { sampleResult } from "./sampleRuns.js"
import { BASELINE_LABEL, PLANETLAB_DAYS, sampleStatistics, sampleSweepRows } from "./sampleSweep.js"

const count = (text: string, needle: string): number => text.split(needle).length - 1

/** The HTML of the section whose heading starts with `heading`. */
const section = (html: string, heading: string): string => {
  const start = html.indexOf(`<h2>${heading}`)
  if (start < 0) return ""
  const end = html.indexOf("</section>", start)
  return html.slice(start, end)
}

/** The rows of the first table in `html`, each as its cells' text. */
const tableRows = (html: string): Array<Array<string>> =>
  [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] ?? "")
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim()
    )
  )

const report = (configurations: number, days = 10, baseline: string | null = BASELINE_LABEL) => {
  const rows = sampleSweepRows(configurations, days, { timelines: true })
  const chosen = baseline ?? undefined
  return { rows, html: renderSweepReport({ rows, statistics: sampleStatistics(rows, chosen), baseline: chosen }) }
}

describe("renderSweepReport", () => {
  const { html } = report(20)
  const scatter = section(html, "Energy and SLA violations")

  it("draws one point per configuration, with interval bars on both axes", () => {
    expect(count(scatter, '<g class="pt" data-config=')).toBe(20)
    for (let i = 0; i < 20; i++) expect(count(scatter, `<g class="pt" data-config="${i}">`)).toBe(1)
    expect(count(scatter, 'class="ci"')).toBe(40)
    // No label on any point: the only texts are the title, the axis titles and the ticks.
    expect(scatter).not.toContain('class="label"')
    expect(count(scatter, "<text ")).toBe(3 + count(scatter, '<text class="tick"'))
    // The legend names every configuration, linked to its point.
    expect(count(scatter, '<span data-config="')).toBe(20)
  })

  it("draws no interval bar where the interval is undefined (one day)", () => {
    const single = report(5, 1)
    const part = section(single.html, "Energy and SLA violations")
    expect(count(part, '<g class="pt" data-config=')).toBe(5)
    expect(count(part, 'class="ci"')).toBe(0)
  })

  it("states each day's own hosts and VMs", () => {
    const days = tableRows(section(html, "Days"))
    expect(days[0]?.slice(0, 4)).toEqual(["Day", "Hosts", "VMs", "Runs"])
    expect(days.slice(1).map((row) => row.slice(0, 4))).toEqual(
      PLANETLAB_DAYS.map(([day, vms]) => [day, "800", String(vms), "20"])
    )
    expect(html).toContain("20 configurations × 10 days, 200 runs")
  })

  it("names the hosts file a day's runs ran on, its digest on hover", () => {
    const rows = sampleSweepRows(2, 1).map((row) => ({
      ...row,
      job: { ...row.job, hostsFile: { file: "fleet.json", sha256: "ab12", hosts: 800 } }
    }))
    const page = renderSweepReport({ rows, statistics: sampleStatistics(rows, undefined), baseline: undefined })
    const days = tableRows(section(page, "Days"))
    expect(days[1]?.[1]).toBe("800 fleet.json")
    expect(section(page, "Days")).toContain('title="fleet.json sha256:ab12"')
  })

  it("names the best run of each day among that day's runs only", () => {
    const metrics = (energyKwh: number, vms: number): SimulationMetrics => ({
      ...sampleResult(energyKwh, 0.005, 1, 4).metrics,
      vms
    })
    const job = (index: number, overload: string, day: string) => ({
      key: `k${index}`,
      index,
      policy: "cloudsim",
      params: { overload },
      trace: `/days/${day}`
    })
    // Day one is small: every energy there is lower than any on day two.
    const rows: Array<SweepReportRow> = [
      { job: job(0, "a", "d1"), metrics: metrics(50, 500) },
      { job: job(1, "b", "d1"), metrics: metrics(40, 500) },
      { job: job(2, "a", "d2"), metrics: metrics(90, 1500) },
      { job: job(3, "b", "d2"), metrics: metrics(95, 1500) }
    ]
    const page = renderSweepReport({ rows, statistics: sampleStatistics(rows) })
    const days = tableRows(section(page, "Days"))
    expect(days[1]?.slice(0, 5)).toEqual(["d1", "800", "500", "2", "40 b"])
    expect(days[2]?.slice(0, 5)).toEqual(["d2", "800", "1500", "2", "90 a"])
    // Over configuration means, b (67.5 kWh) beats a (70 kWh): only b's mean is bold.
    const summary = section(page, "Summary over days")
    expect(summary).toContain('cloudsim overload=b</th><td>2</td><td class="best">68 ± 349</td>')
    expect(summary).toContain("cloudsim overload=a</th><td>2</td><td>70 ± 254</td>")
  })

  it("summarises each configuration as mean ± half-width of its interval", () => {
    const rows = tableRows(section(html, "Summary over days"))
    expect(rows[0]?.slice(0, 4)).toEqual(["Configuration", "Days", "Energy (kWh)", "SLAV (%)"])
    expect(rows).toHaveLength(21)
    for (const row of rows.slice(1)) {
      expect(row[1]).toBe("10")
      expect(row[2]).toMatch(/^\d+(\.\d+)? ± \d+(\.\d+)?$/)
    }
  })

  it("compares every other configuration with the baseline: difference, change and both p-values", () => {
    const part = section(html, `Against the baseline: ${BASELINE_LABEL}`)
    const rows = tableRows(part)
    // Two header rows, then one row per configuration but the baseline.
    expect(rows).toHaveLength(2 + 19)
    expect(rows.some((row) => row[0] === BASELINE_LABEL)).toBe(false)
    expect(rows[1]?.slice(0, 4)).toEqual(["Δ mean ± CI", "Change", "p t-test", "p Wilcoxon"])
    expect(rows[2]?.[2]).toMatch(/^[+-]?\d+(\.\d+)? ± \d+(\.\d+)?$/)
    expect(rows[2]?.[3]).toMatch(/^[+-]?\d+(\.\d+)? %$/)
    expect(part).toMatch(/class="(better|worse)"/)
  })

  it("leaves the comparison out without a baseline", () => {
    expect(report(4, 3, null).html).not.toContain("Against the baseline")
  })

  it("draws a box per configuration and metric across days, with a dot per day", () => {
    const part = section(html, "Across days")
    expect(count(part, '<rect class="box"')).toBe(20 * 7)
    expect(count(part, '<circle class="day"')).toBe(20 * 7 * 10)
    // Row labels keep only what tells configurations apart.
    expect(part).toContain(">thr:0.8 mmt</text>")
  })

  it("overlays the mean timelines of the baseline and the lowest mean ESVs", () => {
    const part = section(html, "Over time")
    expect(count(part, "<polyline")).toBe(3 * 6)
    expect(part).toContain("6 of 20 configurations (the baseline and the lowest mean ESVs)")
    expect(part).toContain(`<title>${BASELINE_LABEL}</title>`)
  })

  it("draws the timelines asked for, and none for a configuration with only some days' timelines", () => {
    const rows = sampleSweepRows(4, 3, { timelines: true }).map((row) =>
      row.job.index === 0 ? { job: row.job, metrics: row.metrics } : row
    )
    const labels = ["cloudsim overload=thr:0.8 selection=mmt", "cloudsim overload=thr:0.8 selection=mc"]
    const page = renderSweepReport({ rows, statistics: sampleStatistics(rows), timelineLabels: labels })
    const part = section(page, "Over time")
    // The first configuration lacks day one's timeline: only the second is drawn.
    expect(count(part, "<polyline")).toBe(3)
    expect(part).toContain("1 configuration has timelines for only some days")
  })

  it("has no timeline section when no row has a timeline", () => {
    const rows = sampleSweepRows(3, 2)
    expect(renderSweepReport({ rows, statistics: sampleStatistics(rows) })).not.toContain("Over time")
  })

  it("matches rows to statistics by configuration when the labels differ", () => {
    const rows = sampleSweepRows(2, 2)
    const computed = sampleStatistics(rows)
    const statistics: SweepStatistics = {
      configurations: computed.configurations.map((c, i) => ({ ...c, label: `Config ${i}` })),
      comparisons: []
    }
    const page = renderSweepReport({ rows, statistics })
    expect(page).toContain("2 configurations × 2 days, 4 runs")
    expect(count(section(page, "Energy and SLA violations"), '<g class="pt"')).toBe(2)
  })

  it("matches a configuration given as {policy, params}, whatever the key order", () => {
    const rows = sampleSweepRows(2, 2)
    const computed = sampleStatistics(rows)
    const statistics: SweepStatistics = {
      configurations: computed.configurations.map((c, i) => {
        const { policy, ...params } = c.config
        return {
          ...c,
          label: `C${i}`,
          config: { params: Object.fromEntries(Object.entries(params).reverse()), policy }
        }
      }),
      comparisons: []
    }
    const page = renderSweepReport({ rows, statistics })
    expect(page).toContain("2 configurations × 2 days, 4 runs")
  })

  it("draws nothing at a place it cannot compute (statistics with nulls read from JSON)", () => {
    const rows = sampleSweepRows(3, 3)
    const computed = sampleStatistics(rows)
    const broken = JSON.parse(
      JSON.stringify(computed, (key, value: unknown) => (["mean", "median", "q1", "q3"].includes(key) ? null : value))
    ) as SweepStatistics
    const page = renderSweepReport({ rows, statistics: broken })
    expect(page).not.toContain("NaN")
    expect(section(page, "Energy and SLA violations")).toBe("")
    expect(count(section(page, "Across days"), '<rect class="box"')).toBe(3 * 7)
  })

  it("gives 40 configurations 40 distinct looks", () => {
    const looks = new Set(Array.from({ length: 40 }, (_, i) => `${lookOf(i).color} ${lookOf(i).shape}`))
    expect(looks.size).toBe(40)
  })

  it("escapes labels and loads nothing from elsewhere", () => {
    const rows = sampleSweepRows(2, 2).map((row) => ({
      ...row,
      job: { ...row.job, params: { ...row.job.params, note: '<b>&"x"' } }
    }))
    const page = renderSweepReport({ rows, statistics: sampleStatistics(rows), title: "</title><script>x()</script>" })
    expect(page).not.toContain("<b>")
    expect(page).toContain("note=&lt;b&gt;&amp;&quot;x&quot;")
    expect(count(page, "<script")).toBe(1)
    expect(page).not.toMatch(/<link|<img|<iframe|@import|url\(|https?:|src=/i)
  })

  it("says so when there is nothing to report", () => {
    expect(renderSweepReport({ rows: [], statistics: { configurations: [], comparisons: [] } })).toContain(
      "No runs to report."
    )
  })
})

describe("sweep report formatting", () => {
  it("rounds a value to its interval's second significant digit", () => {
    expect(formatWithHalfWidth(175.31, 21.77)).toBe("175 ± 22")
    expect(formatWithHalfWidth(0.0070331, 0.0002969)).toBe("0.00703 ± 0.00030")
    expect(formatWithHalfWidth(-29.114, 3.572, true)).toBe("-29.1 ± 3.6")
    expect(formatWithHalfWidth(3.78, 3.3, true)).toBe("+3.8 ± 3.3")
    expect(formatWithHalfWidth(12.5, undefined)).toBe("12.5")
    expect(formatWithHalfWidth(Number.NaN, 1)).toBe("–")
  })

  it("writes small p-values as a bound", () => {
    expect(formatP(0.00001)).toBe("&lt; 0.001")
    expect(formatP(0.0432)).toBe("0.043")
    expect(formatP(null)).toBe("–")
  })

  it("drops from labels what every configuration shares", () => {
    expect(
      distinctiveLabels(["cloudsim overload=lr:1.2 selection=mmt", "cloudsim overload=thr:0.8 selection=mc"])
    ).toEqual(["lr:1.2 mmt", "thr:0.8 mc"])
    expect(distinctiveLabels(["neat a=1", "cloudsim a=2"])).toEqual(["neat 1", "cloudsim 2"])
    expect(distinctiveLabels(["only one"])).toEqual(["only one"])
  })
})

describe("writeSweepReport", () => {
  it("writes the page and names the file when it cannot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neat-sweep-report-"))
    try {
      const rows = sampleSweepRows(2, 2)
      const input = { rows, statistics: sampleStatistics(rows) }
      const file = join(dir, "report.html")
      await Effect.runPromise(writeSweepReport(file, input))
      expect(readFileSync(file, "utf8")).toContain("Summary over days")
      const missing = join(dir, "no", "such", "report.html")
      const error = await Effect.runPromise(Effect.flip(writeSweepReport(missing, input)))
      expect(error).toMatchObject({ _tag: "InputError", file: missing })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
