/**
 * Serialises reallocations: requests run one at a time, in arrival order, on one worker fiber. A
 * request for a host that is already queued or in progress joins that one and gets its outcome.
 *
 * The worker checks each request against the snapshot it plans on (unknown host or VMs: rejected,
 * not recorded). With `snapshotMaxAgeSec` > 0 it reuses its last snapshot for that long, kept up to
 * date with its own executions and with fresh CPU histories of the VMs to place; with 0 (Neat's
 * behaviour) it reads the whole cloud for every request. Its first job settles what a crash left
 * unfinished (`reconcileAtStart`); requests arriving meanwhile wait behind it.
 */
import { Clock, Context, Deferred, Effect, Exit, FiberRef, Layer, LogLevel, Queue } from "effect"
import type { VmPlacer } from "../../algorithms/types.js"
import { Cloud, readVmCpuHistories } from "../../core/Cloud.js"
import { applyExecution, type CloudSnapshot, takeSnapshot, withVmHistories } from "../../core/control/CloudSnapshot.js"
import type { RecordedDecision } from "../../core/control/Decision.js"
import type { DecisionLog } from "../../core/control/DecisionLog.js"
import { staleReason } from "../../core/control/PendingPlan.js"
import { type EffectModel, noEffect as noPlanEffect, planEffect } from "../../core/control/PlanEffect.js"
import {
  type ControlMode,
  type GlobalOptions,
  type ReallocationResult,
  reallocate,
  reallocateOn
} from "../../core/control/Reallocate.js"
import type { ReallocationRequest } from "../../core/control/ReallocationRequest.js"
import { reconcileAtStart } from "../../core/control/Reconciliation.js"
import { hostIndex, hostView } from "../../core/control/SnapshotViews.js"
import type { CloudError } from "../../core/errors.js"
import type { Plan } from "../../core/Placement.js"
import { OperatorControls } from "./OperatorControls.js"
import { type BookedPlan, bookedPlanOf, PlanBook } from "./PlanBook.js"
import { ServerMetrics } from "./ServerMetrics.js"

export type QueueResult =
  | { readonly _tag: "Decided"; readonly decision: RecordedDecision }
  /** The request names a host or VMs the cloud does not have. */
  | { readonly _tag: "Rejected"; readonly message: string }
  /**
   * The store could not record the decision (id 0 from the decision log): the caller is told so
   * (503), never shown a decision that is not in the log, and no plan is booked for it.
   */
  | { readonly _tag: "Unrecorded"; readonly message: string }

export interface QueuedOutcome {
  readonly result: QueueResult
  /** True when the request joined one for the same host that was already queued or running. */
  readonly coalesced: boolean
  /** The id every log line of this reallocation carries (`request_id`). */
  readonly requestId: string
}

/** Called once with a queued request's outcome (a failure only for a defect in the worker). */
export type OutcomeCallback = (outcome: Exit.Exit<QueuedOutcome>) => void

export interface ReallocationQueueApi {
  /** Queues a request and waits for its outcome; `mode` overrides the deployment's for this request. */
  readonly submit: (request: ReallocationRequest, mode?: ControlMode) => Effect.Effect<QueuedOutcome>
  /**
   * `submit` as a plain call that reports through `onOutcome`, for code that answers outside a fiber
   * (the form fast path): no fiber waits for each queued request.
   */
  readonly unsafeSubmit: (
    request: ReallocationRequest,
    mode: ControlMode | undefined,
    onOutcome: OutcomeCallback
  ) => void
  /**
   * Runs `task` on the worker, between reallocations (approvals execute plans this way, so that
   * nothing else changes the cloud meanwhile).
   */
  readonly exclusive: <A>(task: Effect.Effect<A, never, Cloud | DecisionLog>) => Effect.Effect<A>
  /** Requests waiting or in progress. */
  readonly pending: Effect.Effect<number>
}

interface ReallocationJob {
  readonly _tag: "Reallocation"
  readonly request: ReallocationRequest
  readonly mode: ControlMode | undefined
  readonly requestId: string
  readonly receivedAtMs: number
  /** The submitter's callback, then those of the requests coalesced into this one. */
  readonly waiters: Array<OutcomeCallback>
}

type Job = ReallocationJob | { readonly _tag: "Task"; readonly run: Effect.Effect<void, never, Cloud | DecisionLog> }

