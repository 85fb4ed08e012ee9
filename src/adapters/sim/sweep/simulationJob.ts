/**
 * The default sweep runner: loads the job's trace (cached per worker thread) and simulates it with
 * the job's policy and parameters (`overload` NAME[:PARAM], `selection`, `hosts`, `seed`).
 */
import { Effect, Either } from "effect"
import { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
import { describeError } from "../../../core/errors.js"
import { runSimulation } from "../runSimulation.js"
import type { SimulationMetrics } from "../SimulationResult.js"
import { simulationOptionsFromParams } from "../simulationParams.js"
import type { Trace } from "../Trace.js"
import { loadTrace } from "../traces/loadTrace.js"
import { loadPlanetLab } from "../traces/planetLab.js"
import type { SweepJob } from "./SweepJob.js"
import { makeTraceCache } from "./traceCache.js"

const traces = makeTraceCache(
  (spec): Promise<Trace> =>
    Effect.runPromise(
      loadTrace(spec, { planetLab: loadPlanetLab }).pipe(Effect.mapError((error) => new Error(describeError(error))))
    )
)

export const runSimulationJob = async (job: SweepJob): Promise<SimulationMetrics> => {
  const trace = await traces(job.trace)
  // A user's algorithm (MODULE#EXPORT) is loaded once per worker thread, before its first job.
  await Effect.runPromise(
    preloadAlgorithmRefs(Object.values(job.params).filter((value) => typeof value === "string")).pipe(
      Effect.mapError((error) => new Error(describeError(error)))
    )
  )
  const options = simulationOptionsFromParams(job.policy, job.params, trace)
  if (Either.isLeft(options)) throw new Error(describeError(options.left))
  return runSimulation(options.right).metrics
}
