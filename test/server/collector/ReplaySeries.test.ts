import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { makeReplaySeries, usedNsAt, utilisationAt } from "../../../src/server/collector/ReplaySeries.js"

/** The integral by walking every ms-long piece of every sample: what the closed form must equal. */
const walkedNs = (values: ReadonlyArray<number>, sampleMs: number, elapsedMs: number): number => {
  let ns = 0
  for (let startMs = 0; startMs < elapsedMs; startMs += sampleMs) {
    const k = (startMs / sampleMs) % values.length
    const lastsMs = Math.min(sampleMs, elapsedMs - startMs)
    ns += Math.round(values[k]! * lastsMs * 1e6)
  }
  return ns
}

const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 })

describe("ReplaySeries", () => {
  it("plays value floor(t / sample) mod length at t", () => {
    const series = makeReplaySeries([0.1, 0.2, 0.3], 10_000)
    assert.deepStrictEqual(
      [0, 9_999, 10_000, 25_000, 29_999, 30_000, 45_000].map((t) => utilisationAt(series, t)),
      [0.1, 0.1, 0.2, 0.3, 0.3, 0.1, 0.2]
    )
  })

  it("integrates whole loops, whole samples and the partial sample, in whole ns", () => {
    const series = makeReplaySeries([0.5, 1, 0.25], 10_000)
    // 2 loops (17.5 s each), then 0.5 × 10 s, then 1 × 3 s.
    assert.strictEqual(usedNsAt(series, 73_000), 2n * 17_500_000_000n + 5_000_000_000n + 3_000_000_000n)
    assert.strictEqual(usedNsAt(series, 0), 0n)
    assert.strictEqual(usedNsAt(series, -5_000), 0n)
  })

  it("clamps values to 0-1 and reads non-finite ones as 0", () => {
    const series = makeReplaySeries([-0.5, 1.5, Number.NaN], 1_000)
    assert.deepStrictEqual([...series.values], [0, 1, 0])
    assert.strictEqual(usedNsAt(series, 3_000), 1_000_000_000n)
  })

  it("refuses an empty series and a sample that is not a positive whole number of ms", () => {
    assert.throws(() => makeReplaySeries([], 1_000), /at least one value/)
    assert.throws(() => makeReplaySeries([0.5], 0), /positive whole number of ms/)
    assert.throws(() => makeReplaySeries([0.5], 0.5), /positive whole number of ms/)
  })

  it("equals the walked integral and never decreases", () => {
    fc.assert(
      fc.property(
        fractions,
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (values, sampleMs, t1, gapMs) => {
          const series = makeReplaySeries(values, sampleMs)
          assert.strictEqual(usedNsAt(series, t1), BigInt(walkedNs(values, sampleMs, t1)))
          assert.isTrue(usedNsAt(series, t1 + gapMs) >= usedNsAt(series, t1))
        }
      )
    )
  })

  it("is exact at today's times since the epoch: a sample's increment is its value × its length", () => {
    const series = makeReplaySeries([0.64, 0.3, 0.07], 300_000)
    // A sample starting in 2026, and the one after.
    const start = 5_900_000 * 300_000
    for (let k = 0; k < 3; k++) {
      const from = start + k * 300_000
      const value = series.values[(from / 300_000) % 3]!
      assert.strictEqual(usedNsAt(series, from + 300_000) - usedNsAt(series, from), BigInt(Math.round(value * 3e11)))
    }
  })
})
