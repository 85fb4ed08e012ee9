import { describe, expect, it } from "vitest"
import { InvalidDetectorState, withCheckedState } from "../../src/algorithms/checkedState.js"
import { MhodStateSchema, mhod } from "../../src/algorithms/overload/mhod/index.js"
import { OtfStateSchema, otf } from "../../src/algorithms/overload/otf.js"
import type { Detector } from "../../src/algorithms/types.js"
import { describeError } from "../../src/core/errors.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

describe("withCheckedState", () => {
  it("gives a Detector<unknown> that decides exactly like the typed one", () => {
    const typed = otf({ otf: 0.5, threshold: 1, limit: 2 }, ctx)
    const checked: Detector = withCheckedState("overload/otf", typed, OtfStateSchema)
    const history = [0.9, 1.3, 1.1, 1.2]
    let typedState = typed.initialState
    let checkedState: unknown = checked.initialState
    for (let i = 1; i <= history.length; i++) {
      const [a, nextTyped] = typed.decide(history.slice(0, i), typedState)
      const [b, nextChecked] = checked.decide(history.slice(0, i), JSON.parse(JSON.stringify(checkedState)))
      expect(b).toBe(a)
      expect(nextChecked).toEqual(nextTyped)
      typedState = nextTyped
      checkedState = nextChecked
    }
  })

  it("names the algorithm and the field of a bad state", () => {
    const detector = withCheckedState(
      "overload/mhod",
      mhod(
        {
          state_config: [0.8],
          otf: 0.2,
          history_size: 500,
          window_sizes: [30],
          bruteforce_step: 0.5,
          learning_steps: 10
        },
        ctx
      ),
      MhodStateSchema
    )
    const bad = { previousState: 0, timeInStates: "7", timeInStateN: 0 }
    try {
      detector.decide([0.5], bad)
      expect.fail("a bad state must be rejected")
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDetectorState)
      if (error instanceof InvalidDetectorState) {
        expect(error.algorithm).toBe("overload/mhod")
        expect(describeError(error)).toBe(
          'InvalidDetectorState: overload/mhod state field timeInStates: expected number, actual "7"'
        )
      }
    }
  })
})
