/**
 * Serialises reallocations: requests run one at a time, in arrival order, on one worker fiber. A
 * request for a host that is already queued or in progress joins that one and gets its outcome.
 *
 * The worker checks each request against the snapshot it plans on (unknown host or VMs: rejected,
 * not recorded). With `snapshotMaxAgeSec` > 0 it reuses its last snapshot for that long, kept up to
 * date with its own executions and with fresh CPU histories of the VMs to place; with 0 (Neat's
 * behaviour) it reads the whole cloud for every request.
 */
import { Clock, Context, Deferred, Effect, Exit, Layer, Queue } from "effect"
import type { VmPlacer } from "../../algorithms/types.js"
import { Cloud } from "../../core/Cloud.js"
import { type CloudSnapshot, takeSnapshot } from "../../core/control/CloudSnapshot.js"
import type { RecordedDecision } from "../../core/control/Decision.js"
import type { DecisionLog } from "../../core/control/DecisionLog.js"
import { type GlobalOptions, type ReallocationResult, reallocate, reallocateOn } from "../../core/control/Reallocate.js"
import type { ReallocationRequest } from "../../core/control/ReallocationRequest.js"
import type { CloudError } from "../../core/errors.js"
import { ServerMetrics } from "./ServerMetrics.js"

export type QueueResult =
  | { readonly _tag: "Decided"; readonly decision: RecordedDecision }
  /** The request names a host or VMs the cloud does not have. */
  | { readonly _tag: "Rejected"; readonly message: string }

export interface QueuedOutcome {
  readonly result: QueueResult
  /** True when the request joined one for the same host that was already queued or running. */
  readonly coalesced: boolean
}

export interface ReallocationQueueApi {
  /** Queues a request and waits for its outcome. */
  readonly submit: (request: ReallocationRequest) => Effect.Effect<QueuedOutcome>
  /** Requests waiting or in progress. */
  readonly pending: Effect.Effect<number>
}

interface Job {
  readonly request: ReallocationRequest
  readonly receivedAtMs: number
  readonly done: Deferred.Deferred<QueueResult>
}

/** Why the request cannot be handled on this snapshot, or undefined. */
export const rejectionOf = (snapshot: CloudSnapshot, request: ReallocationRequest): string | undefined => {
  if (!snapshot.hosts.some((host) => host.name === request.host)) return `unknown host: ${request.host}`
  if (request.reason === "overload") {
    const unknown = request.vmUuids.filter((uuid) => !snapshot.vms.has(uuid))
    if (unknown.length > 0) return `unknown VMs: ${unknown.join(", ")}`
  }
  return undefined
}

const vmsToPlace = (snapshot: CloudSnapshot, request: ReallocationRequest): ReadonlyArray<string> =>
  request.reason === "overload"
    ? request.vmUuids
    : (snapshot.hosts.find((host) => host.name === request.host)?.vms ?? [])

/** The snapshot with fresh CPU histories (`n` samples) of the given VMs. */
const withFreshHistories = (
  snapshot: CloudSnapshot,
  uuids: ReadonlyArray<string>,
  n: number
): Effect.Effect<CloudSnapshot, CloudError, Cloud> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const vmCpuMhz = new Map(snapshot.vmCpuMhz)
    for (const uuid of uuids) if (snapshot.vms.has(uuid)) vmCpuMhz.set(uuid, yield* cloud.vmCpuHistory(uuid, n))
    return { ...snapshot, vmCpuMhz }
  })

/** One line per decision for operators: what was asked, what happened, how long it took. */
const logDecision = (decision: RecordedDecision) => {
  const migrated = decision.execution.migrations.filter((outcome) => outcome._tag === "Migrated").length
  const failed = decision.execution.migrations.length - migrated
  const line =
    `decision ${decision.id}: ${decision.request.reason} of ${decision.request.host}: ${decision.outcome} ` +
    `(${decision.status}: ${decision.detail}); ${migrated} migrated, ${failed} failed, ` +
    `woken [${decision.execution.woken.join(", ")}], suspended [${decision.execution.suspended.join(", ")}], ` +
    `${decision.finishedAtMs - decision.startedAtMs} ms`
  const log = decision.outcome === "done" || decision.outcome === "skipped" ? Effect.logInfo : Effect.logWarning
  return log(line).pipe(Effect.annotateLogs({ service: "GlobalManager" }))
}

