/**
 * A family's one method as the properties see it: an algorithm called on an input and a state,
 * giving an output and the next state. Describing `decide`, `select` and `place` alike lets one
 * implementation of each shared property (deterministic, leaves-inputs, state-json) serve all three.
 */
import type fc from "fast-check"
import { callAlgorithm, violationAt } from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"

/** What every algorithm has: the state its first call is given. */
export interface Stateful {
  readonly initialState: unknown
}

/** The method of algorithms `A`, taking inputs `I` and giving outputs `O`. */
export interface StatefulCall<A extends Stateful, I, O> {
  /** The method's name, as messages say it: `decide`, `select`, `place`. */
  readonly verb: string
  /** What messages call its input: `history`, `VMs`, `input`. */
  readonly input: string
  /** The sequences of calls most properties are tried on. */
  readonly calls: fc.Arbitrary<ReadonlyArray<I>>
  /** Makes call `call` (1-based), checked to return `[output, state]` with an output of the right shape. */
  readonly invoke: (algorithm: A, input: I, state: unknown, call: number) => readonly [O, unknown]
}

/** Makes call `call` of `verb` and checks it returned a pair; `output` names its first element for the message. */
export const returnedPair = (
  call: number,
  verb: string,
  output: string,
  invoke: () => unknown
): readonly [unknown, unknown] => {
  const result: unknown = callAlgorithm(call, verb, invoke)
  if (!Array.isArray(result) || result.length !== 2) {
    return violationAt(call, `${verb} returned ${showValue(result)}, not [${output}, state]`)
  }
  return result as unknown as readonly [unknown, unknown]
}
