/** `--arrivals`: Poisson arrivals and seeded lifetimes on the synthetic workload, reproducible by seed. */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { loadTrace } from "../../../../src/adapters/sim/traces/loadTrace.js"
import { generateSyntheticTrace, resolveSyntheticWorkload } from "../../../../src/adapters/sim/traces/synthetic.js"
import {
  generateSyntheticTraceWithArrivals,
  parseArrivalsSpec,
  type SyntheticArrivals
} from "../../../../src/adapters/sim/traces/syntheticArrivals.js"

const workload = (vms: number, seed: number, days = 1) =>
  Either.getOrThrow(resolveSyntheticWorkload({ vms, seed, days }))
const arrivals = (spec: string): SyntheticArrivals => Either.getOrThrow(parseArrivalsSpec(spec))
const generate = (vms: number, seed: number, spec: string, days = 1) =>
  Either.getOrThrow(generateSyntheticTraceWithArrivals(workload(vms, seed, days), arrivals(spec)))

/** The same doubles, bit for bit (faster than a deep equality on a few hundred thousand values). */
const sameDoubles = (a: Float64Array, b: Float64Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

describe("synthetic arrivals", () => {
  it("is reproducible by seed, and another seed gives other arrivals", () => {
    const a = generate(50, 7, "rate=10,mean=6")
    const b = generate(50, 7, "rate=10,mean=6")
    expect(b.names).toEqual(a.names)
    expect(Array.from(b.lifetimes!.arrival)).toEqual(Array.from(a.lifetimes!.arrival))
    expect(Array.from(b.lifetimes!.departure)).toEqual(Array.from(a.lifetimes!.departure))
    expect(sameDoubles(b.cpu, a.cpu)).toBe(true)
    const other = generate(50, 8, "rate=10,mean=6")
    expect(Array.from(other.lifetimes!.arrival)).not.toEqual(Array.from(a.lifetimes!.arrival))
    // The arrivals' own seed overrides the workload's, leaving the CPU of the first VMs alone.
    const reseeded = generate(50, 7, "rate=10,mean=6,seed=99")
    expect(Array.from(reseeded.lifetimes!.arrival)).not.toEqual(Array.from(a.lifetimes!.arrival))
    expect(sameDoubles(reseeded.cpu.subarray(0, 50 * 288), a.cpu.subarray(0, 50 * 288))).toBe(true)
  })

  it("keeps the workload's VMs at the start, with their CPU unchanged, and adds about rate × hours arrivals", () => {
    const trace = generate(100, 3, "rate=20,mean=6", 2)
    const { arrival, departure } = trace.lifetimes!
    const arrived = trace.names.length - 100
    // 20 an hour over 48 h: 960 on average, a Poisson count (standard deviation about 31).
    expect(arrived).toBeGreaterThan(960 - 5 * 31)
    expect(arrived).toBeLessThan(960 + 5 * 31)
    const atStart = Array.from(arrival.subarray(0, 100)).every((sample) => sample === 0)
    let ordered = true
    for (let v = 100; v < trace.names.length; v++) {
      if (!(arrival[v]! >= Math.max(1, arrival[v - 1]!) && arrival[v]! < trace.samples)) ordered = false
    }
    let alive = true
    for (let v = 0; v < trace.names.length; v++) if (!(departure[v]! > arrival[v]!)) alive = false
    expect({ atStart, ordered, alive }).toEqual({ atStart: true, ordered: true, alive: true })
    // Exponential lifetimes of mean 6 h (72 samples): the mean of the draws is near it.
    let sum = 0
    for (let v = 0; v < trace.names.length; v++) sum += departure[v]! - arrival[v]!
    expect(sum / trace.names.length).toBeGreaterThan(72 * 0.85)
    expect(sum / trace.names.length).toBeLessThan(72 * 1.15)
    // VM v's CPU is the plain workload's VM v.
    const plain = generateSyntheticTrace(workload(trace.names.length, 3, 2))
    expect(sameDoubles(trace.cpu, plain.cpu)).toBe(true)
  })

  it("draws lognormal lifetimes with the mean asked", () => {
    const trace = generate(2000, 5, "rate=1,lifetime=lognormal,mean=2,sigma=0.5")
    const { arrival, departure } = trace.lifetimes!
    let sum = 0
    for (let v = 0; v < trace.names.length; v++) sum += departure[v]! - arrival[v]!
    // 2 h = 24 samples.
    expect(sum / trace.names.length).toBeGreaterThan(24 * 0.95)
    expect(sum / trace.names.length).toBeLessThan(24 * 1.05)
  })

  it("rejects a bad spec, naming the option", () => {
    const message = (spec: string) => {
      const parsed = parseArrivalsSpec(spec)
      return Either.isLeft(parsed) ? `${parsed.left.field}: ${parsed.left.message}` : "accepted"
    }
    expect(message("mean=3")).toBe("arrivals: rate=VMS_PER_HOUR is required (e.g. rate=20,mean=6)")
    expect(message("rate=-1")).toBe("arrivals: rate must be a positive number of VMs per hour, got '-1'")
    expect(message("rate=1,lifetime=weibull")).toBe("arrivals: lifetime 'weibull': expected exponential or lognormal")
    expect(message("rate=1,speed=2")).toBe("arrivals: unknown key 'speed' (known: rate, lifetime, mean, sigma, seed)")
  })

  it("is loaded through loadTrace for the synthetic workload only", async () => {
    const trace = await Effect.runPromise(loadTrace("synthetic:vms=20,seed=4", { arrivals: arrivals("rate=5,mean=4") }))
    expect(trace.lifetimes).toBeDefined()
    expect(trace.names.length).toBeGreaterThan(20)
    const csv = await Effect.runPromise(Effect.either(loadTrace("package.json", { arrivals: arrivals("rate=5") })))
    expect(Either.isLeft(csv) && csv.left._tag).toBe("ConfigError")
  })
})
