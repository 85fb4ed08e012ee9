/**
 * Stateful detectors typed by their state (`Detector<MhodState>`) are not `Detector<unknown>`:
 * a registry that hands out detectors by name must accept whatever state a caller stored. This
 * wraps a detector so it checks the state it is given against the state's schema first.
 */
import { Data, ParseResult, Schema } from "effect"
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
  return {
    initialState: detector.initialState,
    decide: (utilization, state) => {
      if (isState(state)) return detector.decide(utilization, state)
      const decoded = decode(state)
      if (decoded._tag === "Right") return detector.decide(utilization, decoded.right)
      const [issue] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
      const field = issue === undefined || issue.path.length === 0 ? "" : ` field ${issue.path.map(String).join(".")}`
      throw new InvalidDetectorState({
        algorithm,
        message: `${algorithm} state${field}: ${issue?.message ?? decoded.left.message}`
      })
    }
  }
}
