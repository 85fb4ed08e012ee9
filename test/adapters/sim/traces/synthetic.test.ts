import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { Prng } from "../../../../src/adapters/sim/traces/Prng.js"
import {
  defaultSyntheticWorkload,
  fillSyntheticCpu,
  generateSyntheticTrace,
  resolveSyntheticWorkload,
  syntheticVmName
} from "../../../../src/adapters/sim/traces/synthetic.js"

const resolved = (vms: number, seed: number, days?: number) =>
  Either.getOrThrow(resolveSyntheticWorkload(days === undefined ? { vms, seed } : { vms, seed, days }))

const meanOf = (values: ArrayLike<number>): number => {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0
  return sum / values.length
}

describe("Prng", () => {
  it("repeats a sequence for a seed and stream, and differs across them", () => {
    const draw = (seed: number, stream: number) => {
      const random = new Prng(seed, stream)
      return Array.from({ length: 5 }, () => random.nextUint32())
    }
    expect(draw(7, 0)).toEqual(draw(7, 0))
    expect(draw(7, 0)).not.toEqual(draw(8, 0))
    expect(draw(7, 0)).not.toEqual(draw(7, 1))
  })

  it("draws uniforms in [0, 1) with mean 1/2 and normals with mean 0 and variance 1", () => {
    const random = new Prng(1)
    const n = 200_000
    let sum = 0
    let normalSum = 0
    let normalSquares = 0
    let outside = 0
    for (let i = 0; i < n; i++) {
      const u = random.next()
      if (!(u >= 0 && u < 1)) outside++
      sum += u
      const z = random.normal()
      normalSum += z
      normalSquares += z * z
    }
    expect(outside).toBe(0)
    expect(sum / n).toBeCloseTo(0.5, 2)
    expect(normalSum / n).toBeCloseTo(0, 1)
    expect(normalSquares / n).toBeCloseTo(1, 1)
  })
})

describe("synthetic workload", () => {
  it("is deterministic given the seed, and a larger workload extends a smaller one", () => {
    const small = generateSyntheticTrace(resolved(20, 5))
    const again = generateSyntheticTrace(resolved(20, 5))
    const large = generateSyntheticTrace(resolved(40, 5))
    const other = generateSyntheticTrace(resolved(20, 6))
    expect(again.cpu).toEqual(small.cpu)
    expect(large.cpu.subarray(0, small.cpu.length)).toEqual(small.cpu)
    expect(other.cpu).not.toEqual(small.cpu)
  })

  it("fills any slice of VMs alone, identical to the whole", () => {
    const workload = resolved(30, 9)
    const whole = generateSyntheticTrace(workload)
    const slice = new Float64Array(5 * workload.samples)
    fillSyntheticCpu(workload, slice, 12, 5)
    expect(slice).toEqual(whole.cpu.subarray(12 * workload.samples, 17 * workload.samples))
  })

  it("has a day of 288 samples at 300 s by default and whole-percent fractions within 0..1", () => {
    const trace = generateSyntheticTrace(resolved(50, 1, 2))
    expect(trace.samples).toBe(576)
    expect(trace.intervalSec).toBe(300)
    expect(trace.names[0]).toBe("vm-00")
    const odd = trace.cpu.filter(
      (value) => !(value >= 0 && value <= 1) || Math.abs(value * 100 - Math.round(value * 100)) > 1e-9
    )
    expect(odd.length).toBe(0)
  })

  it("looks like PlanetLab: skewed mean loads, autocorrelation, a daily cycle, bursts and idle time", () => {
    const trace = generateSyntheticTrace(defaultSyntheticWorkload)
    const { samples } = trace
    const means = trace.names.map((_, v) => meanOf(trace.cpu.subarray(v * samples, (v + 1) * samples)))
    const sorted = [...means].sort((a, b) => a - b)
    const median = sorted[sorted.length >> 1] ?? 0
    const overall = meanOf(trace.cpu)
    // PlanetLab's day 20110303: mean 12 %, median VM 7 %, a tail of busy VMs.
    expect(overall).toBeGreaterThan(0.08)
    expect(overall).toBeLessThan(0.2)
    expect(median).toBeLessThan(overall)
    expect(sorted[Math.floor(sorted.length * 0.9)] ?? 0).toBeGreaterThan(0.25)
    expect(sorted[Math.floor(sorted.length * 0.1)] ?? 1).toBeLessThan(0.04)

    // Lag-1 autocorrelation of the busier VMs is high (PlanetLab's is around 0.8).
    let correlations = 0
    let counted = 0
    let bursts = 0
    let idleSamples = 0
    means.forEach((mean, v) => {
      const series = trace.cpu.subarray(v * samples, (v + 1) * samples)
      let numerator = 0
      let denominator = 0
      for (let k = 0; k < samples; k++) {
        const deviation = (series[k] ?? 0) - mean
        denominator += deviation * deviation
        if (k > 0) numerator += deviation * ((series[k - 1] ?? 0) - mean)
        if (k > 0 && (series[k] ?? 0) - (series[k - 1] ?? 0) > 0.15) bursts++
        if ((series[k] ?? 0) <= 0.01) idleSamples++
      }
      if (mean > 0.1 && denominator > 0) {
        correlations += numerator / denominator
        counted++
      }
    })
    expect(correlations / counted).toBeGreaterThan(0.6)
    expect(bursts).toBeGreaterThan(trace.names.length)
    expect(idleSamples / trace.cpu.length).toBeGreaterThan(0.02)

    // Daily cycle: the afternoon is busier than the early morning, across all VMs.
    const hourMean = (hour: number) => {
      let sum = 0
      for (let v = 0; v < trace.names.length; v++)
        for (let k = hour * 12; k < hour * 12 + 12; k++) sum += trace.cpu[v * samples + k] ?? 0
      return sum / (trace.names.length * 12)
    }
    expect(hourMean(14)).toBeGreaterThan(hourMean(2) * 1.2)
  })

  it.each([
    [{ vms: 0, seed: 1 }, "vms"],
    [{ vms: 1.5, seed: 1 }, "vms"],
    [{ vms: 1, seed: -1 }, "seed"],
    [{ vms: 1, seed: 2 ** 32 }, "seed"],
    [{ vms: 1, seed: 1, days: 0 }, "days"],
    [{ vms: 1, seed: 1, samples: 0 }, "samples"],
    [{ vms: 1, seed: 1, intervalSec: -5 }, "interval"],
    [{ vms: 20_000_000, seed: 1, days: 1 }, "vms"]
  ])("rejects %j naming %s", (workload, field) => {
    const result = resolveSyntheticWorkload(workload)
    expect(Either.isLeft(result) && result.left.field).toBe(field)
  })

  it("pads names to the width of the largest index", () => {
    expect(syntheticVmName(7, 1000)).toBe("vm-007")
    expect(syntheticVmName(0, 1)).toBe("vm-0")
  })
})