/** Why the request cannot be handled on this snapshot, or undefined. */
export const rejectionOf = (snapshot: CloudSnapshot, request: ReallocationRequest): string | undefined => {
  if (hostIndex(snapshot, request.host) === undefined) return `unknown host: ${request.host}`
  if (request.reason === "overload") {
    const unknown = request.vmUuids.filter((uuid) => !snapshot.vms.has(uuid))
    if (unknown.length > 0) return `unknown VMs: ${unknown.join(", ")}`
  }
  return undefined
}

const vmsToPlace = (snapshot: CloudSnapshot, request: ReallocationRequest): ReadonlyArray<string> =>
  request.reason === "overload" ? request.vmUuids : (hostView(snapshot, request.host)?.host.vms ?? [])

/** The snapshot with fresh CPU histories (`n` samples) of the given VMs. */
const withFreshHistories = (
  snapshot: CloudSnapshot,
  uuids: ReadonlyArray<string>,
  n: number
): Effect.Effect<CloudSnapshot, CloudError, Cloud> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const known = uuids.filter((uuid) => snapshot.vms.has(uuid))
    if (known.length === 0) return snapshot
    return withVmHistories(snapshot, yield* readVmCpuHistories(cloud, known, n))
  })

/** How recommendations become plans: one per control interval, with its predicted effect. */
export interface PlanSettings {
  /** Seconds of one control interval. */
  readonly intervalSec: number
  /** Seconds a plan stays approvable (an older interval plan is not joined). */
  readonly maxAgeSec: number
  readonly effect: EffectModel
}

/** The cloud as `plan` would leave it, every action assumed to succeed. */
const afterPlan = (snapshot: CloudSnapshot, plan: Plan): CloudSnapshot =>
  applyExecution(snapshot, {
    woken: plan.wake,
    suspended: plan.suspend,
    migrations: plan.migrations.map((migration) => ({ _tag: "Migrated", migration }))
  })

/** The id the decision log answers when the store could not record a decision. */
const unrecordedId = 0

const unrecorded = (decision: RecordedDecision): QueueResult => {
  const ran =
    decision.execution.migrations.length + decision.execution.woken.length + decision.execution.suspended.length
  return {
    _tag: "Unrecorded",
    message:
      `the decision for ${decision.request.host} could not be recorded: the store is unavailable` +
      (decision.outcome === "recommended"
        ? "; no plan was kept: retry later"
        : ran > 0
          ? `; its ${ran} actions ran in the cloud (a retry finds them done)`
          : "; nothing was executed: retry later")
  }
}

/** One line per decision for operators: what was asked, what happened, how long it took. */
const logDecision = (decision: RecordedDecision) =>
  Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (minimum) => {
    // A recommendation is routine in recommend mode (one per interval and host): information, not a warning.
    const level =
      decision.outcome === "done" || decision.outcome === "skipped" || decision.outcome === "recommended"
        ? LogLevel.Info
        : LogLevel.Warning
    // The line is built only when the minimum level keeps it (a busy server decides thousands a second).
    return LogLevel.lessThan(level, minimum) ? Effect.void : logLine(decision, level)
  })

const logLine = (decision: RecordedDecision, level: LogLevel.LogLevel) => {
  const migrated = decision.execution.migrations.filter((outcome) => outcome._tag === "Migrated").length
  const failed = decision.execution.migrations.length - migrated
  const line =
    `decision ${decision.id}: ${decision.request.reason} of ${decision.request.host}: ${decision.outcome} ` +
    `(${decision.status}: ${decision.detail}); ${migrated} migrated, ${failed} failed, ` +
    `woken [${decision.execution.woken.join(", ")}], suspended [${decision.execution.suspended.join(", ")}], ` +
    `${decision.finishedAtMs - decision.startedAtMs} ms`
  return Effect.logWithLevel(level, line).pipe(Effect.annotateLogs({ service: "GlobalManager" }))
}

export class ReallocationQueue extends Context.Tag("neat/ReallocationQueue")<
  ReallocationQueue,
  ReallocationQueueApi
