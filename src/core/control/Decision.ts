/** The record of one reallocation: what was asked, what was planned, what happened, how long it took. */
import type { Placement, Plan } from "../Placement.js"
import type { PlanStatus } from "./GlobalPlanning.js"
import type { PlanOutcome } from "./PlanExecution.js"
import type { ReallocationRequest } from "./ReallocationRequest.js"

/**
 * `done`: planned and every step succeeded; `partial`: planned but some step failed; `skipped`:
 * nothing to do (see `status`); `failed`: the cloud could not be read or the placement algorithm threw;
 * `recommended`: planned in recommend-only mode, waiting for an operator's approval; `executing`:
 * recorded before its first action (the intent log) and not completed yet, or cut short by a crash
 * until the next start settles it.
 */
export type DecisionOutcome = "done" | "partial" | "skipped" | "failed" | "recommended" | "executing"

export interface Decision {
  readonly request: ReallocationRequest
  readonly outcome: DecisionOutcome
  /**
   * The planner's status; `cloudError` when the snapshot could not be taken, `placementError` when
   * the placement algorithm threw.
   */
  readonly status: PlanStatus | "cloudError" | "placementError" | "approved" | "expired"
  readonly detail: string
  readonly inputs: {
    readonly activeHosts: number
    readonly inactiveHosts: number
    readonly vmsToPlace: ReadonlyArray<string>
  }
  readonly placement: Placement
  readonly plan: Plan
  readonly execution: PlanOutcome
  /** When the request arrived and when its processing started and ended, milliseconds since the epoch. */
  readonly receivedAtMs: number
  readonly startedAtMs: number
  readonly finishedAtMs: number
  /** Durations, milliseconds. */
  readonly timings: { readonly snapshotMs: number; readonly placementMs: number; readonly executionMs: number }
}

/** A decision as stored, with the id the log gave it. */
export interface RecordedDecision extends Decision {
  readonly id: number
}

/**
 * The decision with its id, fields in the order the control loop builds them. Written out rather
 * than spread: a spread of these objects costs a slow copy, and a round stores thousands.
 */
export const withId = (decision: Decision, id: number): RecordedDecision => ({
  request: decision.request,
  receivedAtMs: decision.receivedAtMs,
  startedAtMs: decision.startedAtMs,
  outcome: decision.outcome,
  status: decision.status,
  detail: decision.detail,
  inputs: decision.inputs,
  placement: decision.placement,
  plan: decision.plan,
  execution: decision.execution,
  finishedAtMs: decision.finishedAtMs,
  timings: decision.timings,
  id
})
