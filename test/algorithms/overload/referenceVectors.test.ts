import { Schema } from "effect"
import { expect, it } from "vitest"
import { MhodParamsSchema, mhod } from "../../../src/algorithms/overload/mhod/index.js"
import { OtfParamsSchema, otf } from "../../../src/algorithms/overload/otf.js"
import { replayDetector } from "../../../src/algorithms/replay.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { detectorCases } from "./referenceVectors.js"

describeWithRequirement(
  "overload/mhod reproduces Neat's reference vectors",
  detectorCases("overload/mhod"),
  (mhodCases) => {
    it("has the 20 cases", () => expect(mhodCases.length).toBe(20))
    mhodCases.forEach((c, index) => {
      it(`case ${index}`, () => {
        const params = Schema.decodeUnknownSync(MhodParamsSchema)(c.params)
        // Neat's mhod_factory takes time_step and migration_time in seconds.
        const detector = mhod(params, {
          timeStepSec: Number(c.params.time_step),
          migrationTimeSec: Number(c.params.migration_time)
        })
        expect(replayDetector(detector, c.input.utilization_sequence, c.params.window)).toEqual(c.output)
      })
    })
  }
)

describeWithRequirement(
  "overload/otf reproduces Neat's reference vectors",
  detectorCases("overload/otf"),
  (otfCases) => {
    it("has the 20 cases", () => expect(otfCases.length).toBe(20))
    otfCases.forEach((c, index) => {
      it(`case ${index}`, () => {
        const params = Schema.decodeUnknownSync(OtfParamsSchema)(c.params)
        // A one-second step makes migrationTimeSec / timeStepSec exactly migration_time_steps.
        const detector = otf(params, { timeStepSec: 1, migrationTimeSec: Number(c.params.migration_time_steps) })
        expect(replayDetector(detector, c.input.utilization_sequence, c.params.window)).toEqual(c.output)
      })
    })
  }
)
