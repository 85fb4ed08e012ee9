/**
 * The recommended plans (`mode = recommend`) and what became of them: pending until an operator
 * approves or rejects them, until they expire (too old, or the cloud changed under them), or until
 * a later interval's plan that touches the same hosts or VMs supersedes them. The recommendations
 * of one control interval are merged into one plan (`PlanSteps.mergeSteps`), which carries its
 * predicted effect. Held in memory; with a persistence (the store's, `StorePlanBook.ts`) every
 * change is written through and a restarted manager starts from the kept plans.
 */
import { Context, Effect, Layer } from "effect"
import type { CloudSnapshot } from "../../core/control/CloudSnapshot.js"
import type { RecordedDecision } from "../../core/control/Decision.js"
import { fingerprintOf, type PlanFingerprint, staleReason } from "../../core/control/PendingPlan.js"
import type { PlanEffect } from "../../core/control/PlanEffect.js"
import { mergeSteps, type PlanStep, planOfSteps, stepsConflict } from "../../core/control/PlanSteps.js"
import type { ReallocationReason } from "../../core/control/ReallocationRequest.js"
import type { Plan } from "../../core/Placement.js"

export type PlanStatus = "pending" | "approved" | "rejected" | "expired" | "superseded"
export const planStatuses: ReadonlyArray<PlanStatus> = ["pending", "approved", "rejected", "expired", "superseded"]

/** `approved`: chosen and not yet carried out; `skipped`: left out of an approval (see `detail`). */
export type ActionStatus = "pending" | "approved" | "skipped" | "done" | "failed"

export interface BookedStep extends PlanStep {
  readonly status: ActionStatus
  /** Why it was skipped, or how it ended. */
  readonly detail?: string | undefined
}

/** One request merged into a plan. */
export interface PlanRequest {
  readonly decisionId: number
  readonly host: string
  readonly reason: ReallocationReason
  readonly vmUuids: ReadonlyArray<string>
}

export interface BookedPlan {
  /** The id of the decision that opened it (the first request of its interval). */
  readonly id: number
  /** The decision that opened it. */
  readonly decision: RecordedDecision
  /** Every request merged into it, in order (the opening one first). */
  readonly requests: ReadonlyArray<PlanRequest>
  readonly steps: ReadonlyArray<BookedStep>
  readonly effect: PlanEffect | undefined
  readonly fingerprint: PlanFingerprint
  readonly createdAtMs: number
  /** When its control interval began (its first request). */
  readonly intervalStartedAtMs: number
  readonly status: PlanStatus
  /** Why it was resolved (the expiry reason, who approved part of it...). */
  readonly resolution: string | undefined
  /** The decision that executed it, once approved. */
  readonly executedBy: number | undefined
  /** The plan that replaced it, once superseded. */
  readonly supersededBy: number | undefined
}

/** The plan a booked plan carries out. */
export const bookedPlanOf = (plan: BookedPlan): Plan => planOfSteps(plan.steps)

/** Plans kept after their resolution, for the dashboard and the API. */
export const resolvedKept = 200

/** Where the book writes its changes through, so that it outlives the process. */
export interface PlanPersistence {
  /** Records a new plan, or the new state of a known one. */
  readonly save: (plan: BookedPlan) => Effect.Effect<void>
  /** Forgets resolved plans beyond those kept. */
  readonly remove: (ids: ReadonlyArray<number>) => Effect.Effect<void>
  /** How many plans the store holds (with `status`, of that status only). */
  readonly count?: ((status: PlanStatus | undefined) => Effect.Effect<number>) | undefined
}

/** What resolving a plan may also settle: the executing decision and its actions' statuses. */
export interface Resolution {
  readonly executedBy?: number | undefined
  readonly steps?: ReadonlyArray<BookedStep> | undefined
}

