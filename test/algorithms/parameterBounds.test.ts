import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { findAlgorithm } from "../../src/algorithms/registry.js"

describe("every count of samples an algorithm takes is bounded", () => {
  it.each([
    ["overload/last_n_average_threshold", { threshold: 0.9, n: 1e12 }, "params.n"],
    ["underload/last_n_average_threshold", { threshold: 0.5, n: 1e12 }, "params.n"],
    ["overload/otf", { otf: 0.1, threshold: 0.9, limit: 1e12 }, "params.limit"],
    ["overload/loess", { threshold: 1, param: 1.2, length: 1e12 }, "params.length"],
    ["selection/minimum_migration_time_max_cpu", { last_n: 1e12 }, "params.last_n"],
    [
      "placement/best_fit_decreasing",
      { cpu_threshold: 0.8, ram_threshold: 0.95, last_n_vm_cpu: 1e12 },
      "params.last_n_vm_cpu"
    ]
  ])("%s refuses %j", (name, params, field) => {
    const entry = findAlgorithm(name)
    expect(entry, name).toBeDefined()
    const built: Either.Either<unknown, { readonly field: string; readonly message: string }> = entry!.make(params, {
      timeStepSec: 300,
      migrationTimeSec: 20
    })
    if (Either.isRight(built)) return expect.fail(`${name} accepted ${JSON.stringify(params)}`)
    expect(built.left.field).toBe(field)
    expect(built.left.message).toMatch(/1000000/)
  })
})
