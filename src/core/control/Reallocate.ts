/**
 * One reallocation from start to end, as the global manager handles a request: read the cloud,
 * plan, execute, and record the decision, the migrations and the host power changes. Never fails:
 * a cloud that cannot be read gives a `failed` decision.
 */

import { Clock, Context, DefaultServices, Effect, FiberRef, LogLevel } from "effect"
import type { VmPlacer } from "../../algorithms/types.js"
import type { Cloud } from "../Cloud.js"
import { describeError } from "../errors.js"
import { emptyPlan } from "../Placement.js"
import { applyExecution, type CloudSnapshot, takeSnapshot } from "./CloudSnapshot.js"
import { type Decision, type RecordedDecision, withId } from "./Decision.js"
import { DecisionLog, type DecisionLogApi } from "./DecisionLog.js"
import { outsideMaintenance, outsideMaintenanceDetail } from "./DisruptionSchedule.js"
import { type PlanningOptions, type PlanningResult, planReallocation } from "./GlobalPlanning.js"
import { type OperatorPolicy, untouchableHosts } from "./OperatorPolicy.js"
import { emptyOutcome, outcomeSucceeded, type PlanOutcome } from "./PlanExecution.js"
import { applyPolicy } from "./PlanPolicy.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"
import { executeRecorded } from "./RecordedExecution.js"

export { recordExecution } from "./RecordExecution.js"

/** `auto` executes every plan; `recommend` records it (outcome `recommended`) and executes nothing. */
export type ControlMode = "auto" | "recommend"

export interface GlobalOptions extends PlanningOptions {
  /** CPU samples of each VM handed to the placement (Neat's `data_collector_data_length`). */
  readonly vmHistoryLength: number
  /** Defaults to `auto`. */
  readonly mode?: ControlMode | undefined
  /** The operator's rules applied to every plan (none when absent). */
  readonly policy?: OperatorPolicy | undefined
  /** Migrations executed within the policy's cap window before this request. */
  readonly recentMigrations?: number | undefined
}

export interface ReallocationResult {
  readonly decision: RecordedDecision
  readonly placerState: unknown
  /** The snapshot with the executed plan applied (the input snapshot when nothing was read). */
  readonly snapshot: CloudSnapshot | undefined
}

const elapsedMs = (fromNanos: bigint, toNanos: bigint): number => Number(toNanos - fromNanos) / 1e6

/** Handles one request on a fresh snapshot of the cloud; `receivedAtMs` is when it arrived (defaults to now). */
export const reallocate = (
  request: ReallocationRequest,
  placer: VmPlacer,
  placerState: unknown,
  options: GlobalOptions,
  receivedAtMs?: number
): Effect.Effect<ReallocationResult, never, Cloud | DecisionLog> =>
  Effect.gen(function* () {
    const t0 = yield* Clock.currentTimeNanos
    const snapshot = yield* Effect.either(
      takeSnapshot(
        request.reason === "overload"
          ? { historyLength: options.vmHistoryLength, fullHistory: new Set(request.vmUuids) }
          : { historyLength: options.vmHistoryLength, fullHistoryHost: request.host }
      )
    )
    const t1 = yield* Clock.currentTimeNanos
    if (snapshot._tag === "Right") {
      return yield* reallocateOn(snapshot.right, request, placer, placerState, options, receivedAtMs, elapsedMs(t0, t1))
    }
    const log = yield* DecisionLog
    const nowMs = yield* Clock.currentTimeMillis
    const decision: Decision = {
      request,
      receivedAtMs: receivedAtMs ?? nowMs,
      startedAtMs: nowMs,
      outcome: "failed",
      status: "cloudError",
      detail: describeError(snapshot.left),
      inputs: { activeHosts: 0, inactiveHosts: 0, vmsToPlace: [] },
      placement: {},
      plan: emptyPlan,
      execution: emptyOutcome,
      finishedAtMs: nowMs,
      timings: { snapshotMs: elapsedMs(t0, t1), placementMs: 0, executionMs: 0 }
    }
    const id = yield* log.insertDecision(decision)
    return { decision: { ...decision, id }, placerState, snapshot: undefined }
  })

