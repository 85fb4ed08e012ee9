import { readFileSync } from "node:fs"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { defaultConfigFile, resolveNeatConfig } from "../../../src/server/config/NeatConfig.js"
import { registryAlgorithmValidator } from "../../../src/server/config/registryValidator.js"

const defaults = { file: "config/neat.conf", text: readFileSync(defaultConfigFile, "utf8") }
const validate = registryAlgorithmValidator({ timeStepSec: 300, migrationTimeSec: 20 })

const resolve = (overrides: string) =>
  resolveNeatConfig([defaults, { file: "site.conf", text: `[DEFAULT]\n${overrides}` }], {}, validate)

describe("registryAlgorithmValidator", () => {
  it("accepts Neat's shipped algorithms and parameters", () => {
    expect(Either.isRight(resolve(""))).toBe(true)
  })

  it("accepts registry names, bare names and Neat's dotted names", () => {
    const result = resolve(
      [
        "algorithm_overload_detection_factory = mad_threshold",
        'algorithm_overload_detection_parameters = {"threshold": 2.5, "limit": 12}',
        "algorithm_underload_detection_factory = underload/threshold",
        'algorithm_underload_detection_parameters = {"threshold": 0.3}',
        "algorithm_vm_selection_factory = neat.locals.vm_selection.algorithms.minimum_migration_time_factory",
        "algorithm_vm_selection_parameters = {}"
      ].join("\n")
    )
    expect(Either.isRight(result) && result.right.algorithms.overload.name).toBe("mad_threshold")
  })

  it("reports unknown algorithms and bad parameters with both options' sources", () => {
    const result = resolve(
      [
        "algorithm_overload_detection_factory = overload/nonexistent",
        'algorithm_vm_placement_parameters = {"cpu_threshold": 0.9, "ram_treshold": 0.9}'
      ].join("\n")
    )
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const problems = result.left.problems.map((p) => [p.field, p.source, p.message])
      expect(problems[0]?.[0]).toBe("algorithm_overload_detection_factory")
      expect(problems[0]?.[1]).toMatch(/^site\.conf:2, config\/neat\.conf:\d+$/)
      expect(problems[0]?.[2]).toContain('unknown overload algorithm "overload/nonexistent"')
      expect(problems[1]?.[0]).toBe("algorithm_vm_placement_factory")
      expect(problems[1]?.[1]).toMatch(/^config\/neat\.conf:\d+, site\.conf:3$/)
      expect(problems[1]?.[2]).toMatch(/^params/)
      expect(problems).toHaveLength(2)
    }
  })
})
