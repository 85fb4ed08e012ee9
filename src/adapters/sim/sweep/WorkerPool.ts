/**
 * A fixed pool of worker threads running sweep jobs: each worker takes the next job as soon as it
 * finishes one. A worker that dies fails its job and is replaced; a runner that cannot be loaded
 * stops the whole run.
 */
import { Worker } from "node:worker_threads"
import type { SimulationMetrics } from "../SimulationResult.js"
import type { SweepJob } from "./SweepJob.js"
import type { WorkerEntry } from "./workerBundle.js"
import type { FromWorker, ToWorker } from "./workerProtocol.js"

export interface PoolHandlers {
  readonly onDone: (job: SweepJob, metrics: SimulationMetrics) => Promise<void>
  readonly onFailed: (job: SweepJob, message: string) => Promise<void>
}

/** The runner module could not be loaded in a worker. */
export class RunnerLoadError extends Error {}

export class WorkerPool {
  private readonly workers = new Set<Worker>()
  private closed = false

  /**
   * @param entry what the workers start from and the runner they load (`prepareWorkerEntry`)
   * @param jobTimeoutSec a job running longer is failed and its worker replaced (none by default)
   */
  constructor(
    private readonly entry: WorkerEntry,
    private readonly size: number,
    private readonly jobTimeoutSec?: number | undefined
  ) {}

  /** Runs every job; resolves once all are done or failed and their handlers have finished. */
  run(jobs: ReadonlyArray<SweepJob>, handlers: PoolHandlers): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let next = 0
      let settled = 0
      let stopped = false
      // Handlers run one after another, in completion order (e.g. store writes).
      let handled: Promise<void> = Promise.resolve()
      const handle = (action: () => Promise<void>) => {
        handled = handled.then(action)
        handled.catch((error: unknown) => stop(error))
      }
      const stop = (error: unknown) => {
        if (stopped) return
        stopped = true
        reject(error)
      }
      const finishOne = () => {
        settled++
        if (settled === jobs.length) handled.then(resolve, stop)
      }
      if (jobs.length === 0) {
        resolve()
        return
      }

      const start = () => {
        if (this.closed || stopped) return
        const { entry, runner, execArgv } = this.entry
        const worker = new Worker(
          entry,
          execArgv === undefined ? { workerData: runner } : { workerData: runner, execArgv: [...execArgv] }
        )
        this.workers.add(worker)
        let current: SweepJob | undefined
        let ready = false
        let timer: ReturnType<typeof setTimeout> | undefined
        let timedOut: string | undefined
        const give = () => {
          const job = jobs[next]
          if (job === undefined || stopped) {
            current = undefined
            this.retire(worker)
            return
          }
          next++
          current = job
          const message: ToWorker = { type: "run", job }
          worker.postMessage(message)
          if (this.jobTimeoutSec !== undefined) {
            const limit = this.jobTimeoutSec
            timer = setTimeout(() => {
              timedOut = `the job took longer than ${limit} s`
              void worker.terminate()
            }, limit * 1000)
          }
        }
        worker.on("message", (message: FromWorker) => {
          switch (message.type) {
            case "ready":
              ready = true
              give()
              return
            case "fatal":
              stop(new RunnerLoadError(message.message))
              return
            case "done":
            case "failed": {
              const job = current
              // After a time-out the worker is being stopped: its job fails when it exits.
              if (job === undefined || job.key !== message.key || timedOut !== undefined) return
              current = undefined
              clearTimeout(timer)
              if (message.type === "done") handle(() => handlers.onDone(job, message.metrics))
              else handle(() => handlers.onFailed(job, message.message))
              finishOne()
              give()
              return
            }
          }
        })
        const lost = (reason: string) => {
          clearTimeout(timer)
          this.workers.delete(worker)
          // A worker that cannot even start would fail every job the same way.
          if (!ready && !this.closed) {
            stop(new RunnerLoadError(`a worker failed to start: ${reason}`))
            return
          }
          const job = current
          current = undefined
          if (job === undefined || stopped || this.closed) return
          handle(() => handlers.onFailed(job, reason))
          finishOne()
          start()
        }
        worker.on("error", (error) => lost(`the worker crashed: ${error.message}`))
        worker.on("exit", (code) => {
          if (code !== 0) lost(timedOut ?? `the worker exited with code ${code}`)
          else this.workers.delete(worker)
        })
      }
      for (let i = 0; i < Math.min(this.size, jobs.length); i++) start()
    })
  }

  private retire(worker: Worker): void {
    this.workers.delete(worker)
    void worker.terminate()
  }

  /** Stops every worker (jobs in flight are abandoned; their results are not saved). */
  async terminate(): Promise<void> {
    this.closed = true
    const workers = [...this.workers]
    this.workers.clear()
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}