/**
 * Handles one request on a snapshot already read (the control step reads the cloud once per
 * round); returns the snapshot with the executed plan applied. `snapshotMs` is the time the caller
 * spent reading it.
 */
export const reallocateOn = (
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  placer: VmPlacer,
  placerState: unknown,
  options: GlobalOptions,
  receivedAtMs?: number,
  snapshotMs = 0
): Effect.Effect<ReallocationResult, never, Cloud | DecisionLog> =>
  Effect.flatMap(DecisionLog, (log) =>
    Effect.flatMap(fiberSettings, (settings) => {
      const handled = handle(settings, snapshot, request, placer, placerState, options, receivedAtMs, snapshotMs)
      return Effect.isEffect(handled) ? handled : stored(log, handled.decision, handled.placerState, snapshot)
    })
  )

export interface ReallocationsResult {
  /** One recorded decision per request, in order. */
  readonly decisions: ReadonlyArray<RecordedDecision>
  readonly placerState: unknown
  /** The snapshot with every executed plan applied. */
  readonly snapshot: CloudSnapshot
}

/**
 * `reallocateOn` for each request in turn, each planned on the snapshot the ones before it left.
 * A round can hold thousands of requests, nearly all planned to nothing: their decisions are
 * stored together (`DecisionLogApi.insertDecisions`) before the next plan that executes, so the
 * log sees the same records in the same order.
 */
export const reallocateAllOn = (
  snapshot: CloudSnapshot,
  requests: ReadonlyArray<ReallocationRequest>,
  placer: VmPlacer,
  placerState: unknown,
  options: GlobalOptions
): Effect.Effect<ReallocationsResult, never, Cloud | DecisionLog> =>
  Effect.gen(function* () {
    const log = yield* DecisionLog
    const settings = yield* fiberSettings
    const decisions: Array<RecordedDecision> = []
    let pending: Array<Decision> = []
    const flush = Effect.suspend(() => {
      const batch = pending
      pending = []
      return Effect.map(insertDecisions(log, batch), (ids) => {
        for (let i = 0; i < batch.length; i++) decisions.push(withId(batch[i]!, ids[i]!))
      })
    })
    let state = placerState
    let current = snapshot
    for (const request of requests) {
      const handled = handle(settings, current, request, placer, state, options, undefined, 0)
      if (!Effect.isEffect(handled)) {
        pending.push(handled.decision)
        state = handled.placerState
        continue
      }
      if (pending.length > 0) yield* flush
      const result = yield* handled
      decisions.push(result.decision)
      state = result.placerState
      current = result.snapshot ?? current
    }
    if (pending.length > 0) yield* flush
    return { decisions, placerState: state, snapshot: current }
  })

/** Stores decisions in order through the log's batched insert when it has one. */
const insertDecisions = (log: DecisionLogApi, batch: ReadonlyArray<Decision>): Effect.Effect<ReadonlyArray<number>> =>
  log.insertDecisions !== undefined
    ? log.insertDecisions(batch)
    : Effect.forEach(batch, (decision) => log.insertDecision(decision))

/** What a reallocation reads from its fiber once: the clock and whether debug logs are on. */
interface FiberSettings {
  readonly clock: Clock.Clock
  readonly debug: boolean
}

const fiberSettings: Effect.Effect<FiberSettings> = Effect.withFiberRuntime((fiber) =>
  Effect.succeed({
    clock: Context.get(fiber.getFiberRef(DefaultServices.currentServices), Clock.Clock),
    debug: LogLevel.lessThanEqual(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), LogLevel.Debug)
  })
)

/**
 * Plans one request. A decision that executes nothing (nearly all of them) comes back as plain
 * data, to be stored; a plan to execute, or debug logging, comes back as the Effect that does the
 * rest and stores the decision.
 */
