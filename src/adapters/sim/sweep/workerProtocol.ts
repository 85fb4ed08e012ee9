/** Messages between the sweep's main thread and its worker threads. */
import type { SimulationMetrics } from "../SimulationResult.js"
import type { RunnerRef, SweepJob } from "./SweepJob.js"

/** What a worker is started with. */
export type WorkerData = RunnerRef

export type ToWorker = { readonly type: "run"; readonly job: SweepJob }

export type FromWorker =
  | { readonly type: "ready" }
  /** The runner could not be loaded: no job can run. */
  | { readonly type: "fatal"; readonly message: string }
  | { readonly type: "done"; readonly key: string; readonly metrics: SimulationMetrics }
  | { readonly type: "failed"; readonly key: string; readonly message: string }
