/**
 * Student's t and the Wilcoxon signed-rank distribution against values computed independently:
 * printed tables, closed forms (df 1 and 2), numerical integration of the density, and a
 * brute-force enumeration of every sign pattern.
 */
import { describe, expect, it } from "vitest"
import {
  lnGamma,
  normalCdf,
  regularizedIncompleteBeta
} from "../../../../../src/adapters/sim/sweep/statistics/specialFunctions.js"
import {
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTTwoSidedP
} from "../../../../../src/adapters/sim/sweep/statistics/studentT.js"
import {
  signedRankCdf,
  wilcoxonSignedRank
} from "../../../../../src/adapters/sim/sweep/statistics/wilcoxonSignedRank.js"

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

describe("special functions", () => {
  it("ln Γ matches factorials and Γ(1/2) = √π", () => {
    let factorial = 1
    for (let n = 1; n <= 20; n++) {
      factorial *= n
      expect(relative(Math.exp(lnGamma(n + 1)), factorial)).toBeLessThan(1e-13)
    }
    expect(relative(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-14)
  })

  it("I_x(a, b) has its closed forms: I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a", () => {
    for (const x of [0.01, 0.3, 0.5, 0.9, 0.999]) {
      for (const p of [0.5, 2, 7.5, 40]) {
        expect(relative(regularizedIncompleteBeta(1, p, x), 1 - (1 - x) ** p)).toBeLessThan(1e-13)
        expect(relative(regularizedIncompleteBeta(p, 1, x), x ** p)).toBeLessThan(1e-13)
      }
    }
  })

  it("Φ matches printed normal tables", () => {
    // Φ(1.96) = 0.9750021048517795, Φ(-3) = 0.0013498980316301, Φ(1) = 0.8413447460685429.
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14)
    expect(relative(normalCdf(-3), 0.0013498980316301)).toBeLessThan(1e-12)
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14)
    expect(normalCdf(0)).toBe(0.5)
  })
})

describe("Student's t", () => {
  it("quantiles match the printed table at 0.975 and 0.995", () => {
    // Two-sided 5 % and 1 % critical values as printed (three decimals) in every t table.
    const table: ReadonlyArray<readonly [number, number, number]> = [
      [1, 12.706, 63.657],
      [2, 4.303, 9.925],
      [3, 3.182, 5.841],
      [4, 2.776, 4.604],
      [5, 2.571, 4.032],
      [6, 2.447, 3.707],
      [7, 2.365, 3.499],
      [8, 2.306, 3.355],
      [9, 2.262, 3.25],
      [10, 2.228, 3.169],
      [15, 2.131, 2.947],
      [20, 2.086, 2.845],
      [25, 2.06, 2.787],
      [30, 2.042, 2.75],
      [60, 2.0, 2.66],
      [120, 1.98, 2.617]
    ]
    for (const [df, q975, q995] of table) {
      expect(Math.abs(studentTQuantile(0.975, df) - q975), `df ${df} at 0.975`).toBeLessThanOrEqual(0.0005)
      expect(Math.abs(studentTQuantile(0.995, df) - q995), `df ${df} at 0.995`).toBeLessThanOrEqual(0.0005)
    }
    // With more digits (R's qt, SciPy's t.ppf).
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451051977934, 12)
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157162798205, 12)
    expect(studentTQuantile(0.995, 9)).toBeCloseTo(3.249835541592126, 12)
  })

  it("quantiles and distribution match the closed forms of df 1 (Cauchy) and df 2", () => {
    for (const p of [0.001, 0.025, 0.2, 0.5, 0.75, 0.975, 0.995, 0.9999]) {
      const cauchy = Math.tan(Math.PI * (p - 0.5))
      expect(Math.abs(studentTQuantile(p, 1) - cauchy)).toBeLessThan(1e-10 * Math.max(1, Math.abs(cauchy)))
      const df2 = (2 * p - 1) / Math.sqrt(2 * p * (1 - p))
      expect(Math.abs(studentTQuantile(p, 2) - df2)).toBeLessThan(1e-10 * Math.max(1, Math.abs(df2)))
    }
    for (const t of [-30, -2, -0.1, 0, 0.7, 3, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13)
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13)
    }
  })

  it("the distribution function is the integral of the density (Simpson's rule)", () => {
    const integrate = (f: (x: number) => number, a: number, b: number, steps = 20_000) => {
      const h = (b - a) / steps
      let sum = f(a) + f(b)
      for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h)
      return (sum * h) / 3
    }
    for (const df of [3, 4, 7.5, 29]) {
      for (const t of [0.5, 1.5, 2, 4]) {
        const area = 0.5 + integrate((x) => studentTPdf(x, df), 0, t)
        expect(studentTCdf(t, df)).toBeCloseTo(area, 11)
      }
    }
    // A hand-checked value: t = 2 on 4 df, two-sided p = 0.1161165 (printed as 0.116).
    expect(studentTTwoSidedP(2, 4)).toBeCloseTo(0.1161165, 7)
  })

  it("quantile inverts the distribution function over a wide range of df and p", () => {
    for (const df of [1, 1.5, 2, 3, 5, 10, 50, 300, 10_000]) {
      for (const p of [1e-8, 0.001, 0.05, 0.3, 0.6, 0.9, 0.975, 0.999999]) {
        const t = studentTQuantile(p, df)
        const back = studentTCdf(t, df)
        expect(Math.abs(back - p) / Math.min(p, 1 - p), `df ${df} p ${p}`).toBeLessThan(1e-9)
      }
    }
    expect(studentTQuantile(0.5, 7)).toBe(0)
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 13)
  })
})

