import { assert, describe, it } from "@effect/vitest"
import {
  mergeSteps,
  planOfSteps,
  selectSteps,
  stepsConflict,
  stepsOfPlan
} from "../../../src/core/control/PlanSteps.js"

const keysAndAfter = (steps: ReturnType<typeof stepsOfPlan>) => steps.map((step) => [step.key, [...step.after]])

describe("plan steps", () => {
  it("orders a plan's actions: wakes, migrations after the wake of their target, suspends after what leaves", () => {
    const steps = stepsOfPlan({
      migrations: [
        { vm: "a", from: "h1", to: "h4" },
        { vm: "b", from: "h1", to: "h2" }
      ],
      wake: ["h4"],
      suspend: ["h1", "h5"]
    })
    assert.deepStrictEqual(keysAndAfter(steps), [
      ["wake:h4", []],
      ["migrate:a", ["wake:h4"]],
      ["migrate:b", []],
      ["suspend:h1", ["migrate:a", "migrate:b"]],
      ["suspend:h5", []]
    ])
  })

  it("merges without duplicates: the same suspend once, a wake and a suspend cancel, a VM moved twice moves once", () => {
    const first = stepsOfPlan({ migrations: [{ vm: "a", from: "h1", to: "h2" }], wake: [], suspend: ["h1", "h5"] })
    // Planned after the first: h5 is suspended again (a duplicate), h1 is woken for c, a moves on to h3.
    const merged = mergeSteps(first, {
      migrations: [
        { vm: "c", from: "h6", to: "h1" },
        { vm: "a", from: "h2", to: "h3" }
      ],
      wake: ["h1"],
      suspend: ["h5"]
    })
    assert.deepStrictEqual(keysAndAfter(merged), [
      ["migrate:a", []],
      ["migrate:c", ["migrate:a"]],
      ["suspend:h5", []]
    ])
    assert.deepStrictEqual(planOfSteps(merged), {
      migrations: [
        { vm: "a", from: "h1", to: "h3" },
        { vm: "c", from: "h6", to: "h1" }
      ],
      wake: [],
      suspend: ["h5"]
    })
    // A VM moved back where it started does not move.
    const back = mergeSteps(first, { migrations: [{ vm: "a", from: "h2", to: "h1" }], wake: ["h1"], suspend: [] })
    assert.deepStrictEqual(keysAndAfter(back), [["suspend:h5", []]])
  })

  it("approving some actions skips the others and every action depending on a skipped one", () => {
    const steps = stepsOfPlan({
      migrations: [
        { vm: "a", from: "h1", to: "h4" },
        { vm: "b", from: "h1", to: "h2" }
      ],
      wake: ["h4"],
      suspend: ["h1"]
    })
    const chosen = selectSteps(steps, ["migrate:a", "migrate:b", "suspend:h1", "wake:h9"])
    assert.deepStrictEqual(chosen.unknown, ["wake:h9"])
    const some = selectSteps(steps, ["migrate:a", "migrate:b", "suspend:h1"])
    assert.deepStrictEqual(
      some.approved.map((step) => step.key),
      ["migrate:b"]
    )
    assert.deepStrictEqual(
      some.skipped.map(({ step, reason }) => [step.key, reason]),
      [
        ["wake:h4", "not approved"],
        ["migrate:a", "depends on wake:h4, which is skipped"],
        ["suspend:h1", "depends on migrate:a, which is skipped"]
      ]
    )
    assert.strictEqual(selectSteps(steps, undefined).approved.length, 4)
  })

  it("two plans conflict when they share a host or a VM", () => {
    const one = stepsOfPlan({ migrations: [{ vm: "a", from: "h1", to: "h2" }], wake: [], suspend: [] })
    assert.isTrue(stepsConflict(one, stepsOfPlan({ migrations: [], wake: [], suspend: ["h2"] })))
    assert.isFalse(
      stepsConflict(one, stepsOfPlan({ migrations: [{ vm: "b", from: "h3", to: "h4" }], wake: [], suspend: [] }))
    )
  })
})
