/**
 * What operators do with recommended plans and maintenance, shared by the `/v1` API, the `neat
 * plans` command and the dashboard: list and show the plans (expiring those the cloud has
 * outgrown), approve (all or some actions: the others, and every action depending on one of them,
 * are skipped and recorded so), reject, and put a host in or out of maintenance (entering drains
 * it).
 */
import { Clock, Context, Effect, Layer, type Schema } from "effect"
import { Cloud } from "../../core/Cloud.js"
import { executeApprovedPlan } from "../../core/control/Approval.js"
import { type CloudSnapshot, takeSnapshot } from "../../core/control/CloudSnapshot.js"
import { actionKey, executionOutcomes } from "../../core/control/PlanAction.js"
import type { PlanOutcome } from "../../core/control/PlanExecution.js"
import { type PlanStep, planOfSteps, selectSteps } from "../../core/control/PlanSteps.js"
import { describeError } from "../../core/errors.js"
import {
  type ApprovalBody,
  type ApprovalView,
  Conflict,
  type MaintenanceView,
  NotFound,
  type PlanView,
  ServiceUnavailable,
  UnprocessableEntity
} from "./Api.js"
import { GlobalManagerConfig } from "./GlobalManagerOptions.js"
import { OperatorControls } from "./OperatorControls.js"
import { type BookedPlan, type BookedStep, bookedPlanOf, PlanBook, type PlanStatus } from "./PlanBook.js"
import { ReallocationQueue } from "./ReallocationQueue.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { decisionView, planView, policyView } from "./Views.js"