const handle = (
  settings: FiberSettings,
  snapshot: CloudSnapshot,
  request: ReallocationRequest,
  placer: VmPlacer,
  placerState: unknown,
  options: GlobalOptions,
  receivedAtMs: number | undefined,
  snapshotMs: number
):
  | { readonly decision: Decision; readonly placerState: unknown }
  | Effect.Effect<ReallocationResult, never, Cloud | DecisionLog> => {
  const { clock, debug } = settings
  const startedAtMs = clock.unsafeCurrentTimeMillis()
  const received = receivedAtMs ?? startedAtMs
  const t2 = clock.unsafeCurrentTimeNanos()
  const policy = options.policy
  const planningOptions = policy === undefined ? options : { ...options, untouchableHosts: untouchableHosts(policy) }
  // Planning is pure and synchronous; a thrown error is the placement algorithm's failure.
  let planned: PlanningResult
  try {
    const raw = planReallocation(snapshot, request, placer, placerState, planningOptions)
    planned =
      policy === undefined
        ? raw
        : applyPolicy(snapshot, request, raw, policy, options.recentMigrations ?? 0, startedAtMs)
  } catch (cause) {
    const t3 = clock.unsafeCurrentTimeNanos()
    const decision: Decision = {
      request,
      receivedAtMs: received,
      startedAtMs,
      outcome: "failed",
      status: "placementError",
      detail: `the placement algorithm failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      inputs: { activeHosts: 0, inactiveHosts: 0, vmsToPlace: [] },
      placement: {},
      plan: emptyPlan,
      execution: emptyOutcome,
      finishedAtMs: clock.unsafeCurrentTimeMillis(),
      timings: { snapshotMs, placementMs: elapsedMs(t2, t3), executionMs: 0 }
    }
    return { decision, placerState }
  }
  const t3 = clock.unsafeCurrentTimeNanos()
  const hasWork = planned.plan.migrations.length + planned.plan.wake.length + planned.plan.suspend.length > 0
  // Outside the maintenance windows (when some are defined) a plan is only recommended.
  const schedule = policy?.schedule
  const closed =
    hasWork && options.mode !== "recommend" && schedule !== undefined && outsideMaintenance(schedule, startedAtMs)
  if (closed) planned = { ...planned, detail: `${planned.detail}; ${outsideMaintenanceDetail(schedule, startedAtMs)}` }
  const recommendOnly = hasWork && (options.mode === "recommend" || closed)
  const executes = hasWork && !recommendOnly
  const decided = (execution: PlanOutcome, t4: bigint): Decision => ({
    request,
    receivedAtMs: received,
    startedAtMs,
    outcome: recommendOnly
      ? "recommended"
      : planned.status !== "planned" && !hasWork
        ? "skipped"
        : outcomeSucceeded(execution)
          ? "done"
          : "partial",
    status: planned.status,
    detail: planned.detail,
    inputs: planned.inputs,
    placement: planned.placement,
    plan: planned.plan,
    execution,
    finishedAtMs: clock.unsafeCurrentTimeMillis(),
    timings: { snapshotMs, placementMs: elapsedMs(t2, t3), executionMs: elapsedMs(t3, t4) }
  })
  if (!executes && !debug) {
    return { decision: decided(emptyOutcome, clock.unsafeCurrentTimeNanos()), placerState: planned.placerState }
  }
  return Effect.gen(function* () {
    // Annotating a log costs even when the level drops it, hence the check.
    if (debug) {
      yield* Effect.logDebug(`planned: ${planned.status}: ${planned.detail}`).pipe(
        Effect.annotateLogs({ step: "plan", migrations: planned.plan.migrations.length })
      )
    }
    if (!executes) {
      return yield* stored(yield* DecisionLog, decided(emptyOutcome, t3), planned.placerState, snapshot)
    }
    let t4 = t3
    const { decision, executed } = yield* executeRecorded(planned.plan, (execution) => {
      t4 = clock.unsafeCurrentTimeNanos()
      return decided(execution, t4)
    })
    if (!executed) return { decision, placerState, snapshot }
    if (debug) {
      yield* Effect.logDebug(`executed in ${elapsedMs(t3, t4).toFixed(1)} ms`).pipe(
        Effect.annotateLogs({ step: "execute" })
      )
    }
    return { decision, placerState: planned.placerState, snapshot: applyExecution(snapshot, decision.execution) }
  })
}

/** Inserts the decision into the log and returns it with its id. */
const stored = (
  log: DecisionLogApi,
  decision: Decision,
  placerState: unknown,
  snapshot: CloudSnapshot
): Effect.Effect<ReallocationResult> =>
  Effect.map(log.insertDecision(decision), (id) => ({ decision: withId(decision, id), placerState, snapshot }))
