/**
 * Serialises reallocations: requests run one at a time, in arrival order, on one worker fiber. A
 * request for a host that is already queued or in progress joins that one and gets its outcome.
 */
import { Clock, Context, Deferred, Effect, Exit, Layer, Queue } from "effect"
import type { VmPlacer } from "../../algorithms/types.js"
import type { Cloud } from "../../core/Cloud.js"
import type { RecordedDecision } from "../../core/control/Decision.js"
import type { DecisionLog } from "../../core/control/DecisionLog.js"
import { type GlobalOptions, reallocate } from "../../core/control/Reallocate.js"
import type { ReallocationRequest } from "../../core/control/ReallocationRequest.js"
import { ServerMetrics } from "./ServerMetrics.js"

export interface QueuedOutcome {
  readonly decision: RecordedDecision
  /** True when the request joined one for the same host that was already queued or running. */
  readonly coalesced: boolean
}

export interface ReallocationQueueApi {
  /** Queues a request and waits for its decision. */
  readonly submit: (request: ReallocationRequest) => Effect.Effect<QueuedOutcome>
  /** Requests waiting or in progress. */
  readonly pending: Effect.Effect<number>
}

interface Job {
  readonly request: ReallocationRequest
  readonly receivedAtMs: number
  readonly done: Deferred.Deferred<RecordedDecision>
}

export class ReallocationQueue extends Context.Tag("neat/ReallocationQueue")<
  ReallocationQueue,
  ReallocationQueueApi
>() {
  /** The queue and its worker, which lives as long as the layer. */
  static readonly layer = (
    placer: VmPlacer,
    options: GlobalOptions
  ): Layer.Layer<ReallocationQueue, never, Cloud | DecisionLog | ServerMetrics> =>
    Layer.scoped(
      ReallocationQueue,
      Effect.gen(function* () {
        const metrics = yield* ServerMetrics
        const jobs = yield* Queue.unbounded<Job>()
        const byHost = new Map<string, Deferred.Deferred<RecordedDecision>>()
        let placerState = placer.initialState

        const work = Effect.gen(function* () {
          const job = yield* Queue.take(jobs)
          const exit = yield* Effect.exit(reallocate(job.request, placer, placerState, options, job.receivedAtMs))
          byHost.delete(job.request.host)
          yield* metrics.queueLength(byHost.size)
          if (Exit.isFailure(exit)) {
            // A defect (a bug in an algorithm or a cloud layer): the callers see it, the worker goes on.
            yield* Deferred.failCause(job.done, exit.cause)
            return
          }
          placerState = exit.value.placerState
          yield* metrics.decisionRecorded(exit.value.decision)
          yield* Deferred.succeed(job.done, exit.value.decision)
        })
        yield* Effect.forkScoped(Effect.forever(work))

        const submit = (request: ReallocationRequest): Effect.Effect<QueuedOutcome> =>
          Effect.gen(function* () {
            const existing = byHost.get(request.host)
            if (existing !== undefined) {
              yield* metrics.requestCoalesced
              return { decision: yield* Deferred.await(existing), coalesced: true }
            }
            const done = yield* Deferred.make<RecordedDecision>()
            const receivedAtMs = yield* Clock.currentTimeMillis
            // Registered and queued together, so no caller can wait on a job that never runs.
            yield* Effect.uninterruptible(
              Effect.suspend(() => {
                byHost.set(request.host, done)
                return Effect.zipRight(
                  metrics.queueLength(byHost.size),
                  Queue.offer(jobs, { request, receivedAtMs, done })
                )
              })
            )
            return { decision: yield* Deferred.await(done), coalesced: false }
          })
        return { submit, pending: Effect.sync(() => byHost.size) }
      })
    )
}
