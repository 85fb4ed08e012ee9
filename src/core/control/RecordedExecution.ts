/**
 * Executes a plan and records it. With an intent log (the store's), the decision is recorded
 * before the first action, each action's outcome as it lands, and the final decision at the end;
 * a decision that cannot be recorded beforehand executes nothing (id 0, empty execution), so a
 * caller answering 503 for it can say that nothing ran. Without one (the simulator, tests), the
 * decision is recorded once, after the execution, as before.
 */
import { Effect } from "effect"
import type { Cloud } from "../Cloud.js"
import type { Plan } from "../Placement.js"
import { type Decision, type RecordedDecision, withId } from "./Decision.js"
import { DecisionLog } from "./DecisionLog.js"
import { executionOutcomes, planActions } from "./PlanAction.js"
import { emptyOutcome, executePlan, type PlanOutcome } from "./PlanExecution.js"
import { recordExecution } from "./RecordExecution.js"

export interface RecordedExecution {
  readonly decision: RecordedDecision
  /** False when the intent could not be recorded and nothing ran. */
  readonly executed: boolean
}

/**
 * Runs `plan`; `decide` builds the decision from the execution (it is called with the empty
 * execution for the intent, then with the real one).
 */
export const executeRecorded = (
  plan: Plan,
  decide: (execution: PlanOutcome) => Decision
): Effect.Effect<RecordedExecution, never, Cloud | DecisionLog> =>
  Effect.gen(function* () {
    const log = yield* DecisionLog
    const intents = log.intents
    if (intents === undefined) {
      const execution = yield* executePlan(plan)
      const decision = decide(execution)
      yield* recordExecution(execution)
      return { decision: withId(decision, yield* log.insertDecision(decision)), executed: true }
    }
    const intent: Decision = { ...decide(emptyOutcome), outcome: "executing" }
    const id = yield* intents.begin(intent, planActions(plan))
    if (id === 0) {
      const refused: Decision = {
        ...intent,
        outcome: "failed",
        detail: `the plan could not be recorded before its first action, so nothing was executed (${intent.detail})`
      }
      return { decision: withId(refused, 0), executed: false }
    }
    const execution = yield* executePlan(plan, (outcome) => intents.settle(id, outcome))
    const decision = decide(execution)
    const completed = yield* intents.complete(id, decision, executionOutcomes(execution))
    return { decision: withId(decision, completed), executed: true }
  })
