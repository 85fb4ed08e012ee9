/** `NAME[:NUMBER or :JSON]` for the neat policy's algorithms, and Neat's shipped defaults. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  buildNeatAlgorithms,
  neatDefaultAlgorithms,
  parseNeatAlgorithm
} from "../../../../src/adapters/sim/policies/NeatAlgorithms.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

describe("neat policy algorithms", () => {
  it("read a name, a main parameter or JSON over the algorithm's defaults", () => {
    expect(parseNeatAlgorithm("overload", "threshold")).toEqual(
      Either.right({ name: "threshold", params: { threshold: 0.8 } })
    )
    expect(parseNeatAlgorithm("underload", "underload/threshold:0.3")).toEqual(
      Either.right({ name: "threshold", params: { threshold: 0.3 } })
    )
    expect(parseNeatAlgorithm("overload", 'otf:{"limit": 5}')).toEqual(
      Either.right({ name: "otf", params: { otf: 0.1, threshold: 0.8, limit: 5 } })
    )
    expect(parseNeatAlgorithm("overload", "mhod:0.2")).toEqual(
      Either.right({ name: "mhod", params: { ...(neatDefaultAlgorithms.overload.params as object), otf: 0.2 } })
    )
  })

  it("name the option of every mistake", () => {
    const field = (result: Either.Either<unknown, { readonly field: string; readonly message: string }>) =>
      Either.isLeft(result) ? `${result.left.field}: ${result.left.message}` : "accepted"
    expect(field(parseNeatAlgorithm("overload", ""))).toMatch(/^overload: expected NAME/)
    expect(field(parseNeatAlgorithm("overload", "threshold:high"))).toMatch(/^overload: expected NAME:NUMBER/)
    expect(field(parseNeatAlgorithm("selection", "random:3"))).toMatch(/^selection: "random" takes no single number/)
    expect(field(parseNeatAlgorithm("placement", "best_fit_decreasing:[1]"))).toMatch(
      /^placement: expected NAME:NUMBER or NAME:{JSON}/
    )
    expect(field(buildNeatAlgorithms({ underload: { name: "mhod", params: {} } }, ctx))).toMatch(/^underload: /)
    expect(field(buildNeatAlgorithms({ overload: { name: "threshold", params: { threshold: -1 } } }, ctx))).toMatch(
      /^overload: /
    )
  })

  it("default to Neat's shipped configuration", () => {
    expect(Either.isRight(buildNeatAlgorithms({}, ctx))).toBe(true)
  })
})