>() {
  /** The queue and its worker, which lives as long as the layer. */
  static readonly layer = (
    placer: VmPlacer,
    baseOptions: GlobalOptions,
    snapshotMaxAgeSec = 0,
    planSettings?: PlanSettings
  ): Layer.Layer<ReallocationQueue, never, Cloud | DecisionLog | ServerMetrics | OperatorControls | PlanBook> =>
    Layer.scoped(
      ReallocationQueue,
      Effect.gen(function* () {
        const metrics = yield* ServerMetrics
        const controls = yield* OperatorControls
        const book = yield* PlanBook
        const context = yield* Effect.context<Cloud | DecisionLog>()
        let sequence = 0
        const jobs = yield* Queue.unbounded<Job>()
        const byHost = new Map<string, ReallocationJob>()
        const clock = yield* Effect.clock
        let placerState = placer.initialState
        let cache: { snapshot: CloudSnapshot; readAtMs: number } | undefined

        /** A snapshot to plan on: the cached one while young enough, else a fresh read. */
        const snapshotFor = (request: ReallocationRequest, nowMs: number) =>
          Effect.gen(function* () {
            if (cache !== undefined && nowMs - cache.readAtMs <= snapshotMaxAgeSec * 1000) {
              const uuids = vmsToPlace(cache.snapshot, request)
              return yield* withFreshHistories(cache.snapshot, uuids, baseOptions.vmHistoryLength)
            }
            // A reading kept for several requests holds every VM's history: the fresh histories of
            // the VMs to place then usually equal it, and it serves them without a new snapshot.
            const fresh = yield* takeSnapshot(
              snapshotMaxAgeSec > 0
                ? { historyLength: baseOptions.vmHistoryLength, fullHistoryForAll: true }
                : request.reason === "overload"
                  ? { historyLength: baseOptions.vmHistoryLength, fullHistory: new Set(request.vmUuids) }
                  : { historyLength: baseOptions.vmHistoryLength, fullHistoryHost: request.host }
            )
            if (snapshotMaxAgeSec > 0) cache = { snapshot: fresh, readAtMs: nowMs }
            return fresh
          })

        /** The pending plan of the current interval a request from `host` joins, unless it no longer holds. */
        const intervalPlan = (host: string, reading: CloudSnapshot) =>
          Effect.gen(function* () {
            if (planSettings === undefined) return undefined
            const nowMs = yield* Clock.currentTimeMillis
            const plan: BookedPlan | undefined = yield* book.intervalPlan(host, nowMs, planSettings.intervalSec)
            if (plan === undefined) return undefined
            const stale = staleReason(plan.fingerprint, plan.createdAtMs, reading, nowMs, planSettings.maxAgeSec)
            if (stale === undefined) return plan
            yield* book.resolve(plan.id, "expired", stale)
            return undefined
          })

        const handle = (job: ReallocationJob) =>
          Effect.gen(function* () {
            if (LogLevel.lessThanEqual(yield* FiberRef.get(FiberRef.currentMinimumLogLevel), LogLevel.Debug)) {
              yield* Effect.logDebug(`received: ${job.request.reason} of ${job.request.host}`).pipe(
                Effect.annotateLogs({ step: "receive" })
              )
            }
            const nowMs = yield* Clock.currentTimeMillis
            const options = {
              ...baseOptions,
              mode: job.mode ?? (yield* controls.mode),
              policy: yield* controls.policy,
              recentMigrations: yield* controls.recentMigrations(nowMs)
            }
            const t0 = yield* Clock.currentTimeNanos
            const snapshot = yield* Effect.either(snapshotFor(job.request, yield* Clock.currentTimeMillis))
            const t1 = yield* Clock.currentTimeNanos
            let result: ReallocationResult
            if (snapshot._tag === "Left") {
              // The cloud cannot be read: `reallocate` tries once more and records the failure.
              cache = undefined
              result = yield* reallocate(job.request, placer, placerState, options, job.receivedAtMs)
            } else {
              let reading = snapshot.right
              if (rejectionOf(reading, job.request) !== undefined && cache !== undefined) {
                // The reused reading may predate the host or VMs: read the cloud before refusing.
                cache = undefined
                const fresh = yield* Effect.either(snapshotFor(job.request, yield* Clock.currentTimeMillis))
                if (fresh._tag === "Right") reading = fresh.right
              }
              const rejected = rejectionOf(reading, job.request)
              if (rejected !== undefined) return { _tag: "Rejected" as const, message: rejected }
              const snapshotMs = Number(t1 - t0) / 1e6
              // In recommend mode a request joins its interval's plan: it is planned on the cloud as
              // that plan would leave it, so that the merged plan holds together.
              const into = options.mode === "recommend" ? yield* intervalPlan(job.request.host, reading) : undefined
              result = yield* reallocateOn(
                into === undefined ? reading : afterPlan(reading, bookedPlanOf(into)),
                job.request,
                placer,
                placerState,
                options,
                job.receivedAtMs,
                snapshotMs
              )
              // A recommendation executes nothing: the reading stays as the cloud is.
              if (options.mode !== "recommend" && cache !== undefined && result.snapshot !== undefined) {
                cache.snapshot = result.snapshot
              }
              if (result.decision.outcome === "recommended" && result.decision.id !== unrecordedId) {
                const effect = planSettings?.effect
                yield* book.add(
                  result.decision,
                  reading,
                  yield* Clock.currentTimeMillis,
                  (plan) => (effect === undefined ? noPlanEffect : planEffect(reading, plan, effect)),
                  into
                )
              }
            }
            placerState = result.placerState
            yield* decided(result.decision)
            if (result.decision.id === unrecordedId) return unrecorded(result.decision)
            return { _tag: "Decided" as const, decision: result.decision }
          }).pipe(Effect.annotateLogs({ request_id: job.requestId }))

        /** Metrics, the migration cap's count and the log line of a recorded decision. */
        const decided = (decision: RecordedDecision) =>
          Effect.gen(function* () {
            const migrated = decision.execution.migrations.filter((outcome) => outcome._tag === "Migrated").length
            if (migrated > 0) yield* controls.migrationsDone(migrated, decision.finishedAtMs)
            yield* metrics.decisionRecorded(decision)
            yield* logDecision(decision)
          })

        const work = Effect.gen(function* () {
          const job = yield* Queue.take(jobs)
          if (job._tag === "Task") {
            // The task's own caller waits for it; a change of the cloud invalidates the cached reading.
            cache = undefined
            yield* job.run
            return
          }
          const exit = yield* Effect.exit(handle(job))
          byHost.delete(job.request.host)
          metrics.unsafeQueueLength(byHost.size)
          // A defect (a bug in an algorithm or a cloud layer) reaches the callers; the worker goes on.
          if (Exit.isFailure(exit)) cache = undefined
          const outcome = Exit.map(exit, (result) => ({ result, coalesced: false, requestId: job.requestId }))
          for (const waiter of job.waiters) waiter(outcome)
        })
        // Before any request: settle what a crash left unfinished (the intent log's pending actions).
        jobs.unsafeOffer({ _tag: "Task", run: Effect.asVoid(reconcileAtStart) })
        yield* Effect.forkScoped(Effect.forever(work))

        const unsafeSubmit = (
          request: ReallocationRequest,
          mode: ControlMode | undefined,
          onOutcome: OutcomeCallback
        ): void => {
          const existing = byHost.get(request.host)
          if (existing !== undefined) {
            metrics.unsafeRequestCoalesced()
            existing.waiters.push((outcome) =>
              onOutcome(Exit.map(outcome, (queued) => ({ ...queued, coalesced: true })))
            )
            return
          }
          const receivedAtMs = clock.unsafeCurrentTimeMillis()
          const requestId = `${receivedAtMs.toString(36)}-${(++sequence).toString(36)}`
          const job: ReallocationJob = {
            _tag: "Reallocation",
            request,
            mode,
            requestId,
            receivedAtMs,
            waiters: [onOutcome]
          }
          byHost.set(request.host, job)
          metrics.unsafeQueueLength(byHost.size)
          jobs.unsafeOffer(job)
        }

        const submit = (request: ReallocationRequest, mode?: ControlMode): Effect.Effect<QueuedOutcome> =>
          Effect.async<QueuedOutcome>((resume) => unsafeSubmit(request, mode, resume))

        const exclusive = <A>(task: Effect.Effect<A, never, Cloud | DecisionLog>): Effect.Effect<A> =>
          Effect.gen(function* () {
            const done = yield* Deferred.make<A>()
            const run = Effect.flatMap(Effect.exit(task), (exit) => Deferred.done(done, exit))
            yield* Queue.offer(jobs, { _tag: "Task", run: Effect.asVoid(run) })
            return yield* Deferred.await(done)
          }).pipe(Effect.provide(context))
        return { submit, unsafeSubmit, exclusive, pending: Effect.sync(() => byHost.size) }
      })
    )
}
