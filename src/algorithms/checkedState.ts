/**
 * Stateful detectors typed by their state (`Detector<MhodState>`) are not `Detector<unknown>`:
 * a registry that hands out detectors by name must accept whatever state a caller stored. This
 * wraps a detector so it checks the state it is given against the state's schema first.
 */
import { Data, Schema } from "effect"
import { describeParseError } from "../core/schemaErrors.js"
import type { Detector } from "./types.js"

/** A detector was given a state that is not one of its own (e.g. a corrupted or foreign stored state). */
export class InvalidDetectorState extends Data.TaggedError("InvalidDetectorState")<{
  readonly algorithm: string
  readonly message: string
}> {}

/**
 * `detector` accepting an unknown state: a state that does not match `schema` throws
 * InvalidDetectorState naming the algorithm and the bad field. Valid states pass through unchanged.
 */
export const withCheckedState = <S, I>(
  algorithm: string,
  detector: Detector<S>,
  schema: Schema.Schema<S, I, never>
): Detector<unknown> => {
  const isState = Schema.is(schema)
  const decode = Schema.decodeUnknownEither(schema)
  // States the detector returned itself need no check: a caller that hands back what it was given
  // (a simulation calling it many times an interval) skips the schema walk.
  const own = new WeakSet<object>()
  const decided = (result: readonly [boolean, S]): readonly [boolean, unknown] => {
    if (typeof result[1] === "object" && result[1] !== null) own.add(result[1])
    return result
  }
  return {
    initialState: detector.initialState,
    decide: (utilization, state) => {
      if (typeof state === "object" && state !== null && own.has(state)) {
        return decided(detector.decide(utilization, state as S))
      }
      if (isState(state)) return decided(detector.decide(utilization, state))
      const decoded = decode(state)
      if (decoded._tag === "Right") return decided(detector.decide(utilization, decoded.right))
      const problem = describeParseError(decoded.left)
      const field = problem.field === "" ? "" : ` field ${problem.field}`
      throw new InvalidDetectorState({ algorithm, message: `${algorithm} state${field}: ${problem.message}` })
    }
  }
}
