/**
 * The contract of an underload or overload detector, as the control loop and the live local
 * manager rely on it: it decides on any history, the same history and state give the same
 * decision, it changes neither, and its state survives being stored as JSON and read back.
 */
import type { Detector } from "../types.js"
import { detectorCallsArb } from "./arbitraries.js"
import {
  type AlgorithmProperty,
  algorithmProperty,
  callAlgorithm,
  copyInput,
  sameValue,
  showPair,
  snapshotOf,
  throughJson,
  violationAt
} from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"

type Calls = ReadonlyArray<ReadonlyArray<number>>

/** One decision, checked to be `[boolean, state]`. */
const decide = (detector: Detector, history: ReadonlyArray<number>, state: unknown, call: number) => {
  const result: unknown = callAlgorithm(call, "decide", () => detector.decide(history, state))
  if (!Array.isArray(result) || result.length !== 2) {
    return violationAt(call, `decide returned ${showValue(result)}, not [decision, state]`)
  }
  if (typeof result[0] !== "boolean") {
    return violationAt(call, `decide returned the decision ${showValue(result[0])}, not true or false`)
  }
  return result as unknown as readonly [boolean, unknown]
}

const total = algorithmProperty<Detector, Calls>(
  "total",
  "decides on any history (empty, short, long, flat; values 0..1.2), state carried over, returning [boolean, state]",
  detectorCallsArb,
  (build, calls) => {
    const detector = build()
    let state = detector.initialState
    calls.forEach((history, i) => {
      state = decide(detector, copyInput(history), state, i + 1)[1]
    })
  }
)

const deterministic = algorithmProperty<Detector, Calls>(
  "deterministic",
  "the same history and state give the same decision and state",
  detectorCallsArb,
  (build, calls) => {
    const detector = build()
    let state = detector.initialState
    calls.forEach((history, i) => {
      const first = decide(detector, copyInput(history), state, i + 1)
      const second = decide(detector, copyInput(history), state, i + 1)
      if (!sameValue(first, second)) {
        violationAt(
          i + 1,
          `decide returned ${showPair(first)}, then ${showPair(second)} for the same history and state`
        )
      }
      state = first[1]
    })
  }
)

const leavesInputs = algorithmProperty<Detector, Calls>(
  "leaves-inputs",
  "changes neither the history nor the state it is given",
  detectorCallsArb,
  (build, calls) => {
    const detector = build()
    let state = detector.initialState
    calls.forEach((history, i) => {
      const given = copyInput(history)
      const before = snapshotOf(state)
      const [, next] = decide(detector, given, state, i + 1)
      if (!sameValue(given, history)) {
        violationAt(i + 1, `decide changed the history it was given to ${showValue(given)}`)
      }
      const after = snapshotOf(state)
      if (before !== undefined && after !== undefined && !sameValue(before.value, after.value)) {
        violationAt(
          i + 1,
          `decide changed the state it was given from ${showValue(before.value)} to ${showValue(after.value)}`
        )
      }
      state = next
    })
  }
)

const stateJson = algorithmProperty<Detector, Calls>(
  "state-json",
  "resumed from JSON.parse(JSON.stringify(state)), it takes the same decisions",
  detectorCallsArb,
  (build, calls) => {
    const kept = build()
    const resumed = build()
    let state = kept.initialState
    let stored = throughJson(resumed.initialState, "the initial state")
    calls.forEach((history, i) => {
      const [decision, next] = decide(kept, copyInput(history), state, i + 1)
      const [resumedDecision, resumedNext] = decide(resumed, copyInput(history), stored, i + 1)
      if (decision !== resumedDecision) {
        violationAt(
          i + 1,
          `decided ${decision} with the state it returned, ${showValue(state)}, ` +
            `but ${resumedDecision} with that state read back from JSON, ${showValue(stored)}`
        )
      }
      state = next
      stored = throughJson(resumedNext, `the state returned by call ${i + 1}`)
    })
  }
)

/** Every property a detector is held to. */
export const detectorProperties: ReadonlyArray<AlgorithmProperty<Detector>> = [
  total,
  deterministic,
  leavesInputs,
  stateJson
]
