/**
 * Test fixture, not a simulator: a deterministic sweep runner whose "metrics" are derived from the
 * job key, so tests can check what ran and what was stored. It appends each key it runs to the
 * file named by NEAT_SWEEP_FIXTURE_LOG, waits `delayMs` when the job has that parameter, and
 * fails jobs whose `fail` parameter is true.
 */
import { appendFileSync } from "node:fs"
import type { SimulationMetrics } from "../../../../src/adapters/sim/SimulationResult.js"
import type { SweepJob } from "../../../../src/adapters/sim/sweep/SweepJob.js"

/** The metrics the fixture gives a job. */
export const fixtureMetrics = (job: SweepJob): SimulationMetrics => {
  const seed = Number.parseInt(job.key.slice(0, 8), 16)
  return {
    energyKwh: 50 + (seed % 1000) / 10,
    migrations: seed % 5000,
    slatahPct: (seed % 97) / 10,
    pdmPct: (seed % 13) / 100,
    slavPct: (((seed % 97) / 10) * ((seed % 13) / 100)) / 100,
    esv: 0.001,
    hostShutdowns: seed % 300,
    meanTimeBeforeHostShutdownSec: Number.NaN,
    meanTimeBeforeMigrationSec: 1800.5,
    overloadTimeFraction: 0.05,
    idleTimeFraction: 0.4,
    vms: 1052,
    hosts: 800,
    wallSeconds: 0.01
  }
}

export const runFixtureJob = async (job: SweepJob): Promise<SimulationMetrics> => {
  const log = process.env.NEAT_SWEEP_FIXTURE_LOG
  if (log !== undefined) appendFileSync(log, `${job.key}\n`)
  const delay = Number(job.params.delayMs ?? 0)
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
  if (job.params.fail === true) throw new Error(`fixture failure for ${job.policy}`)
  return fixtureMetrics(job)
}

export const notAFunction = 42

/** A broken runner: answers with something that is not a full set of metrics. */
export const runWithoutMetrics = async (_job: SweepJob): Promise<unknown> => ({ energyKwh: 1 })
