/** Test fixture: a sweep runner that returns the fixture's metrics with a small timeline derived from the job. */
import type { SweepJob, SweepRunnerOutput } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { fixtureMetrics } from "../sweep/fixtureRunner.js"

export const runTimelineJob = (job: SweepJob): SweepRunnerOutput => {
  const level = Number(job.params.level ?? 1)
  return {
    ...fixtureMetrics(job),
    timeline: {
      timeSec: [0, 300, 600],
      activeHosts: [10 * level, 20 * level, 30 * level],
      powerW: [1000, 2000, 3000],
      migrations: [level, 0, level]
    }
  }
}