/** A book starting from `initial` (any order), writing its changes through `persistence`. */
export const makePlanBook = (initial: ReadonlyArray<BookedPlan>, persistence?: PlanPersistence): PlanBookApi => {
  const plans = new Map<number, BookedPlan>([...initial].sort((a, b) => a.id - b.id).map((plan) => [plan.id, plan]))
  /** The plan of the current control interval, which the next requests join. */
  let openId: number | undefined
  const save = (plan: BookedPlan) => (persistence === undefined ? Effect.void : persistence.save(plan))
  /** Drops the oldest resolved plans beyond those kept. */
  const prune = Effect.suspend(() => {
    const resolved = [...plans.values()].filter((plan) => plan.status !== "pending")
    const dropped = resolved.slice(0, Math.max(0, resolved.length - resolvedKept)).map((plan) => plan.id)
    for (const id of dropped) plans.delete(id)
    return dropped.length === 0 || persistence === undefined ? Effect.void : persistence.remove(dropped)
  })
  const update = (next: BookedPlan) =>
    Effect.suspend(() => {
      plans.set(next.id, next)
      return save(next).pipe(Effect.zipRight(prune), Effect.as(next))
    })
  const resolve: PlanBookApi["resolve"] = (id, status, resolution, settled = {}) =>
    Effect.suspend(() => {
      const plan = plans.get(id)
      if (plan === undefined) return Effect.succeed(undefined)
      if (openId === id) openId = undefined
      return update({
        ...plan,
        status,
        resolution,
        executedBy: settled.executedBy ?? plan.executedBy,
        steps: settled.steps ?? plan.steps
      })
    })
  /** Supersedes the pending plans of earlier intervals that `plan` conflicts with. */
  const supersedeBy = (plan: BookedPlan) =>
    Effect.forEach(
      [...plans.values()].filter(
        (other) =>
          other.id !== plan.id &&
          other.status === "pending" &&
          other.intervalStartedAtMs < plan.intervalStartedAtMs &&
          stepsConflict(other.steps, plan.steps)
      ),
      (other) =>
        update({
          ...other,
          status: "superseded",
          resolution: `superseded by plan ${plan.id}`,
          supersededBy: plan.id
        }),
      { discard: true }
    )
  return {
    intervalPlan: (host, nowMs, intervalSec) =>
      Effect.sync(() => {
        const plan = openId === undefined ? undefined : plans.get(openId)
        if (plan === undefined || plan.status !== "pending") return undefined
        if (nowMs - plan.intervalStartedAtMs >= intervalSec * 1000) return undefined
        // A local manager asks once per interval: a second request from a host is the next interval.
        if (plan.requests.some((request) => request.host === host)) return undefined
        return plan
      }),
    beginInterval: Effect.sync(() => {
      openId = undefined
    }),
    add: (decision, snapshot, nowMs, effectOf, into) =>
      Effect.gen(function* () {
        const request: PlanRequest = {
          decisionId: decision.id,
          host: decision.request.host,
          reason: decision.request.reason,
          vmUuids: decision.request.vmUuids
        }
        const joined = into === undefined ? undefined : plans.get(into.id)
        let plan: BookedPlan
        if (joined !== undefined && joined.status === "pending") {
          const steps = mergeSteps(joined.steps, decision.plan).map((step) => ({ ...step, status: "pending" as const }))
          const part = fingerprintOf(decision.plan, snapshot)
          plan = {
            ...joined,
            requests: [...joined.requests, request],
            steps,
            effect: effectOf(planOfSteps(steps)),
            fingerprint: {
              hosts: { ...part.hosts, ...joined.fingerprint.hosts },
              vms: { ...part.vms, ...joined.fingerprint.vms }
            }
          }
        } else {
          const steps = mergeSteps([], decision.plan).map((step) => ({ ...step, status: "pending" as const }))
          plan = {
            id: decision.id,
            decision,
            requests: [request],
            steps,
            effect: effectOf(planOfSteps(steps)),
            fingerprint: fingerprintOf(decision.plan, snapshot),
            createdAtMs: nowMs,
            intervalStartedAtMs: nowMs,
            status: "pending",
            resolution: undefined,
            executedBy: undefined,
            supersededBy: undefined
          }
        }
        openId = plan.id
        plans.set(plan.id, plan)
        yield* save(plan)
        yield* supersedeBy(plan)
        return plan
      }),
    get: (id) => Effect.sync(() => plans.get(id)),
    resolve,
    expireStale: (snapshot, nowMs, maxAgeSec) =>
      Effect.gen(function* () {
        for (const plan of [...plans.values()]) {
          if (plan.status !== "pending") continue
          const stale = staleReason(plan.fingerprint, plan.createdAtMs, snapshot, nowMs, maxAgeSec)
          if (stale !== undefined) yield* resolve(plan.id, "expired", stale)
        }
      }),
    list: Effect.sync(() => [...plans.values()].sort((a, b) => b.id - a.id)),
    count: (status) =>
      persistence?.count !== undefined
        ? persistence.count(status)
        : Effect.sync(() => [...plans.values()].filter((plan) => status === undefined || plan.status === status).length)
  }
}

export interface PlanBookApi {
  /**
   * The pending plan of the current control interval that a request from `host` made at `nowMs`
   * joins: opened less than `intervalSec` ago, and no request from that host in it yet.
   */
  readonly intervalPlan: (host: string, nowMs: number, intervalSec: number) => Effect.Effect<BookedPlan | undefined>
  /** Closes the current interval: the next recommendation opens a new plan. */
  readonly beginInterval: Effect.Effect<void>
  /**
   * Books a recommended decision: merged into `into` (its interval's plan, as `intervalPlan` gave
   * it; the decision was planned on the cloud as that plan would leave it) or as a new plan. The
   * effect is that of the whole plan on `snapshot`, the cloud as it is. Pending plans of earlier
   * intervals that it conflicts with are superseded.
   */
  readonly add: (
    decision: RecordedDecision,
    snapshot: CloudSnapshot,
    nowMs: number,
    effectOf: (plan: Plan) => PlanEffect,
    into?: BookedPlan | undefined
  ) => Effect.Effect<BookedPlan>
  readonly get: (id: number) => Effect.Effect<BookedPlan | undefined>
  readonly resolve: (
    id: number,
    status: Exclude<PlanStatus, "pending">,
    resolution: string,
    settled?: Resolution
  ) => Effect.Effect<BookedPlan | undefined>
  /** Expires the pending plans that no longer hold on `snapshot` (hosts and VMs suffice). */
  readonly expireStale: (snapshot: CloudSnapshot, nowMs: number, maxAgeSec: number) => Effect.Effect<void>
  /** Every plan kept, newest first. */
  readonly list: Effect.Effect<ReadonlyArray<BookedPlan>>
  /** How many plans there are (of `status`), as the store counts them when there is one. */
  readonly count: (status: PlanStatus | undefined) => Effect.Effect<number>
}

export class PlanBook extends Context.Tag("neat/PlanBook")<PlanBook, PlanBookApi>() {
  /** A book in memory only: a restarted manager starts with none (the decisions stay in the log). */
  static readonly layer: Layer.Layer<PlanBook> = Layer.sync(PlanBook, () => makePlanBook([]))
}