export class ReallocationQueue extends Context.Tag("neat/ReallocationQueue")<
  ReallocationQueue,
  ReallocationQueueApi
>() {
  /** The queue and its worker, which lives as long as the layer. */
  static readonly layer = (
    placer: VmPlacer,
    options: GlobalOptions,
    snapshotMaxAgeSec = 0
  ): Layer.Layer<ReallocationQueue, never, Cloud | DecisionLog | ServerMetrics> =>
    Layer.scoped(
      ReallocationQueue,
      Effect.gen(function* () {
        const metrics = yield* ServerMetrics
        const jobs = yield* Queue.unbounded<Job>()
        const byHost = new Map<string, Deferred.Deferred<QueueResult>>()
        let placerState = placer.initialState
        let cache: { snapshot: CloudSnapshot; readAtMs: number } | undefined

        /** A snapshot to plan on: the cached one while young enough, else a fresh read. */
        const snapshotFor = (request: ReallocationRequest, nowMs: number) =>
          Effect.gen(function* () {
            if (cache !== undefined && nowMs - cache.readAtMs <= snapshotMaxAgeSec * 1000) {
              const uuids = vmsToPlace(cache.snapshot, request)
              return yield* withFreshHistories(cache.snapshot, uuids, options.vmHistoryLength)
            }
            const fresh = yield* takeSnapshot(
              request.reason === "overload"
                ? { historyLength: options.vmHistoryLength, fullHistory: new Set(request.vmUuids) }
                : { historyLength: options.vmHistoryLength, fullHistoryHost: request.host }
            )
            if (snapshotMaxAgeSec > 0) cache = { snapshot: fresh, readAtMs: nowMs }
            return fresh
          })

        const handle = (job: Job) =>
          Effect.gen(function* () {
            const t0 = yield* Clock.currentTimeNanos
            const snapshot = yield* Effect.either(snapshotFor(job.request, yield* Clock.currentTimeMillis))
            const t1 = yield* Clock.currentTimeNanos
            let result: ReallocationResult
            if (snapshot._tag === "Left") {
              // The cloud cannot be read: `reallocate` tries once more and records the failure.
              cache = undefined
              result = yield* reallocate(job.request, placer, placerState, options, job.receivedAtMs)
            } else {
              const rejected = rejectionOf(snapshot.right, job.request)
              if (rejected !== undefined) return { _tag: "Rejected" as const, message: rejected }
              const snapshotMs = Number(t1 - t0) / 1e6
              result = yield* reallocateOn(
                snapshot.right,
                job.request,
                placer,
                placerState,
                options,
                job.receivedAtMs,
                snapshotMs
              )
              if (cache !== undefined && result.snapshot !== undefined) cache.snapshot = result.snapshot
            }
            placerState = result.placerState
            yield* metrics.decisionRecorded(result.decision)
            yield* logDecision(result.decision)
            return { _tag: "Decided" as const, decision: result.decision }
          })

        const work = Effect.gen(function* () {
          const job = yield* Queue.take(jobs)
          const exit = yield* Effect.exit(handle(job))
          byHost.delete(job.request.host)
          yield* metrics.queueLength(byHost.size)
          // A defect (a bug in an algorithm or a cloud layer) reaches the callers; the worker goes on.
          if (Exit.isFailure(exit)) {
            cache = undefined
            yield* Deferred.failCause(job.done, exit.cause)
          } else yield* Deferred.succeed(job.done, exit.value)
        })
        yield* Effect.forkScoped(Effect.forever(work))

        const submit = (request: ReallocationRequest): Effect.Effect<QueuedOutcome> =>
          Effect.gen(function* () {
            const existing = byHost.get(request.host)
            if (existing !== undefined) {
              yield* metrics.requestCoalesced
              return { result: yield* Deferred.await(existing), coalesced: true }
            }
            const done = yield* Deferred.make<QueueResult>()
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
            return { result: yield* Deferred.await(done), coalesced: false }
          })
        return { submit, pending: Effect.sync(() => byHost.size) }
      })
    )
}
