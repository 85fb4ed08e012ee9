/**
 * A run's timeline kept small enough to travel with a sweep's results (plain arrays, at most a few
 * hundred steps), and the mean of several runs' timelines step by step (a configuration over its days).
 */
import type { Timeline } from "../SimulationResult.js"

export interface SampledTimeline {
  /** Start of each step, seconds from the start of the run. */
  readonly timeSec: ReadonlyArray<number>
  readonly activeHosts: ReadonlyArray<number>
  readonly powerW: ReadonlyArray<number>
  /** Migrations started in each step (summed over the steps a sample stands for). */
  readonly migrations: ReadonlyArray<number>
}

/** The timeline with plain arrays (a runner may hand typed ones), as JSON writes it. */
export const plainTimeline = (timeline: SampledTimeline): SampledTimeline => ({
  timeSec: Array.from(timeline.timeSec),
  activeHosts: Array.from(timeline.activeHosts),
  powerW: Array.from(timeline.powerW),
  migrations: Array.from(timeline.migrations)
})

/** A PlanetLab day at 300 s steps is 288 steps: kept whole. */
export const MAX_TIMELINE_SAMPLES = 288

/**
 * At most `maxSamples` steps: consecutive steps are merged into buckets, hosts and power averaged,
 * migrations summed, each bucket at its first step's time.
 */
export const sampleTimeline = (timeline: Timeline, maxSamples = MAX_TIMELINE_SAMPLES): SampledTimeline => {
  const steps = timeline.timeSec.length
  const size = Math.max(1, Math.ceil(steps / Math.max(1, maxSamples)))
  const timeSec: Array<number> = []
  const activeHosts: Array<number> = []
  const powerW: Array<number> = []
  const migrations: Array<number> = []
  for (let start = 0; start < steps; start += size) {
    const end = Math.min(steps, start + size)
    let hosts = 0
    let power = 0
    let migrated = 0
    for (let k = start; k < end; k++) {
      hosts += timeline.activeHosts[k] ?? 0
      power += timeline.powerW[k] ?? 0
      migrated += timeline.migrations[k] ?? 0
    }
    timeSec.push(timeline.timeSec[start] ?? 0)
    activeHosts.push(hosts / (end - start))
    powerW.push(power / (end - start))
    migrations.push(migrated)
  }
  return { timeSec, activeHosts, powerW, migrations }
}

/**
 * The step-by-step mean of several timelines, over the steps they all have (days of one trace set
 * have the same steps); undefined when there is none.
 */
export const meanTimeline = (timelines: ReadonlyArray<SampledTimeline>): SampledTimeline | undefined => {
  const [first] = timelines
  if (first === undefined) return undefined
  const steps = Math.min(...timelines.map((timeline) => timeline.timeSec.length))
  if (steps === 0) return undefined
  const mean = (pick: (timeline: SampledTimeline) => ReadonlyArray<number>): Array<number> =>
    Array.from({ length: steps }, (_, k) => {
      let sum = 0
      for (const timeline of timelines) sum += pick(timeline)[k] ?? 0
      return sum / timelines.length
    })
  return {
    timeSec: first.timeSec.slice(0, steps),
    activeHosts: mean((timeline) => timeline.activeHosts),
    powerW: mean((timeline) => timeline.powerW),
    migrations: mean((timeline) => timeline.migrations)
  }
}
