/** Records the migrations and power changes of an execution in the decision log (without an intent log). */
import { Effect } from "effect"
import { DecisionLog } from "./DecisionLog.js"
import type { PlanOutcome } from "./PlanExecution.js"

export const recordExecution = (execution: PlanOutcome): Effect.Effect<void, never, DecisionLog> =>
  execution.migrations.length === 0 && execution.woken.length === 0 && execution.suspended.length === 0
    ? Effect.void
    : recordChanges(execution)

const recordChanges = (execution: PlanOutcome): Effect.Effect<void, never, DecisionLog> =>
  Effect.gen(function* () {
    const log = yield* DecisionLog
    for (const outcome of execution.migrations) {
      if (outcome._tag === "Migrated") yield* log.insertVmMigration(outcome.migration.vm, outcome.migration.to)
    }
    const powerChanges: Record<string, 0 | 1> = {}
    for (const host of execution.woken) powerChanges[host] = 1
    for (const host of execution.suspended) powerChanges[host] = 0
    if (Object.keys(powerChanges).length > 0) yield* log.insertHostStates(powerChanges)
  })
