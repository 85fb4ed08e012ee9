/**
 * The default sweep runner: loads the job's trace in its VM order (cached per worker thread) and
 * simulates it with the job's policy and parameters (`overload` NAME[:PARAM], `selection`,
 * `hosts`, `seed`); the metrics carry the run's sampled timeline for the sweep report.
 */
import { Effect, Either } from "effect"
import { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
import { describeError } from "../../../core/errors.js"
import { sampleTimeline } from "../report/sampledTimeline.js"
import { runSimulation } from "../runSimulation.js"
import { simulationOptionsFromParams } from "../simulationParams.js"
import type { Trace } from "../Trace.js"
import { loadTrace } from "../traces/loadTrace.js"
import { loadPlanetLab } from "../traces/planetLab.js"
import type { SweepJob, SweepRunnerOutput } from "./SweepJob.js"
import { makeTraceCache } from "./traceCache.js"

/** The cache's key: the trace spec and the order file, as JSON. */
const traces = makeTraceCache((key): Promise<Trace> => {
  // JSON has no undefined: the default order comes back as null.
  const [spec = "", vmOrder] = JSON.parse(key) as [string, string | null]
  return Effect.runPromise(
    loadTrace(spec, { planetLab: loadPlanetLab, vmOrder: vmOrder ?? undefined }).pipe(
      Effect.mapError((error) => new Error(describeError(error)))
    )
  )
})

export const runSimulationJob = async (job: SweepJob): Promise<SweepRunnerOutput> => {
  if (job.vmOrder !== undefined && job.vmOrder.path === undefined) {
    throw new Error(`the job's VM order ${job.vmOrder.file} has no file to read`)
  }
  const trace = await traces(JSON.stringify([job.trace, job.vmOrder?.path]))
  // A user's algorithm (MODULE#EXPORT) is loaded once per worker thread, before its first job.
  await Effect.runPromise(
    preloadAlgorithmRefs(Object.values(job.params).filter((value) => typeof value === "string")).pipe(
      Effect.mapError((error) => new Error(describeError(error)))
    )
  )
  const options = simulationOptionsFromParams(job.policy, job.params, trace)
  if (Either.isLeft(options)) throw new Error(describeError(options.left))
  const result = runSimulation(options.right)
  return { ...result.metrics, timeline: sampleTimeline(result.timeline) }
}
