/**
 * The simulator's `neat` policy defaults to Neat's shipped configuration without reading a file
 * (`neatDefaultAlgorithms`); this keeps that copy equal to config/neat.conf.
 */
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { neatDefaultAlgorithms } from "../../../src/adapters/sim/policies/NeatAlgorithms.js"
import { findAlgorithm } from "../../../src/algorithms/registry.js"
import { loadNeatConfig } from "../../../src/server/config/NeatConfig.js"

describe("the neat policy's default algorithms", () => {
  it("are the algorithms and parameters of config/neat.conf", async () => {
    const config = await Effect.runPromise(loadNeatConfig({ env: {} }).pipe(Effect.provide(NodeContext.layer)))
    for (const role of ["underload", "overload", "selection", "placement"] as const) {
      const shipped = config.algorithms[role]
      const simulated = neatDefaultAlgorithms[role]
      expect(findAlgorithm(shipped.name), role).toBeDefined()
      expect(findAlgorithm(`${role}/${simulated.name}`), role).toBe(findAlgorithm(shipped.name))
      expect(simulated.params, role).toEqual(shipped.params)
    }
  })
})
