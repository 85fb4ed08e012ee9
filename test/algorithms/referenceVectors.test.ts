import { Either } from "effect"
import { expect, it } from "vitest"
import { runCase } from "../../src/algorithms/decideCases.js"
import { algorithmNames, findAlgorithm } from "../../src/algorithms/registry.js"
import { referenceCases } from "../support/reference.js"
import { describeWithRequirement } from "../support/requirement.js"

describeWithRequirement("Neat's reference vectors", referenceCases, (cases) => {
  const registered = cases
    .map((referenceCase, index) => ({ referenceCase, index }))
    .filter(({ referenceCase }) => findAlgorithm(referenceCase.algorithm) !== undefined)

  it("cover every registered algorithm", () => {
    const covered = new Set(registered.map(({ referenceCase }) => referenceCase.algorithm))
    // Neat's random selection and the always/never detectors have no vectors (random or trivial);
    // CloudSim's family is not Neat's (its tests: test/algorithms/cloudsim, reproduction.test.ts).
    const cloudsimFamily =
      /^(overload\/(thr|iqr|mad|lr|lrr)|selection\/(mmt|mc|mu|rs)|placement\/power_aware_best_fit)$/
    const untested = algorithmNames.filter((name) => !covered.has(name) && !cloudsimFamily.test(name))
    expect(untested).toEqual(["underload/always_underloaded", "overload/never_overloaded", "selection/random"])
    // Every case of the file belongs to a registered algorithm.
    expect(registered.length).toBe(cases.length)
  })

  it.each(registered.map((c) => [`${c.index} ${c.referenceCase.algorithm}`, c] as const))("case %s", (_label, c) => {
    const output = runCase(c.referenceCase, c.index)
    if (Either.isLeft(output)) throw new Error(output.left.message)
    // Same values and, for placements, the same key order (Neat's placement order).
    expect(JSON.stringify(output.right)).toBe(JSON.stringify(c.referenceCase.output))
  })
})
