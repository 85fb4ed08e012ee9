import { describe, expect, it } from "vitest"
import { escapeHtml } from "../../../../src/adapters/sim/report/escape.js"
import { formatMetric, renderReport } from "../../../../src/adapters/sim/report/renderReport.js"
import type { SimulationResult } from "../../../../src/adapters/sim/SimulationResult.js"
import { sampleResult, sampleRuns } from "./sampleRuns.js"

const count = (text: string, needle: string | RegExp): number =>
  (
    text.match(
      needle instanceof RegExp
        ? new RegExp(needle.source, "g")
        : new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g")
    ) ?? []
  ).length

const metricsOnly = (result: SimulationResult): SimulationResult => ({
  metrics: result.metrics,
  timeline: {
    timeSec: new Float64Array(0),
    activeHosts: new Int32Array(0),
    powerW: new Float64Array(0),
    overloadedHosts: new Int32Array(0),
    migrations: new Int32Array(0)
  }
})

describe("renderReport", () => {
  const html = renderReport(sampleRuns)

  it("is one HTML page with a metrics table row per run and the five charts", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true)
    expect(html).toContain('<meta charset="utf-8">')
    expect(count(html, '<table class="frozen">')).toBe(1)
    expect(count(html, '<tr><th class="first" scope="row">')).toBe(sampleRuns.length)
    expect(count(html, "<svg ")).toBe(5)
    expect(count(html, "</svg>")).toBe(5)
    for (const title of [
      "Energy against SLA violation",
      "Active hosts",
      "Power drawn by all hosts",
      "Migrations per step"
    ]) {
      expect(html).toContain(title)
    }
    for (const unit of ["Energy (kWh)", "SLAV (%)", "Power (kW)", "Time (hours)"]) expect(html).toContain(unit)
  })

  it("shows every run's metrics and parameters", () => {
    expect(html).toContain("<td>92.8</td>")
    expect(html).toContain("<td>0.005011</td>")
    expect(html).toContain("overload=iqr")
    expect(html).toContain("safety=1.5")
    // The lowest energy (two runs tie) is highlighted, a metric equal across runs is not.
    expect(count(html, '<td class="best">87.1</td>')).toBe(2)
    expect(html).not.toContain('<td class="best">0.07</td>')
  })

  it("escapes labels and parameters everywhere", () => {
    expect(html).not.toContain("<NPA")
    expect(html).not.toContain("<tags>")
    expect(html).toContain("&lt;NPA &amp; DVFS&gt;")
    expect(html).toContain("quotes &quot;and&quot; &lt;tags&gt;")
    const title = renderReport(sampleRuns, { title: "</title><script>alert(1)</script>" })
    expect(title).not.toContain("<script")
  })

  it("loads nothing from elsewhere: no script, stylesheet link, font or URL", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:|\/\/[a-z]/i)
  })

  it("labels runs that land on the same point together", () => {
    expect(html).toContain("LR-MMT-1.2, LRR-MMT-1.2")
  })

  it("uses bars for the migrations of a single run and lines for several", () => {
    const single = renderReport(sampleRuns.slice(0, 1))
    expect(count(single, "<polyline")).toBe(3)
    expect(count(single, "<rect x=")).toBeGreaterThan(100)
    expect(count(html, "<polyline")).toBe(4 * sampleRuns.length)
  })

  it("limits the timelines drawn and says so", () => {
    const many = Array.from({ length: 15 }, (_, i) => ({
      label: `run ${i}`,
      result: sampleResult(90 + i, 0.005, i, 12)
    }))
    const page = renderReport(many, { maxTimelines: 4 })
    expect(count(page, '<tr><th class="first" scope="row">')).toBe(15)
    expect(page).toContain("Timelines of the first 4 of 15 runs.")
    expect(count(page, "<polyline")).toBe(16)
  })

  it("reports runs without timelines (sweeps) with the table and the scatter plot only", () => {
    const page = renderReport(sampleRuns.map((run) => ({ ...run, result: metricsOnly(run.result) })))
    expect(count(page, "<svg ")).toBe(1)
    expect(page).not.toContain("Over time")
  })

  it("says so when there is nothing to report", () => {
    expect(renderReport([])).toContain("No runs to report.")
  })
})

describe("report formatting", () => {
  it("formats metrics compactly", () => {
    expect(formatMetric(26000)).toBe("26000")
    expect(formatMetric(99.41234)).toBe("99.41")
    expect(formatMetric(0.0000287123)).toBe("0.00002871")
    expect(formatMetric(123456.789)).toBe("123456.8")
    expect(formatMetric(Number.NaN)).toBe("–")
  })

  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
    )
  })
})

describe("writeReport", () => {
  it("writes the page and names the file when it cannot", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const { join } = await import("node:path")
    const { Effect } = await import("effect")
    const { writeReport } = await import("../../../../src/adapters/sim/report/writeReport.js")
    const dir = mkdtempSync(join(tmpdir(), "neat-report-"))
    try {
      const file = join(dir, "report.html")
      await Effect.runPromise(writeReport(file, sampleRuns.slice(0, 2)))
      expect(readFileSync(file, "utf8")).toContain("THR-MMT-0.8")
      const missing = join(dir, "no", "such", "dir.html")
      const error = await Effect.runPromise(Effect.flip(writeReport(missing, sampleRuns)))
      expect(error).toMatchObject({ _tag: "InputError", file: missing })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("renderReport with many runs", () => {
  it("labels scatter points by tooltip only when there are too many to label", () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      label: `run ${i}`,
      result: sampleResult(90 + i, 0.001 * i, i, 4)
    }))
    const page = renderReport(many, { maxTimelines: 0 })
    expect(page).toContain("40 runs: hover over a point to see its run.")
    expect(count(page, '<text class="label"')).toBe(0)
    expect(count(page, "<title>run 7</title>")).toBe(1)
  })
})

describe("renderReport over several days", () => {
  const onDay = (label: string, energy: number, vms: number, day: string) => {
    const result = sampleResult(energy, 0.005, 1, 4)
    return { label, day, result: { ...result, metrics: { ...result.metrics, vms } } }
  }
  // Day one is smaller: its energies are all lower than day two's.
  const runs = [
    onDay("A", 50, 500, "d1"),
    onDay("B", 40, 500, "d1"),
    onDay("A", 90, 1500, "d2"),
    onDay("B", 95, 1500, "d2")
  ]
  const page = renderReport(runs)

  it("states each day's own hosts and VMs", () => {
    expect(page).toContain("4 runs; d1: 800 hosts, 500 VMs; d2: 800 hosts, 1500 VMs.")
    expect(count(page, '<td class="day">d1</td>')).toBe(2)
  })

  it("marks the best energy of each day among that day's runs", () => {
    expect(count(page, '<td class="best">40</td>')).toBe(1)
    expect(count(page, '<td class="best">90</td>')).toBe(1)
    expect(count(page, '<td class="best">50</td>')).toBe(0)
  })

  it("reads the day of a sweep label's '@ DAY' tail", () => {
    const labelled = runs.map(({ day, ...run }) => ({ ...run, label: `${run.label} @ ${day}` }))
    expect(count(renderReport(labelled), '<td class="best">90</td>')).toBe(1)
  })
})
