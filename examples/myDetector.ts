/**
 * An overload detector: the host is overloaded once its utilisation has exceeded `threshold` for
 * `intervals` intervals in a row, so a single spike does not trigger migrations. The run of
 * intervals is the detector's state: it comes in with each call and goes out with the verdict.
 *
 *   neat check ./examples/myDetector.ts#myDetector
 *   neat sim --policy neat --overload './examples/myDetector.ts#myDetector:{"threshold":0.9,"intervals":2}'
 */
import { type Detector, Fraction, PositiveInteger, Schema, withParams } from "neat/algorithms"

/** How many intervals in a row the host has been above the threshold. */
export type SustainedState = { readonly above: number }

export const myDetector = withParams(
  Schema.Struct({ threshold: Fraction, intervals: PositiveInteger }),
  ({ threshold, intervals }): Detector<SustainedState> => ({
    initialState: { above: 0 },
    decide: (utilization, state) => {
      const newest = utilization.at(-1) ?? 0
      const above = newest > threshold ? state.above + 1 : 0
      return [above >= intervals, { above }]
    }
  }),
  // `myDetector:0.9` sets the threshold; missing parameters take these values.
  { defaults: { threshold: 0.8, intervals: 3 }, numericParam: "threshold" }
)
