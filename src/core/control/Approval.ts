/**
 * Executing a recommended plan once an operator approves it (all of it or some actions): on a
 * fresh snapshot, the plan is checked against the state it was made on; a stale plan is not
 * executed and its decision says why (`expired`). Never fails.
 */
import { Clock, Effect } from "effect"
import type { Cloud } from "../Cloud.js"
import type { Plan } from "../Placement.js"
import type { CloudSnapshot } from "./CloudSnapshot.js"
import type { Decision, RecordedDecision } from "./Decision.js"
import { DecisionLog } from "./DecisionLog.js"
import { type ActionSelection, type PlanFingerprint, selectActions, staleReason } from "./PendingPlan.js"
import { emptyOutcome, outcomeSucceeded } from "./PlanExecution.js"
import { executeRecorded } from "./RecordedExecution.js"

/** What an approval needs of the recommended decision. */
export interface ApprovalSubject {
  readonly decision: RecordedDecision
  readonly fingerprint: PlanFingerprint
  readonly createdAtMs: number
  /** The whole plan, when it is more than the decision's own (the merged plan of an interval). */
  readonly plan?: Plan | undefined
  /** What the new decision's detail says the plan is (default: the decision's id and detail). */
  readonly description?: string | undefined
}

export type ApprovalResult =
  | { readonly _tag: "Executed"; readonly decision: RecordedDecision }
  | { readonly _tag: "Expired"; readonly reason: string; readonly decision: RecordedDecision }
  | { readonly _tag: "Invalid"; readonly message: string }

/** Executes the approved part of a recommended plan on `snapshot` (read just before), recording a new decision. */
export const executeApproved = (
  subject: ApprovalSubject,
  selection: ActionSelection,
  snapshot: CloudSnapshot,
  maxAgeSec: number
): Effect.Effect<ApprovalResult, never, Cloud | DecisionLog> => {
  const { plan, unknown } = selectActions(subject.decision.plan, selection)
  if (unknown.length > 0) return Effect.succeed({ _tag: "Invalid", message: `not in the plan: ${unknown.join(", ")}` })
  return executeApprovedPlan(subject, plan, snapshot, maxAgeSec)
}

/**
 * Executes `plan` (the approved actions of the subject's plan, in order) on `snapshot`, unless the
 * plan no longer holds there; records a new decision either way.
 */
export const executeApprovedPlan = (
  subject: ApprovalSubject,
  plan: Plan,
  snapshot: CloudSnapshot,
  maxAgeSec: number
): Effect.Effect<ApprovalResult, never, Cloud | DecisionLog> =>
  Effect.gen(function* () {
    const log = yield* DecisionLog
    const clock = yield* Effect.clock
    if (plan.migrations.length + plan.wake.length + plan.suspend.length === 0) {
      return { _tag: "Invalid", message: "the selection approves no action" } as const
    }
    const startedAtMs = yield* Clock.currentTimeMillis
    const base = {
      request: subject.decision.request,
      receivedAtMs: startedAtMs,
      startedAtMs,
      inputs: subject.decision.inputs,
      placement: subject.decision.placement,
      plan
    }
    const stale = staleReason(subject.fingerprint, subject.createdAtMs, snapshot, startedAtMs, maxAgeSec)
    if (stale !== undefined) {
      const decision: Decision = {
        ...base,
        outcome: "skipped",
        status: "expired",
        detail: `${subject.description ?? `plan of decision ${subject.decision.id}`} expired: ${stale}`,
        execution: emptyOutcome,
        finishedAtMs: startedAtMs,
        timings: { snapshotMs: 0, placementMs: 0, executionMs: 0 }
      }
      const id = yield* log.insertDecision(decision)
      return { _tag: "Expired", reason: stale, decision: { ...decision, id } } as const
    }
    const t0 = yield* Clock.currentTimeNanos
    const whole = subject.plan ?? subject.decision.plan
    const partOf =
      plan.migrations.length + plan.wake.length + plan.suspend.length ===
      whole.migrations.length + whole.wake.length + whole.suspend.length
        ? ""
        : " (in part)"
    const { decision } = yield* executeRecorded(plan, (execution) => {
      const nowNs = clock.unsafeCurrentTimeNanos()
      return {
        ...base,
        outcome: outcomeSucceeded(execution) ? "done" : "partial",
        status: "approved",
        detail: `${subject.description ?? `plan of decision ${subject.decision.id}`}${partOf}: ${subject.decision.detail}`,
        execution,
        finishedAtMs: clock.unsafeCurrentTimeMillis(),
        timings: { snapshotMs: 0, placementMs: 0, executionMs: Number(nowNs - t0) / 1e6 }
      }
    })
    return { _tag: "Executed", decision } as const
  })
