/**
 * The properties every family is held to in the same words, written once over a `StatefulCall`:
 * each call checked in turn, the same input and state giving the same result, inputs and state
 * left as given, and a state that survives JSON.
 */
import type fc from "fast-check"
import {
  type AlgorithmProperty,
  algorithmProperty,
  copyInput,
  sameValue,
  showPair,
  snapshotOf,
  throughJson,
  violationAt
} from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"
import type { Stateful, StatefulCall } from "./StatefulCall.js"

/** Runs `inputs` in order on one algorithm, each call given the state the previous one returned. */
const carryingState = <I>(
  algorithm: Stateful,
  inputs: ReadonlyArray<I>,
  step: (input: I, state: unknown, call: number) => unknown
): void => {
  let state = algorithm.initialState
  inputs.forEach((input, i) => {
    state = step(input, state, i + 1)
  })
}

/**
 * A property of each call's output on its own, the state carried over: `check` sees the output,
 * the input as generated and the call's number, and throws a violation when the output is wrong.
 */
export const outputProperty = <A extends Stateful, I, O>(
  method: StatefulCall<A, I, O>,
  name: string,
  description: string,
  check: (output: O, input: I, call: number) => void,
  calls: fc.Arbitrary<ReadonlyArray<I>> = method.calls
): AlgorithmProperty<A> =>
  algorithmProperty<A, ReadonlyArray<I>>(name, description, calls, (build, inputs) => {
    const algorithm = build()
    carryingState(algorithm, inputs, (input, state, call) => {
      const [output, next] = method.invoke(algorithm, copyInput(input), state, call)
      check(output, input, call)
      return next
    })
  })

/** `deterministic`: each call, made twice on copies of the same input with the same state, gives the same pair. */
export const deterministicProperty = <A extends Stateful, I, O>(
  method: StatefulCall<A, I, O>,
  description: string
): AlgorithmProperty<A> =>
  algorithmProperty<A, ReadonlyArray<I>>("deterministic", description, method.calls, (build, inputs) => {
    const algorithm = build()
    carryingState(algorithm, inputs, (input, state, call) => {
      const first = method.invoke(algorithm, copyInput(input), state, call)
      const second = method.invoke(algorithm, copyInput(input), state, call)
      if (!sameValue(first, second)) {
        violationAt(
          call,
          `${method.verb} returned ${showPair(first)}, then ${showPair(second)} for the same ${method.input} and state`
        )
      }
      return first[1]
    })
  })

/** `leaves-inputs`: a call changes neither the input nor the state it is given (when the state can be copied). */
export const leavesInputsProperty = <A extends Stateful, I, O>(
  method: StatefulCall<A, I, O>,
  description: string
): AlgorithmProperty<A> =>
  algorithmProperty<A, ReadonlyArray<I>>("leaves-inputs", description, method.calls, (build, inputs) => {
    const algorithm = build()
    carryingState(algorithm, inputs, (input, state, call) => {
      const given = copyInput(input)
      const before = snapshotOf(state)
      const [, next] = method.invoke(algorithm, given, state, call)
      if (!sameValue(given, input)) {
        violationAt(call, `${method.verb} changed the ${method.input} it was given to ${showValue(given)}`)
      }
      const after = snapshotOf(state)
      if (before !== undefined && after !== undefined && !sameValue(before.value, after.value)) {
        violationAt(
          call,
          `${method.verb} changed the state it was given from ${showValue(before.value)} to ${showValue(after.value)}`
        )
      }
      return next
    })
  })

/**
 * `state-json`: an algorithm resumed from each state stored as JSON and read back, as the local
 * manager does between decisions, gives the same outputs as one kept in memory; `did` is the
 * verb's past tense for the message (`decided`, `selected`).
 */
export const stateJsonProperty = <A extends Stateful, I, O>(
  method: StatefulCall<A, I, O>,
  did: string,
  description: string
): AlgorithmProperty<A> =>
  algorithmProperty<A, ReadonlyArray<I>>("state-json", description, method.calls, (build, inputs) => {
    const kept = build()
    const resumed = build()
    let stored = throughJson(resumed.initialState, "the initial state")
    carryingState(kept, inputs, (input, state, call) => {
      const [output, next] = method.invoke(kept, copyInput(input), state, call)
      const [resumedOutput, resumedNext] = method.invoke(resumed, copyInput(input), stored, call)
      if (!sameValue(output, resumedOutput)) {
        violationAt(
          call,
          `${did} ${showValue(output)} with the state it returned, ${showValue(state)}, ` +
            `but ${showValue(resumedOutput)} with that state read back from JSON, ${showValue(stored)}`
        )
      }
      stored = throughJson(resumedNext, `the state returned by call ${call}`)
      return next
    })
  })