/** Which plans to list: of one status, a page of them (newest first). */
export interface PlanFilter {
  readonly status?: PlanStatus | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

export interface PlanPage {
  readonly plans: ReadonlyArray<Schema.Schema.Type<typeof PlanView>>
  /** Every plan matching the filter's status in the store, not only this page. */
  readonly total: number
}

export interface PlanActionsApi {
  /** Every plan kept, newest first. */
  readonly list: Effect.Effect<ReadonlyArray<Schema.Schema.Type<typeof PlanView>>>
  readonly page: (filter: PlanFilter) => Effect.Effect<PlanPage>
  readonly show: (id: number) => Effect.Effect<Schema.Schema.Type<typeof PlanView>, NotFound>
  readonly approve: (
    id: number,
    selection: Schema.Schema.Type<typeof ApprovalBody>
  ) => Effect.Effect<
    Schema.Schema.Type<typeof ApprovalView>,
    NotFound | Conflict | UnprocessableEntity | ServiceUnavailable
  >
  readonly reject: (id: number) => Effect.Effect<Schema.Schema.Type<typeof PlanView>, NotFound | Conflict>
  readonly maintenance: (
    host: string,
    enabled: boolean
  ) => Effect.Effect<Schema.Schema.Type<typeof MaintenanceView>, UnprocessableEntity | ServiceUnavailable>
}

const migratedCount = (execution: PlanOutcome): number =>
  execution.migrations.filter((outcome) => outcome._tag === "Migrated").length

/**
 * The keys an approval body chooses, or undefined for all. The per-kind lists translate to keys:
 * an absent list chooses every action of its kind, and wakes follow the chosen migrations.
 */
export const chosenKeys = (
  steps: ReadonlyArray<PlanStep>,
  body: Schema.Schema.Type<typeof ApprovalBody>
): { readonly keys: ReadonlyArray<string> | undefined; readonly unknown: ReadonlyArray<string> } => {
  if (body.actions !== undefined) return { keys: body.actions, unknown: [] }
  if (body.migrations === undefined && body.wake === undefined && body.suspend === undefined) {
    return { keys: undefined, unknown: [] }
  }
  const unknown: Array<string> = []
  const named = (list: ReadonlyArray<string> | undefined, kind: "migrate" | "wake" | "suspend") => {
    const present = new Set(
      steps
        .filter((step) => step.action.kind === kind)
        .map((step) => (step.action.kind === "migrate" ? step.action.vm : step.action.host))
    )
    for (const name of list ?? []) if (!present.has(name)) unknown.push(name)
    return list === undefined ? undefined : new Set(list)
  }
  const migrations = named(body.migrations, "migrate")
  const wake = named(body.wake, "wake")
  const suspend = named(body.suspend, "suspend")
  const keys: Array<string> = []
  const targets = new Set<string>()
  for (const step of steps) {
    const action = step.action
    if (action.kind === "migrate" && (migrations === undefined || migrations.has(action.vm))) {
      keys.push(step.key)
      targets.add(action.host)
    }
    if (action.kind === "suspend" && (suspend === undefined || suspend.has(action.host))) keys.push(step.key)
  }
  for (const step of steps) {
    const action = step.action
    if (action.kind === "wake" && (wake === undefined ? targets.has(action.host) : wake.has(action.host))) {
      keys.push(step.key)
    }
  }
  return { keys, unknown }
}

/** The plan's actions once an approval ran: skipped ones with why, the others as they ended. */
const settledSteps = (
  plan: BookedPlan,
  skipped: ReadonlyMap<string, string>,
  execution: PlanOutcome
): ReadonlyArray<BookedStep> => {
  const outcomes = new Map(executionOutcomes(execution).map((outcome) => [actionKey(outcome.action), outcome]))
  return plan.steps.map((step): BookedStep => {
    const reason = skipped.get(step.key)
    if (reason !== undefined) return { ...step, status: "skipped", detail: reason }
    const outcome = outcomes.get(step.key)
    return outcome === undefined
      ? { ...step, status: "failed", detail: "not attempted" }
      : { ...step, status: outcome.state, detail: outcome.detail }
  })
}

export class PlanActions extends Context.Tag("neat/PlanActions")<PlanActions, PlanActionsApi>() {
  static readonly layer = Layer.effect(
    PlanActions,
    Effect.gen(function* () {
      const config = yield* GlobalManagerConfig
      const book = yield* PlanBook
      const queue = yield* ReallocationQueue
      const controls = yield* OperatorControls
      const metrics = yield* ServerMetrics
      const cloud = yield* Cloud
      const maxAge = config.plan_max_age
      const cloudDown = (error: { readonly _tag: string }) =>
        new ServiceUnavailable({ message: `the cloud cannot be read: ${describeError(error)}` })

      /** Hosts and VMs only: what the expiry of plans looks at. */
      const inventory: Effect.Effect<CloudSnapshot | undefined> = Effect.map(
        Effect.either(Effect.all([cloud.hosts, cloud.vms])),
        (read) =>
          read._tag === "Left"
            ? undefined
            : {
                hosts: read.right[0],
                vms: new Map(read.right[1].map((vm) => [vm.uuid, vm])),
                vmCpuMhz: new Map(),
                hostOwnMhz: new Map()
              }
      )

      const expireStale = Effect.gen(function* () {
        const snapshot = yield* inventory
        if (snapshot !== undefined) yield* book.expireStale(snapshot, yield* Clock.currentTimeMillis, maxAge)
      })

      const list = Effect.zipRight(
        expireStale,
        Effect.map(book.list, (plans) => plans.map((plan) => planView(plan, maxAge)))
      )

      const page: PlanActionsApi["page"] = (filter) =>
        Effect.gen(function* () {
          yield* expireStale
          const matching = (yield* book.list).filter(
            (plan) => filter.status === undefined || plan.status === filter.status
          )
          const offset = filter.offset ?? 0
          const plans = matching.slice(offset, offset + (filter.limit ?? 100)).map((plan) => planView(plan, maxAge))
          return { plans, total: yield* book.count(filter.status) }
        })

      const show: PlanActionsApi["show"] = (id) =>
        Effect.gen(function* () {
          yield* expireStale
          const plan = yield* book.get(id)
          if (plan === undefined) return yield* new NotFound({ message: `no recommended plan ${id}` })
          return planView(plan, maxAge)
        })

      const pendingPlan = (id: number) =>
        Effect.gen(function* () {
          const plan = yield* book.get(id)
          if (plan === undefined) return yield* new NotFound({ message: `no recommended plan ${id}` })
          if (plan.status !== "pending") {
            return yield* new Conflict({
              message: `plan ${id} is ${plan.status}${plan.resolution ? `: ${plan.resolution}` : ""}`
            })
          }
          return plan
        })

      const approve: PlanActionsApi["approve"] = (id, body) =>
        Effect.gen(function* () {
          const asked = yield* pendingPlan(id)
          const { keys, unknown } = chosenKeys(asked.steps, body)
          const selection = selectSteps(asked.steps, keys)
          const notInPlan = [...unknown, ...selection.unknown]
          if (notInPlan.length > 0) {
            return yield* new UnprocessableEntity({ message: `not in plan ${id}: ${notInPlan.join(", ")}` })
          }
          if (selection.approved.length === 0) {
            return yield* new UnprocessableEntity({ message: "the selection approves no action" })
          }
          const skipped = new Map(selection.skipped.map(({ step, reason }) => [step.key, reason]))
          // Checked and executed on the worker, so no reallocation changes the cloud in between.
          const outcome = yield* queue.exclusive(
            Effect.gen(function* () {
              const plan = yield* book.get(id)
              if (plan === undefined || plan.status !== "pending") return { _tag: "Gone" as const }
              const snapshot = yield* Effect.either(takeSnapshot({ historyLength: 1 }))
              if (snapshot._tag === "Left") return { _tag: "CloudDown" as const, error: snapshot.left }
              const subject = {
                decision: plan.decision,
                fingerprint: plan.fingerprint,
                createdAtMs: plan.createdAtMs,
                plan: bookedPlanOf(plan),
                description: `plan ${id}`
              }
              const result = yield* executeApprovedPlan(
                subject,
                planOfSteps(selection.approved),
                snapshot.right,
                maxAge
              )
              return { _tag: "Done" as const, result, plan }
            })
          )
          if (outcome._tag === "Gone") return yield* new Conflict({ message: `plan ${id} was resolved meanwhile` })
          if (outcome._tag === "CloudDown") return yield* cloudDown(outcome.error)
          const result = outcome.result
          if (result._tag === "Invalid") return yield* new UnprocessableEntity({ message: result.message })
          if (result._tag === "Executed" && result.decision.id === 0) {
            // The store could not record the approval's decision: its intent (nothing ran, the plan
            // stays pending) or its end (the actions ran; the next start settles the record).
            const ran = migratedCount(result.decision.execution) > 0 || result.decision.outcome !== "failed"
            return yield* new ServiceUnavailable({
              message: `the approval of plan ${id} could not be recorded: the store is unavailable; ${ran ? "its actions ran and are settled in the log at the next start" : "nothing was executed: retry later"}`
            })
          }
          yield* metrics.decisionRecorded(result.decision)
          if (result._tag === "Expired") {
            yield* book.resolve(id, "expired", result.reason)
            return yield* new Conflict({ message: `plan ${id} expired: ${result.reason}` })
          }
          const migrated = migratedCount(result.decision.execution)
          if (migrated > 0) yield* controls.migrationsDone(migrated, result.decision.finishedAtMs)
          const partly = skipped.size > 0 ? ` (some actions: ${skipped.size} skipped)` : ""
          const resolved = yield* book.resolve(id, "approved", `executed by decision ${result.decision.id}${partly}`, {
            executedBy: result.decision.id,
            steps: settledSteps(outcome.plan, skipped, result.decision.execution)
          })
          yield* Effect.logInfo(
            `plan ${id} approved: decision ${result.decision.id} ${result.decision.outcome}` +
              (skipped.size > 0 ? `; skipped ${[...skipped.keys()].join(", ")}` : "")
          ).pipe(Effect.annotateLogs({ service: "GlobalManager", plan: id }))
          return {
            result: "executed" as const,
            plan: planView(resolved!, maxAge),
            decision: decisionView(result.decision),
            skipped: selection.skipped.map(({ step, reason }) => ({ key: step.key, reason }))
          }
        })

      const reject: PlanActionsApi["reject"] = (id) =>
        Effect.gen(function* () {
          yield* pendingPlan(id)
          const resolved = yield* book.resolve(id, "rejected", "rejected by an operator")
          yield* Effect.logInfo(`plan ${id} rejected`).pipe(Effect.annotateLogs({ service: "GlobalManager", plan: id }))
          return planView(resolved!, maxAge)
        })

      const maintenance: PlanActionsApi["maintenance"] = (host, enabled) =>
        Effect.gen(function* () {
          const hosts = yield* Effect.mapError(cloud.hosts, cloudDown)
          const state = hosts.find((candidate) => candidate.name === host)
          if (state === undefined) return yield* new UnprocessableEntity({ message: `unknown host: ${host}` })
          const policy = yield* controls.update((current) => {
            const maintenanceHosts = new Set(current.maintenanceHosts)
            if (enabled) maintenanceHosts.add(host)
            else maintenanceHosts.delete(host)
            return { ...current, maintenanceHosts }
          })
          const view = policyView(yield* controls.mode, policy)
          if (!enabled || state.vms.length === 0 || state.power !== "active") return { policy: view }
          // Draining is an overload of every VM of the host: placement may wake suspended hosts.
          const drained = yield* queue.submit({ host, reason: "overload", vmUuids: state.vms })
          if (drained.result._tag === "Rejected") {
            return yield* new UnprocessableEntity({ message: drained.result.message })
          }
          if (drained.result._tag === "Unrecorded") {
            return yield* new ServiceUnavailable({ message: drained.result.message })
          }
          return {
            policy: view,
            drain: {
              coalesced: drained.coalesced,
              decision: decisionView(drained.result.decision),
              request_id: drained.requestId
            }
          }
        })

      return { list, page, show, approve, reject, maintenance }
    })
  )
}