/** P(V <= v) by listing every one of the 2^n sign patterns of the ranks 1..n. */
const bruteForceCdf = (v: number, n: number): number => {
  let below = 0
  for (let mask = 0; mask < 2 ** n; mask++) {
    let sum = 0
    for (let rank = 1; rank <= n; rank++) if (mask & (1 << (rank - 1))) sum += rank
    if (sum <= v) below++
  }
  return below / 2 ** n
}

describe("Wilcoxon signed-rank", () => {
  it("the exact null distribution matches a brute-force enumeration", () => {
    for (const n of [1, 2, 5, 8, 12, 16]) {
      const max = (n * (n + 1)) / 2
      for (let v = 0; v <= max; v += Math.max(1, Math.floor(max / 17))) {
        expect(signedRankCdf(v, n), `n ${n} v ${v}`).toBe(bruteForceCdf(v, n))
      }
    }
  })

  it("gives the printed two-sided 5 % critical values (largest T with P(V <= T) <= 0.025)", () => {
    const critical: Record<number, number> = { 6: 0, 7: 2, 8: 3, 9: 5, 10: 8, 11: 10, 12: 13, 15: 25, 20: 52, 25: 89 }
    for (const [nText, value] of Object.entries(critical)) {
      const n = Number(nText)
      expect(signedRankCdf(value, n), `n ${n}`).toBeLessThanOrEqual(0.025)
      expect(signedRankCdf(value + 1, n), `n ${n}`).toBeGreaterThan(0.025)
    }
  })

  it("exact p-values equal twice the enumerated tail", () => {
    // Differences whose ranks are 1..n in order, positive where the mask says.
    for (const n of [4, 7, 10]) {
      for (const mask of [0, 1, 5, 2 ** n - 2, 2 ** (n - 1)]) {
        const d = Array.from({ length: n }, (_, i) => (mask & (1 << i) ? 1 : -1) * (i + 1) * 1.5)
        const v = d.reduce((sum, x, i) => (x > 0 ? sum + i + 1 : sum), 0)
        const max = (n * (n + 1)) / 2
        const expected = Math.min(1, 2 * bruteForceCdf(Math.min(v, max - v), n))
        const test = wilcoxonSignedRank(d)
        expect(test).toMatchObject({ statistic: v, n, method: "exact" })
        expect(test.p).toBeCloseTo(expected, 15)
      }
    }
  })

  it("by hand: d = 2, -1, 3, 4, 5 gives V = 14 and the exact p = 2 · 2/32", () => {
    // Ranks of |d|: 2, 1, 3, 4, 5; V = 2 + 3 + 4 + 5 = 14. Only the rank sums 14 and 15 reach 14.
    expect(wilcoxonSignedRank([2, -1, 3, 4, 5])).toMatchObject({ statistic: 14, n: 5, method: "exact", p: 0.125 })
  })

  it("by hand, with ties and a zero: the normal approximation with both corrections", () => {
    // d = 1, -1, 2, 2, 3, 4, 0: the zero is dropped (n = 6); midranks 1.5, 1.5, 3.5, 3.5, 5, 6;
    // V = 1.5 + 3.5 + 3.5 + 5 + 6 = 19.5; E V = 6·7/4 = 10.5;
    // var V = 6·7·13/24 - (2³-2 + 2³-2)/48 = 22.75 - 0.25 = 22.5;
    // z = (19.5 - 10.5 - 0.5)/√22.5 = 1.791957; p = 2(1 - Φ(z)) = 0.073140.
    const test = wilcoxonSignedRank([1, -1, 2, 2, 3, 4, 0])
    expect(test).toMatchObject({ statistic: 19.5, n: 6, zeros: 1, ties: true, method: "normal" })
    const z = 8.5 / Math.sqrt(22.5)
    expect(z).toBeCloseTo(1.791957, 6)
    expect(test.p).toBeCloseTo(2 * (1 - normalCdf(z)), 14)
    expect(test.p).toBeCloseTo(0.07314, 5)
  })

  it("has no p-value when every difference is zero", () => {
    expect(wilcoxonSignedRank([0, 0, 0]).p).toBeNull()
  })
})
