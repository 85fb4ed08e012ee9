/**
 * The default sweep runner: loads the job's trace in its VM order (cached per worker thread) and
 * simulates it with the job's policy and parameters (`overload` NAME[:PARAM], `selection`,
 * `hosts`, `seed`) on the job's hosts (its hosts file's machines, when it has one); the metrics
 * carry the run's sampled timeline for the sweep report, and the VMs refused when its VMs come and go.
 */
import { Effect, Either } from "effect"
import { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
import { describeError } from "../../../core/errors.js"
import { fleetHostTypeOf, type HostFleet } from "../HostsFile.js"
import { sampleTimeline } from "../report/sampledTimeline.js"
import { runSimulation } from "../runSimulation.js"
import { simulationOptionsFromParams } from "../simulationParams.js"
import type { Trace } from "../Trace.js"
import { loadTrace } from "../traces/loadTrace.js"
import { loadPlanetLab } from "../traces/planetLab.js"
import type { SweepJob, SweepRunnerOutput } from "./SweepJob.js"
import { jobArrivals } from "./sweepArrivals.js"
import { loadJobHostsFile } from "./sweepHosts.js"
import { makeTraceCache } from "./traceCache.js"

/** The cache's key: the trace spec, the order file and the arrivals, as JSON. */
const traces = makeTraceCache((key): Promise<Trace> => {
  // JSON has no undefined: the default order and no arrivals come back as null.
  const [spec = "", vmOrder, arrivals] = JSON.parse(key) as [string, string | null, string | null]
  return Effect.runPromise(
    loadTrace(spec, {
      planetLab: loadPlanetLab,
      vmOrder: vmOrder ?? undefined,
      arrivals: jobArrivals(arrivals ?? undefined)
    }).pipe(Effect.mapError((error) => new Error(describeError(error))))
  )
})

/** The hosts files, cached by `[path, file, sha256, hosts]` as JSON: a sweep has one. */
const fleets = makeTraceCache((key): Promise<HostFleet> => {
  const [path, file, sha256, hosts] = JSON.parse(key) as [string, string, string, number]
  return Effect.runPromise(
    loadJobHostsFile({ path, file, sha256, hosts }).pipe(Effect.mapError((error) => new Error(describeError(error))))
  )
})

export const runSimulationJob = async (job: SweepJob): Promise<SweepRunnerOutput> => {
  if (job.vmOrder !== undefined && job.vmOrder.path === undefined) {
    throw new Error(`the job's VM order ${job.vmOrder.file} has no file to read`)
  }
  const trace = await traces(JSON.stringify([job.trace, job.vmOrder?.path ?? null, job.arrivals ?? null]))
  // A user's algorithm (MODULE#EXPORT) is loaded once per worker thread, before its first job.
  await Effect.runPromise(
    preloadAlgorithmRefs(Object.values(job.params).filter((value) => typeof value === "string")).pipe(
      Effect.mapError((error) => new Error(describeError(error)))
    )
  )
  const options = simulationOptionsFromParams(job.policy, job.params, trace)
  if (Either.isLeft(options)) throw new Error(describeError(options.left))
  const hosts = job.hostsFile
  const fleet =
    hosts === undefined ? undefined : await fleets(JSON.stringify([hosts.path, hosts.file, hosts.sha256, hosts.hosts]))
  const result = runSimulation(
    fleet === undefined || hosts === undefined
      ? options.right
      : { ...options.right, hosts: hosts.hosts, hostTypes: fleet.types, hostTypeOf: fleetHostTypeOf(fleet) }
  )
  return { ...result.metrics, timeline: sampleTimeline(result.timeline) }
}
