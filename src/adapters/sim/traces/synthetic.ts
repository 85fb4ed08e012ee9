/**
 * The seeded synthetic workload, Neat's embedded default: CPU traces shaped like PlanetLab's
 * (many lightly used VMs and a few busy ones, a daily cycle, autocorrelated noise, short bursts and
 * idle stretches, whole percents). VM v's trace depends only on the seed and v, so a workload with
 * more VMs extends a smaller one with the same seed, and any slice of VMs can be generated alone.
 */
import { Effect, Either } from "effect"
import { ConfigError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { Prng } from "./Prng.js"

/** What to generate. `samples` wins over `days`; the default is one day at 300 s. */
export interface SyntheticWorkload {
  readonly vms: number
  readonly seed: number
  /** Days of samples (288 per day at 300 s); ignored when `samples` is given. */
  readonly days?: number | undefined
  readonly samples?: number | undefined
  /** Seconds between samples, 300 by default (PlanetLab's interval). */
  readonly intervalSec?: number | undefined
}

/** A validated workload: every field known. */
export interface ResolvedSyntheticWorkload {
  readonly vms: number
  readonly seed: number
  readonly samples: number
  readonly intervalSec: number
}

/** The workload `npm start` and `neat sim` use when no trace is given: the size of a PlanetLab day. */
export const defaultSyntheticWorkload: ResolvedSyntheticWorkload = {
  vms: 1052,
  seed: 42,
  samples: 288,
  intervalSec: 300
}

const SECONDS_PER_DAY = 86_400
/** Typed arrays above this many elements are refused up front rather than failing deep in V8. */
const MAX_VALUES = 2 ** 32 - 1

const positiveInteger = (value: number): boolean => Number.isSafeInteger(value) && value > 0

/** Checks a workload and fills in its defaults. */
export const resolveSyntheticWorkload = (
  workload: SyntheticWorkload,
  source?: string
): Either.Either<ResolvedSyntheticWorkload, ConfigError> => {
  const fail = (field: string, message: string) =>
    Either.left(new ConfigError({ field, message, ...(source === undefined ? {} : { source }) }))
  const intervalSec = workload.intervalSec ?? 300
  if (!positiveInteger(workload.vms)) return fail("vms", `must be a positive integer, got ${workload.vms}`)
  if (!Number.isSafeInteger(workload.seed) || workload.seed < 0 || workload.seed > 0xffffffff) {
    return fail("seed", `must be an integer from 0 to 4294967295, got ${workload.seed}`)
  }
  if (!(Number.isFinite(intervalSec) && intervalSec > 0)) {
    return fail("interval", `must be a positive number of seconds, got ${intervalSec}`)
  }
  let samples: number
  if (workload.samples !== undefined) {
    if (!positiveInteger(workload.samples))
      return fail("samples", `must be a positive integer, got ${workload.samples}`)
    samples = workload.samples
  } else {
    const days = workload.days ?? 1
    if (!(Number.isFinite(days) && days > 0)) return fail("days", `must be a positive number, got ${days}`)
    samples = Math.round((days * SECONDS_PER_DAY) / intervalSec)
    if (samples < 1) return fail("days", `gives no sample at an interval of ${intervalSec} s`)
  }
  if (workload.vms * samples > MAX_VALUES) {
    return fail("vms", `${workload.vms} VMs x ${samples} samples exceed one typed array (${MAX_VALUES} values)`)
  }
  return Either.right({ vms: workload.vms, seed: workload.seed, samples, intervalSec })
}

/** `vm-0007` style names, zero-padded to the width of the largest index. */
export const syntheticVmName = (vm: number, vms: number): string =>
  `vm-${String(vm).padStart(String(Math.max(vms - 1, 0)).length, "0")}`

/** Daily-cycle tables: cos and sin of the time of day of every sample, shared by all VMs. */
const dayPhaseTables = (samples: number, intervalSec: number): { cos: Float64Array; sin: Float64Array } => {
  const cos = new Float64Array(samples)
  const sin = new Float64Array(samples)
  for (let k = 0; k < samples; k++) {
    const angle = (2 * Math.PI * ((k * intervalSec) % SECONDS_PER_DAY)) / SECONDS_PER_DAY
    cos[k] = Math.cos(angle)
    sin[k] = Math.sin(angle)
  }
  return { cos, sin }
}

/**
 * Writes VMs `firstVm .. firstVm + count - 1` of the workload into `target`, VM by VM
 * (`target[(v - firstVm) * samples + k]`), as fractions 0..1 in whole percents.
 */
export const fillSyntheticCpu = (
  workload: ResolvedSyntheticWorkload,
  target: Float64Array,
  firstVm = 0,
  count = workload.vms - firstVm
): void => {
  const { samples, intervalSec, seed } = workload
  if (target.length < count * samples)
    throw new RangeError(`target holds ${target.length} values, needs ${count * samples}`)
  const tables = dayPhaseTables(samples, intervalSec)
  const perDay = SECONDS_PER_DAY / intervalSec
  for (let i = 0; i < count; i++) {
    const random = new Prng(seed, firstVm + i)
    // Mean load: over half the VMs are nearly idle, a third moderate, the rest busy (PlanetLab's skew).
    const kind = random.next()
    const mean =
      kind < 0.55
        ? Math.exp(random.uniform(Math.log(0.01), Math.log(0.08)))
        : kind < 0.88
          ? random.uniform(0.08, 0.25)
          : random.uniform(0.25, 0.65)
    // Daily cycle peaking in the afternoon, give or take a few hours (users in several time zones).
    const amplitude = mean * random.uniform(0.1, 0.7)
    const peakAngle = (2 * Math.PI * (14 + 3 * random.normal())) / 24
    const peakCos = amplitude * Math.cos(peakAngle)
    const peakSin = amplitude * Math.sin(peakAngle)
    // AR(1) noise: strongly autocorrelated from one 5-minute sample to the next.
    const persistence = random.uniform(0.75, 0.97)
    const noise = (0.005 + mean * random.uniform(0.15, 0.5)) * Math.sqrt(1 - persistence * persistence)
    // Bursts: a few a day, tens of minutes long, adding 15-60 % of the VM's capacity.
    const burstChance = random.uniform(0, 4) / perDay
    const burstMeanSamples = Math.max(1, 1200 / intervalSec)
    // Idle stretches: two VMs in five stop working now and then for a couple of hours.
    const idleChance = random.next() < 0.4 ? 0.5 / perDay : 0
    const idleMeanSamples = Math.max(1, 7200 / intervalSec)
    const idleLevel = random.uniform(0, 0.01)

    let ar = random.normal() * noise * 3
    let burstLeft = 0
    let burstHeight = 0
    let idleLeft = 0
    const offset = i * samples
    for (let k = 0; k < samples; k++) {
      ar = persistence * ar + noise * random.normal()
      let value = mean + (tables.cos[k] ?? 0) * peakCos + (tables.sin[k] ?? 0) * peakSin + ar
      if (burstLeft > 0) {
        value += burstHeight
        burstLeft--
      } else if (random.next() < burstChance) {
        burstLeft = Math.ceil(random.exponential(burstMeanSamples)) - 1
        burstHeight = random.uniform(0.15, 0.6)
        value += burstHeight
      }
      if (idleLeft > 0) {
        value = idleLevel
        idleLeft--
      } else if (idleChance > 0 && random.next() < idleChance) {
        idleLeft = Math.ceil(random.exponential(idleMeanSamples)) - 1
        value = idleLevel
      }
      const clamped = Math.min(Math.max(value, 0), 1)
      target[offset + k] = Math.round(clamped * 100) / 100
    }
  }
}

/** Generates a whole workload as a trace (deterministic given its seed). */
export const generateSyntheticTrace = (workload: ResolvedSyntheticWorkload): Trace => {
  const cpu = new Float64Array(workload.vms * workload.samples)
  fillSyntheticCpu(workload, cpu)
  const names = new Array<string>(workload.vms)
  for (let v = 0; v < workload.vms; v++) names[v] = syntheticVmName(v, workload.vms)
  return { names, intervalSec: workload.intervalSec, samples: workload.samples, cpu }
}

/** Validates then generates, as an Effect. */
export const syntheticTrace = (workload: SyntheticWorkload, source?: string): Effect.Effect<Trace, ConfigError> =>
  Effect.map(resolveSyntheticWorkload(workload, source), generateSyntheticTrace)
