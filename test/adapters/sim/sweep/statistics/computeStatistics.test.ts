/**
 * Summaries and comparisons of a small sweep worked out by hand (the arithmetic is in the
 * comments), and the tables made from them.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { SimulationMetrics } from "../../../../../src/adapters/sim/SimulationResult.js"
import type { SweepResult } from "../../../../../src/adapters/sim/sweep/SweepJob.js"
import { computeStatistics } from "../../../../../src/adapters/sim/sweep/statistics/computeStatistics.js"
import type { SweepStatistics } from "../../../../../src/adapters/sim/sweep/statistics/SweepStatistics.js"
import { summarizeSample } from "../../../../../src/adapters/sim/sweep/statistics/sampleSummary.js"
import {
  formatMeanInterval,
  formatStatisticsTable,
  formatStatisticsText,
  statisticsToCsv
} from "../../../../../src/adapters/sim/sweep/statistics/statisticsTables.js"

const T_975_4 = 2.7764451051977934 // t(0.975, 4 df)

const metrics = (energyKwh: number, migrations: number): SimulationMetrics => ({
  energyKwh,
  migrations,
  slatahPct: 5,
  pdmPct: 0.1,
  slavPct: 0.005,
  esv: energyKwh * 0.00005,
  hostShutdowns: 100,
  meanTimeBeforeHostShutdownSec: Number.NaN,
  meanTimeBeforeMigrationSec: 1000,
  overloadTimeFraction: 0.1,
  idleTimeFraction: 0.2,
  vms: 1000,
  hosts: 800,
  wallSeconds: 0.2
})

const days = ["t/d1", "t/d2", "t/d3", "t/d4", "t/d5"]
const result = (policy: string, params: Record<string, string>, day: number, energy: number): SweepResult => ({
  job: { key: `${policy}${JSON.stringify(params)}${day}`, index: day, policy, params, trace: days[day] ?? "" },
  metrics: metrics(energy, 100 * (day + 1))
})

// Baseline energy 10 on every day; the other configuration 12, 9, 13, 14, 15.
const baseline = [10, 10, 10, 10, 10]
const other = [12, 9, 13, 14, 15]
const results: ReadonlyArray<SweepResult> = [
  ...baseline.map((energy, day) => result("cloudsim", { overload: "thr:1.0" }, day, energy)),
  ...other.map((energy, day) => result("cloudsim", { overload: "lr:1.2" }, day, energy))
]

const statistics = (spec?: string): SweepStatistics => {
  const computed = computeStatistics(results, spec)
  if (Either.isLeft(computed)) throw new Error(computed.left.message)
  return computed.right
}

describe("summary of one sample, by hand", () => {
  it("x = 1, 2, 4, 7: mean, sd, t interval and type-7 quartiles", () => {
    // mean 14/4 = 3.5; squares 6.25 + 2.25 + 0.25 + 12.25 = 21, sd = √(21/3) = √7;
    // half-width t(0.975, 3) √7/2 = 3.182446305284263 · 1.3228756555 = 4.209981;
    // h = 3p: q1 at 0.75 → 1.75, median at 1.5 → 3, q3 at 2.25 → 4.75.
    const s = summarizeSample([7, 1, 4, 2])
    expect(s.mean).toBe(3.5)
    expect(s.sd).toBeCloseTo(Math.sqrt(7), 14)
    expect(s.ci95?.[0]).toBeCloseTo(3.5 - (3.182446305284263 * Math.sqrt(7)) / 2, 11)
    expect(s.ci95?.[1]).toBeCloseTo(7.709981, 5)
    expect([s.q1, s.median, s.q3]).toEqual([1.75, 3, 4.75])
  })

  it("one value: no spread, no interval", () => {
    expect(summarizeSample([4])).toEqual({ mean: 4, sd: null, ci95: null, median: 4, q1: 4, q3: 4 })
  })
})

describe("a sweep's statistics", () => {
  it("summarises each configuration over its days", () => {
    const { configurations, comparisons } = statistics()
    expect(comparisons).toEqual([])
    expect(configurations.map((c) => [c.label, c.n])).toEqual([
      ["cloudsim overload=thr:1.0", 5],
      ["cloudsim overload=lr:1.2", 5]
    ])
    const lr = configurations[1]!
    expect(lr.config).toEqual({ policy: "cloudsim", overload: "lr:1.2" })
    // Energy 12, 9, 13, 14, 15: mean 63/5 = 12.6; squares 0.36 + 12.96 + 0.16 + 1.96 + 5.76 = 21.2;
    // sd √5.3 = 2.302173; half-width 2.7764451 · 2.302173 / √5 = 2.858525; sorted 9 12 13 14 15.
    const energy = lr.metrics.energy_kwh!
    expect(energy.mean).toBeCloseTo(12.6, 14)
    expect(energy.sd).toBeCloseTo(Math.sqrt(5.3), 14)
    expect(energy.ci95?.[0]).toBeCloseTo(12.6 - 2.858525, 5)
    expect(energy.ci95?.[1]).toBeCloseTo(12.6 + (T_975_4 * Math.sqrt(5.3)) / Math.sqrt(5), 12)
    expect([energy.q1, energy.median, energy.q3]).toEqual([12, 13, 14])
    // A constant metric: sd 0, a zero-width interval.
    expect(lr.metrics.slatah_pct).toEqual({ mean: 5, sd: 0, ci95: [5, 5], median: 5, q1: 5, q3: 5 })
    // A metric without any value is left out; the days' facts and the wall time are not summarised.
    expect(Object.keys(lr.metrics)).not.toContain("mean_time_before_host_shutdown_sec")
    expect(Object.keys(lr.metrics)).not.toContain("vms")
    expect(Object.keys(lr.metrics)).toEqual(
      expect.arrayContaining(["energy_kwh", "migrations", "slatah_pct", "pdm_pct", "slav_pct", "esv", "host_shutdowns"])
    )
  })

  it("compares with the baseline over the days both ran, by label or by NAME=VALUE", () => {
    const byLabel = statistics("cloudsim overload=thr:1.0")
    expect(statistics("overload=thr:1.0")).toEqual(byLabel)
    expect(statistics("policy=cloudsim overload=thr:1.0")).toEqual(byLabel)
    const [comparison] = byLabel.comparisons
    expect(byLabel.comparisons.length).toBe(1)
    expect(comparison).toMatchObject({ label: "cloudsim overload=lr:1.2", baseline: "cloudsim overload=thr:1.0", n: 5 })
    // d = 2, -1, 3, 4, 5: mean 2.6, sd √5.3, t = 2.6/(√5.3/√5) = 2.525343 on 4 df → p = 0.064986;
    // Wilcoxon V = 14 (only rank 1 is negative), exact p = 2 · 2/32 = 0.125; relative 2.6/10.
    const energy = comparison!.metrics.energy_kwh!
    expect(energy.mean_diff).toBeCloseTo(2.6, 14)
    expect(energy.ci95?.[1]).toBeCloseTo(2.6 + (T_975_4 * Math.sqrt(5.3)) / Math.sqrt(5), 12)
    expect(energy.relative).toBeCloseTo(0.26, 14)
    expect(energy.p_t).toBeCloseTo(0.064986, 6)
    expect(energy.p_wilcoxon).toBe(0.125)
    // Identical on every day: no test has anything to say.
    expect(comparison!.metrics.slatah_pct).toEqual({
      mean_diff: 0,
      ci95: [0, 0],
      relative: 0,
      p_t: null,
      p_wilcoxon: null
    })
  })

  it("pairs only the days both ran", () => {
    const partial = results.filter((r) => !(r.job.params.overload === "thr:1.0" && r.job.trace === "t/d1"))
    const computed = computeStatistics(partial, "overload=thr:1.0")
    const comparison = Either.getOrThrow(computed).comparisons[0]!
    expect(comparison.n).toBe(4)
    // d = -1, 3, 4, 5: mean 11/4.
    expect(comparison.metrics.energy_kwh?.mean_diff).toBe(2.75)
  })

  it("refuses a baseline that names no configuration, or several", () => {
    const unknown = computeStatistics(results, "overload=mad:2.5")
    expect(Either.isLeft(unknown) && unknown.left.message).toMatch(/no configuration has these values/)
    const several = computeStatistics(results, "policy=cloudsim")
    expect(Either.isLeft(several) && several.left.message).toMatch(/2 configurations match/)
    const label = computeStatistics(results, "cloudsim thr")
    expect(Either.isLeft(label) && label.left.field).toBe("baseline")
  })

  it("refuses two results of one configuration on one day", () => {
    const twice = [
      ...results,
      { ...results[0]!, job: { ...results[0]!.job, key: "other", vmOrder: { file: "d1.csv", sha256: "ab" } } }
    ]
    const computed = computeStatistics(twice)
    expect(Either.isLeft(computed) && computed.left.message).toMatch(
      /two results of 'cloudsim overload=thr:1.0' on t\/d1/
    )
  })

  it("records the VM order a configuration's days ran in", () => {
    const ordered = results.map((r) =>
      r.job.trace === "t/d2" ? { ...r, job: { ...r.job, vmOrder: { file: "d2.csv", sha256: "abc" } } } : r
    )
    const [first] = Either.getOrThrow(computeStatistics(ordered)).configurations
    expect(first?.config).toEqual({
      policy: "cloudsim",
      overload: "thr:1.0",
      vm_order: { d2: { file: "d2.csv", sha256: "abc" } }
    })
  })
})

describe("tables", () => {
  const s = statistics("overload=thr:1.0")

  it("markdown: configurations as rows, mean ± half-width to two significant digits", () => {
    const md = formatStatisticsTable(s, "md")
    const lines = md.split("\n")
    expect(lines[0]).toBe(
      "| Configuration | n | Energy (kWh) | Migrations | SLATAH (%) | PDM (%) | SLAV (%) | ESV | Host shutdowns |"
    )
    // Energy 12.6 ± 2.858525 → 12.6 ± 2.9; migrations 100..500: mean 300, sd √25000 = 158.11, ± 196.32 → 300 ± 196.
    expect(lines[3]).toBe(
      "| cloudsim overload=lr:1.2 | 5 | 12.6 ± 2.9 | 300 ± 196 | 5 ± 0 | 0.1 ± 0 | 0.005 ± 0 | 0.00063 ± 0.00014 | 100 ± 0 |"
    )
  })

  it("markdown with a baseline: a second table of paired changes and p-values", () => {
    const md = formatStatisticsTable(s, "md")
    expect(md).toContain("Against cloudsim overload=thr:1.0, paired over the days both ran")
    // Energy: 2.6 ± 2.858525 over the baseline's mean 10 → +26.0 % [-2.6, +54.6]; p 0.0650 and 0.1250.
    expect(md).toContain("| cloudsim overload=lr:1.2 | 5 | +26.0 % [-2.6, +54.6] | 0.0650 | 0.1250 |")
    expect(formatStatisticsTable(statistics(), "md")).not.toContain("Against")
  })

  it("shows days that agree up to rounding as ± 0", () => {
    expect(
      formatMeanInterval({
        mean: 2410.8028,
        sd: 1e-13,
        ci95: [2410.8028 - 1e-13, 2410.8028 + 1e-13],
        median: 0,
        q1: 0,
        q3: 0
      })
    ).toBe("2410.8 ± 0")
    expect(formatMeanInterval({ mean: 0.1, sd: 0.01, ci95: [0.09, 0.11], median: 0, q1: 0, q3: 0 })).toBe(
      "0.100 ± 0.010"
    )
  })

  it("LaTeX and CSV", () => {
    const latex = formatStatisticsTable(s, "latex")
    expect(latex).toContain("\\begin{tabular}{lrrrrrrrr}")
    expect(latex).toContain("cloudsim overload=lr:1.2 & 5 & $12.6 \\pm 2.9$ &")
    expect(latex).toContain("SLATAH (\\%)")
    const csv = formatStatisticsTable(s, "csv").split("\n")
    expect(csv[0]).toMatch(/^configuration,n,energy_kwh_mean,energy_kwh_ci95_half_width,migrations_mean,/)
    expect(csv[2]).toMatch(/^cloudsim overload=lr:1\.2,5,12\.6,2\.85852/)
  })

  it("summary.csv: one row per configuration and metric, with the comparison", () => {
    const rows = statisticsToCsv(s).trimEnd().split("\n")
    expect(rows[0]).toBe(
      "label,n,metric,mean,sd,ci95_low,ci95_high,median,q1,q3,baseline,n_paired,mean_diff,diff_ci95_low,diff_ci95_high,relative,p_t,p_wilcoxon"
    )
    const energy = rows.find((row) => row.startsWith("cloudsim overload=lr:1.2,5,energy_kwh,"))
    expect(energy).toMatch(/,cloudsim overload=thr:1\.0,5,2\.6,.*,0\.125$/)
    const baselineRow = rows.find((row) => row.startsWith("cloudsim overload=thr:1.0,5,energy_kwh,"))
    expect(baselineRow).toMatch(/,,,,,,,,$/)
  })

  it("the text printed at the end of a sweep", () => {
    const text = formatStatisticsText(s)
    expect(text).toContain("cloudsim overload=lr:1.2")
    expect(text).toContain("against cloudsim overload=thr:1.0, paired over the days both ran:")
    expect(text).toMatch(/cloudsim overload=lr:1\.2\s+5\s+\+26\.00%\s+0\.0650\s+0\.1250/)
  })
})
