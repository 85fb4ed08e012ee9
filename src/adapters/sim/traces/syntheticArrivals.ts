/**
 * VMs that come and go in the synthetic workload (`neat sim --arrivals rate=R,...`): the workload's
 * `vms` are there at time 0, more arrive as a Poisson process of `rate` VMs an hour over the run,
 * and each lives an exponential or lognormal lifetime of mean `mean` hours (a VM there at time 0
 * too: for exponential lifetimes, by memorylessness, the rest of a life already under way is
 * distributed alike). Arrival and lifetime draws are seeded (the workload's seed unless `seed` is
 * given) on streams apart from the VMs' CPU, so the CPU trace of VM v is the same as without
 * arrivals, and the same seed always gives the same arrivals.
 */
import { type Effect, Either } from "effect"
import { ConfigError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { Prng } from "./Prng.js"
import {
  fillSyntheticCpu,
  type ResolvedSyntheticWorkload,
  resolveSyntheticWorkload,
  type SyntheticWorkload,
  syntheticVmName
} from "./synthetic.js"

export type LifetimeDistribution = "exponential" | "lognormal"

export interface SyntheticArrivals {
  /** Mean VM arrivals per hour (a Poisson process). */
  readonly ratePerHour: number
  readonly lifetime: LifetimeDistribution
  /** Mean lifetime, hours. */
  readonly meanHours: number
  /** Lognormal only: σ of the lifetime's logarithm (its spread). */
  readonly sigma: number
  /** Seed of the arrivals and lifetimes (the workload's seed when absent). */
  readonly seed?: number | undefined
}

/** Defaults of `--arrivals`: exponential lifetimes of a day on average, σ 1 for lognormal ones. */
export const defaultArrivals: Omit<SyntheticArrivals, "ratePerHour"> = {
  lifetime: "exponential",
  meanHours: 24,
  sigma: 1
}

/** Streams of the arrival times and of the lifetimes: far above any VM index (a VM's CPU stream). */
const arrivalStream = 0xffffffff
const lifetimeStream = 0xfffffffe

/** Parses `rate=R[,lifetime=exponential|lognormal][,mean=HOURS][,sigma=S][,seed=S]`. */
export const parseArrivalsSpec = (spec: string): Either.Either<SyntheticArrivals, ConfigError> => {
  const fail = (message: string) => Either.left(new ConfigError({ field: "arrivals", message, source: spec }))
  let rate: number | undefined
  let lifetime: LifetimeDistribution = defaultArrivals.lifetime
  let meanHours = defaultArrivals.meanHours
  let sigma = defaultArrivals.sigma
  let seed: number | undefined
  for (const pair of spec.split(",")) {
    const [key = "", text = "", ...extra] = pair.split("=").map((part) => part.trim())
    if (extra.length > 0 || text === "") return fail(`'${pair}' is not key=value`)
    if (key === "lifetime") {
      if (text !== "exponential" && text !== "lognormal") {
        return fail(`lifetime '${text}': expected exponential or lognormal`)
      }
      lifetime = text
      continue
    }
    const value = Number(text)
    const positive = Number.isFinite(value) && value > 0
    switch (key) {
      case "rate":
        if (!positive) return fail(`rate must be a positive number of VMs per hour, got '${text}'`)
        rate = value
        break
      case "mean":
        if (!positive) return fail(`mean must be a positive number of hours, got '${text}'`)
        meanHours = value
        break
      case "sigma":
        if (!positive) return fail(`sigma must be a positive number, got '${text}'`)
        sigma = value
        break
      case "seed":
        if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
          return fail(`seed must be an integer from 0 to 4294967295, got '${text}'`)
        }
        seed = value
        break
      default:
        return fail(`unknown key '${key}' (known: rate, lifetime, mean, sigma, seed)`)
    }
  }
  if (rate === undefined) return fail("rate=VMS_PER_HOUR is required (e.g. rate=20,mean=6)")
  return Either.right({ ratePerHour: rate, lifetime, meanHours, sigma, seed })
}

/** One lifetime draw, seconds. */
const drawLifetimeSec = (random: Prng, arrivals: SyntheticArrivals): number => {
  const meanSec = arrivals.meanHours * 3600
  if (arrivals.lifetime === "exponential") return random.exponential(meanSec)
  // E[exp(N(μ, σ²))] = exp(μ + σ²/2): μ chosen for the mean asked.
  const mu = Math.log(meanSec) - (arrivals.sigma * arrivals.sigma) / 2
  return Math.exp(mu + arrivals.sigma * random.normal())
}

/**
 * The workload with arrivals: its VMs at time 0, then each arrival (sample ≥ 1, in time order) a
 * new VM; every VM with its departure (a lifetime of at least one sample; past the end it stays).
 */
export const generateSyntheticTraceWithArrivals = (
  workload: ResolvedSyntheticWorkload,
  arrivals: SyntheticArrivals,
  source?: string
): Either.Either<Trace, ConfigError> => {
  const { samples, intervalSec } = workload
  const seed = arrivals.seed ?? workload.seed
  const durationSec = samples * intervalSec
  const arrivalSamples: Array<number> = []
  for (let v = 0; v < workload.vms; v++) arrivalSamples.push(0)
  const clock = new Prng(seed, arrivalStream)
  const meanGapSec = 3600 / arrivals.ratePerHour
  for (let t = clock.exponential(meanGapSec); t < durationSec; t += clock.exponential(meanGapSec)) {
    // A VM arriving between two samples starts at the next one.
    const sample = Math.max(1, Math.ceil(t / intervalSec))
    if (sample >= samples) break
    arrivalSamples.push(sample)
  }
  const resolved = resolveSyntheticWorkload({ ...workload, vms: arrivalSamples.length }, source)
  if (Either.isLeft(resolved)) return Either.left(resolved.left)
  const all = resolved.right
  const cpu = new Float64Array(all.vms * samples)
  fillSyntheticCpu(all, cpu)
  const lifetimes = new Prng(seed, lifetimeStream)
  const arrival = Int32Array.from(arrivalSamples)
  const departure = new Int32Array(all.vms)
  for (let v = 0; v < all.vms; v++) {
    const lifeSamples = Math.max(1, Math.round(drawLifetimeSec(lifetimes, arrivals) / intervalSec))
    departure[v] = Math.min(arrival[v]! + lifeSamples, 2 ** 31 - 1)
  }
  const names = Array.from({ length: all.vms }, (_, v) => syntheticVmName(v, all.vms))
  return Either.right({ names, intervalSec, samples, cpu, lifetimes: { arrival, departure } })
}

/** Validates the workload, then generates it with arrivals, as an Effect. */
export const syntheticTraceWithArrivals = (
  workload: SyntheticWorkload,
  arrivals: SyntheticArrivals,
  source?: string
): Effect.Effect<Trace, ConfigError> =>
  Either.flatMap(resolveSyntheticWorkload(workload, source), (resolved) =>
    generateSyntheticTraceWithArrivals(resolved, arrivals, source)
  )
