/**
 * What operators do with recommended plans and maintenance, shared by the `/v1` API and the
 * dashboard: list the plans (expiring those the cloud has outgrown), approve (all or some
 * actions), reject, and put a host in or out of maintenance (entering drains it).
 */
import { Clock, Context, Effect, Layer, type Schema } from "effect"
import { Cloud } from "../../core/Cloud.js"
import { executeApproved } from "../../core/control/Approval.js"
import { type CloudSnapshot, takeSnapshot } from "../../core/control/CloudSnapshot.js"
import type { ActionSelection } from "../../core/control/PendingPlan.js"
import type { PlanOutcome } from "../../core/control/PlanExecution.js"
import { describeError } from "../../core/errors.js"
import {
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
import { PlanBook } from "./PlanBook.js"
import { ReallocationQueue } from "./ReallocationQueue.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { decisionView, planView, policyView } from "./Views.js"

export interface PlanActionsApi {
  readonly list: Effect.Effect<ReadonlyArray<Schema.Schema.Type<typeof PlanView>>>
  readonly approve: (
    id: number,
    selection: ActionSelection
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

      const list = Effect.gen(function* () {
        const snapshot = yield* inventory
        if (snapshot !== undefined) yield* book.expireStale(snapshot, yield* Clock.currentTimeMillis, maxAge)
        return (yield* book.list).map((plan) => planView(plan, maxAge))
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

      const approve: PlanActionsApi["approve"] = (id, selection) =>
        Effect.gen(function* () {
          yield* pendingPlan(id)
          // Checked and executed on the worker, so no reallocation changes the cloud in between.
          const outcome = yield* queue.exclusive(
            Effect.gen(function* () {
              const plan = yield* book.get(id)
              if (plan === undefined || plan.status !== "pending") return { _tag: "Gone" as const }
              const snapshot = yield* Effect.either(takeSnapshot({ historyLength: 1 }))
              if (snapshot._tag === "Left") return { _tag: "CloudDown" as const, error: snapshot.left }
              const result = yield* executeApproved(plan, selection, snapshot.right, maxAge)
              return { _tag: "Done" as const, result }
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
          const partly = result.decision.plan.migrations.length < (yield* book.get(id))!.decision.plan.migrations.length
          const resolved = yield* book.resolve(
            id,
            "approved",
            `executed by decision ${result.decision.id}${partly ? " (some actions)" : ""}`,
            result.decision.id
          )
          yield* Effect.logInfo(`plan ${id} approved: decision ${result.decision.id} ${result.decision.outcome}`).pipe(
            Effect.annotateLogs({ service: "GlobalManager", plan: id })
          )
          return {
            result: "executed" as const,
            plan: planView(resolved!, maxAge),
            decision: decisionView(result.decision)
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

      return { list, approve, reject, maintenance }
    })
  )
}
