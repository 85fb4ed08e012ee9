/**
 * The contract of an underload or overload detector, as the control loop and the live local
 * manager rely on it: it decides on any history, the same history and state give the same
 * decision, it changes neither, and its state survives being stored as JSON and read back.
 */
import type { Detector } from "../types.js"
import { detectorCallsArb } from "./arbitraries.js"
import { type AlgorithmProperty, violationAt } from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"
import { returnedPair, type StatefulCall } from "./StatefulCall.js"
import { deterministicProperty, leavesInputsProperty, outputProperty, stateJsonProperty } from "./statefulProperties.js"

/** `decide`, each result checked to be `[boolean, state]`. */
const decide: StatefulCall<Detector, ReadonlyArray<number>, boolean> = {
  verb: "decide",
  input: "history",
  calls: detectorCallsArb,
  invoke: (detector, history, state, call) => {
    const result = returnedPair(call, "decide", "decision", () => detector.decide(history, state))
    if (typeof result[0] !== "boolean") {
      return violationAt(call, `decide returned the decision ${showValue(result[0])}, not true or false`)
    }
    return result as readonly [boolean, unknown]
  }
}

/** Every property a detector is held to. */
export const detectorProperties: ReadonlyArray<AlgorithmProperty<Detector>> = [
  outputProperty(
    decide,
    "total",
    "decides on any history (empty, short, long, flat; values 0..1.2), state carried over, returning [boolean, state]",
    () => {}
  ),
  deterministicProperty(decide, "the same history and state give the same decision and state"),
  leavesInputsProperty(decide, "changes neither the history nor the state it is given"),
  stateJsonProperty(decide, "decided", "resumed from JSON.parse(JSON.stringify(state)), it takes the same decisions")
]
