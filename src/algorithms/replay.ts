/**
 * Replays a stateful detector over a utilisation history the way a local manager would: one
 * decision per new sample, each seeing the last `window` samples up to that step, with the state
 * carried from one decision to the next.
 */
import type { Detector } from "./types.js"

/** The decisions and the state after the last one. */
export interface Replay<S> {
  readonly decisions: ReadonlyArray<boolean>
  readonly finalState: S
}

/**
 * Calls `detector` once per step i = 1..n with `sequence[max(0, i - window) .. i)` (utilisation
 * fractions, oldest first), starting from `state` (the detector's initial state by default).
 */
export const replayDetectorWithState = <S>(
  detector: Detector<S>,
  sequence: ReadonlyArray<number>,
  window: number,
  state: S = detector.initialState
): Replay<S> => {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`)
  const decisions: Array<boolean> = new Array(sequence.length)
  for (let i = 1; i <= sequence.length; i++) {
    const [overloaded, next] = detector.decide(sequence.slice(Math.max(0, i - window), i), state)
    decisions[i - 1] = overloaded
    state = next
  }
  return { decisions, finalState: state }
}

/** The decision at every step of `sequence` (see {@link replayDetectorWithState}). */
export const replayDetector = <S>(
  detector: Detector<S>,
  sequence: ReadonlyArray<number>,
  window: number
): ReadonlyArray<boolean> => replayDetectorWithState(detector, sequence, window).decisions
