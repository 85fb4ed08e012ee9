/**
 * The sweep runner of `bench/sweepGrid.bench.ts`: one `cloudsim` job on a PlanetLab day directory
 * (VMs in file-name order), its trace cached per worker thread. Parameters: `overload`
 * (`NAME[:PARAM]`), `selection` (mmt, mc, mu, rs) and `seed` (RS).
 */
import { Either } from "effect"
import { parseOverload } from "../src/adapters/sim/parseOverload.js"
import { runSimulation } from "../src/adapters/sim/runSimulation.js"
import { type CloudsimSelectionName, cloudsimSelectionNames } from "../src/adapters/sim/SimulationOptions.js"
import type { SimulationMetrics } from "../src/adapters/sim/SimulationResult.js"
import type { SweepJob } from "../src/adapters/sim/sweep/SweepJob.js"
import { makeTraceCache } from "../src/adapters/sim/sweep/traceCache.js"
import type { Trace } from "../src/adapters/sim/Trace.js"
import { readPlanetLabTrace } from "../src/adapters/sim/traces/planetLab.js"
import { InputError } from "../src/core/errors.js"

const traces = makeTraceCache(async (dir: string): Promise<Trace> => {
  const trace = readPlanetLabTrace(dir)
  if (trace instanceof InputError) throw new Error(trace.message)
  return trace
})

const isSelection = (name: string): name is CloudsimSelectionName =>
  (cloudsimSelectionNames as ReadonlyArray<string>).includes(name)

export const runGridJob = async (job: SweepJob): Promise<SimulationMetrics> => {
  const overload = parseOverload(String(job.params.overload ?? "thr"))
  if (Either.isLeft(overload)) throw new Error(overload.left.message)
  const selection = String(job.params.selection ?? "mmt")
  if (!isSelection(selection)) throw new Error(`unknown selection ${selection}`)
  const trace = await traces(job.trace)
  return runSimulation({
    trace,
    policy: "cloudsim",
    overload: overload.right,
    selection,
    seed: Number(job.params.seed ?? 1)
  }).metrics
}
