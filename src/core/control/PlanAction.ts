/**
 * The steps of a plan as the intent log records them: one row per wake, migration and suspend,
 * written before the first step runs and settled as each lands. After a crash, the rows still
 * pending are exactly the actions whose outcome nobody saw; the global manager settles them
 * against the cloud at its next start (`Reconciliation`).
 */
import type { Migration, Plan } from "../Placement.js"
import type { PlanOutcome } from "./PlanExecution.js"

export type PlanAction =
  | { readonly kind: "wake"; readonly host: string }
  /** `host` is the target; `from` the source the VM left. */
  | { readonly kind: "migrate"; readonly vm: string; readonly from: string; readonly host: string }
  | { readonly kind: "suspend"; readonly host: string }

/** How an action ended: `done` (the cloud shows it), or `failed` (it did not happen, or was undone). */
export interface ActionOutcome {
  readonly action: PlanAction
  readonly state: "done" | "failed"
  readonly detail: string
}

export const migrationAction = (migration: Migration): PlanAction => ({
  kind: "migrate",
  vm: migration.vm,
  from: migration.from,
  host: migration.to
})

/** The plan's actions in the order they run: wakes, migrations, suspends. */
export const planActions = (plan: Plan): ReadonlyArray<PlanAction> => [
  ...plan.wake.map((host): PlanAction => ({ kind: "wake", host })),
  ...plan.migrations.map(migrationAction),
  ...plan.suspend.map((host): PlanAction => ({ kind: "suspend", host }))
]

/** Identifies an action within its decision (a plan wakes, suspends or moves each thing once). */
export const actionKey = (action: PlanAction): string =>
  action.kind === "migrate" ? `migrate:${action.vm}` : `${action.kind}:${action.host}`

/** Every action's outcome from an execution's record. */
export const executionOutcomes = (execution: PlanOutcome): ReadonlyArray<ActionOutcome> => [
  ...execution.woken.map((host): ActionOutcome => ({ action: { kind: "wake", host }, state: "done", detail: "woken" })),
  ...execution.wakeFailures.map(
    (failure): ActionOutcome => ({
      action: { kind: "wake", host: failure.host },
      state: "failed",
      detail: failure.reason
    })
  ),
  ...execution.migrations.map(
    (outcome): ActionOutcome =>
      outcome._tag === "Migrated"
        ? { action: migrationAction(outcome.migration), state: "done", detail: `migrated in ${outcome.seconds} s` }
        : { action: migrationAction(outcome.migration), state: "failed", detail: outcome.reason }
  ),
  ...execution.suspended.map(
    (host): ActionOutcome => ({ action: { kind: "suspend", host }, state: "done", detail: "suspended" })
  ),
  ...execution.suspendFailures.map(
    (failure): ActionOutcome => ({
      action: { kind: "suspend", host: failure.host },
      state: "failed",
      detail: failure.reason
    })
  )
]
