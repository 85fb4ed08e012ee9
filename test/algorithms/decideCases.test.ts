import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { decideSequence, describeCaseError, runCase, runCases } from "../../src/algorithms/decideCases.js"
import type { Detector } from "../../src/algorithms/types.js"

const errorOf = (raw: unknown, index = 0): string => {
  const result = runCase(raw, index)
  if (Either.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`)
  return describeCaseError(result.left)
}

const outputOf = (raw: unknown): unknown => Either.getOrThrow(runCase(raw, 0))

const vm = (uuid: string, cpu: ReadonlyArray<number>, ram: number) => ({ uuid, cpu_mhz: cpu, ram_mb: ram })

describe("decide cases", () => {
  it("decides once on `utilization` and once per step on `utilization_sequence`", () => {
    const threshold = { algorithm: "overload/threshold", params: { threshold: 0.5 } }
    expect(outputOf({ ...threshold, input: { utilization: [0.4, 0.6] } })).toBe(true)
    expect(outputOf({ ...threshold, input: { utilization_sequence: [0.4, 0.6, 0.5] } })).toEqual([false, true, false])
  })

  it("gives each step the last `window` values and carries the state", () => {
    const seen: Array<ReadonlyArray<number>> = []
    const counting: Detector<number> = {
      initialState: 0,
      decide: (utilization, calls) => {
        seen.push([...utilization])
        return [calls % 2 === 1, calls + 1]
      }
    }
    expect(decideSequence(counting as unknown as Detector, [1, 2, 3, 4], 2)).toEqual([false, true, false, true])
    expect(seen).toEqual([[1], [1, 2], [2, 3], [3, 4]])
    seen.length = 0
    decideSequence(counting as unknown as Detector, [1, 2, 3], undefined)
    expect(seen).toEqual([[1], [1, 2], [1, 2, 3]])
  })

  it("maps the migration time onto the algorithm's context as Neat's factories do", () => {
    const rising = { utilization: [0.5, 0.6, 0.7, 0.8] }
    const loess = { algorithm: "overload/loess", input: rising }
    const params = { threshold: 1, param: 1, length: 4 }
    expect(outputOf({ ...loess, params: { ...params, migration_time_steps: 3 } })).toBe(true)
    expect(outputOf({ ...loess, params: { ...params, time_step: 300, migration_time: 900 } })).toBe(true)
    expect(outputOf({ ...loess, params: { ...params, time_step: 300, migration_time: 300 } })).toBe(false)
    // Without a migration time, the prediction is for the next step: 0.9.
    expect(outputOf({ ...loess, params })).toBe(false)
  })

  it("outputs the selected UUID, or null when nothing is selected", () => {
    const selection = { algorithm: "selection/minimum_migration_time_max_cpu", params: { last_n: 2 } }
    expect(outputOf({ ...selection, input: { vms: [vm("a", [5, 10], 512), vm("b", [50], 512)] } })).toBe("b")
    expect(outputOf({ ...selection, input: { vms: [vm("a", [0], 512)] } })).toBeNull()
    expect(outputOf({ algorithm: "selection/random", params: { seed: 3 }, input: { vms: [vm("a", [1], 1)] } })).toBe(
      "a"
    )
  })

  it("outputs a placement, or {} when not every VM fits", () => {
    const host = { name: "h", cpu_mhz_total: 1000, cpu_mhz_used: 0, ram_mb_total: 1024, ram_mb_used: 0 }
    const placement = {
      algorithm: "placement/best_fit_decreasing",
      params: { cpu_threshold: 1, ram_threshold: 1, last_n_vm_cpu: 1 }
    }
    expect(outputOf({ ...placement, input: { hosts: [host], vms: [vm("a", [500], 512)] } })).toEqual({ a: "h" })
    expect(outputOf({ ...placement, input: { hosts: [host], vms: [vm("a", [1500], 512)] } })).toEqual({})
  })

  it("accepts Neat's dotted factory names and ignores a case's expected output", () => {
    const neatCase = {
      algorithm: "neat.locals.underload.trivial.threshold_factory",
      params: { threshold: 0.5 },
      input: { utilization: [0.2] },
      output: false
    }
    expect(outputOf(neatCase)).toBe(true)
  })

  it("names the case and the field of every bad case", () => {
    const threshold = { algorithm: "overload/threshold", params: { threshold: 0.5 }, input: { utilization: [0.5] } }
    expect(errorOf("x", 2)).toBe("case 2: expected an object {algorithm, params, input}")
    expect(errorOf({ ...threshold, algorithm: 3 })).toMatch(/^case 0: algorithm: expected a string/)
    expect(errorOf({ ...threshold, algorithm: "overload/nope" }, 4)).toMatch(
      /^case 4: algorithm: unknown algorithm "overload\/nope" \(known: /
    )
    expect(errorOf({ ...threshold, params: { threshold: "high" } }, 3)).toBe(
      'case 3: params.threshold: expected a number, got "high"'
    )
    expect(errorOf({ ...threshold, params: [] })).toBe("case 0: params: expected an object")
    expect(errorOf({ ...threshold, params: { threshold: 0.5, window: 0 } })).toBe(
      "case 0: params.window: expected an integer >= 1, got 0"
    )
    expect(errorOf({ ...threshold, params: { threshold: 0.5, time_step: 0 } })).toBe(
      "case 0: params.time_step: expected a number > 0, got 0"
    )
    expect(errorOf({ ...threshold, input: undefined })).toBe("case 0: input: is required")
    expect(errorOf({ ...threshold, input: {} })).toBe(
      "case 0: input.utilization: is required (or input.utilization_sequence)"
    )
    expect(errorOf({ ...threshold, input: { utilization: [0.1, null] } })).toBe(
      "case 0: input.utilization[1]: expected a number, got null"
    )
    expect(errorOf({ ...threshold, expected: true })).toBe(
      "case 0: expected: is not a known field (expected: algorithm, params, input)"
    )
  })

  it("names the bad VM or host of a selection or placement case", () => {
    const selection = { algorithm: "selection/minimum_utilization", params: {} }
    expect(errorOf({ ...selection, input: { vms: [vm("a", [1], 1), { uuid: "b", cpu_mhz: 5, ram_mb: 1 }] } })).toMatch(
      /^case 0: input\.vms\[1\]\.cpu_mhz: /
    )
    expect(errorOf({ ...selection, input: { vms: [vm("a", [1], 1), vm("a", [2], 1)] } })).toBe(
      'case 0: input.vms[1].uuid: duplicate UUID "a"'
    )
    expect(errorOf({ ...selection, input: { vms: [{ uuid: "a", cpu_mhz: [1] }] } })).toBe(
      "case 0: input.vms[0].ram_mb: is required"
    )
    const host = { name: "h", cpu_mhz_total: 1000, cpu_mhz_used: 0, ram_mb_total: 1024, ram_mb_used: 0 }
    const placement = {
      algorithm: "placement/best_fit_decreasing",
      params: { cpu_threshold: 0.8, ram_threshold: 0.9, last_n_vm_cpu: 1 }
    }
    expect(
      errorOf({
        ...placement,
        input: { hosts: [host], inactive_hosts: [{ name: "h", cpu_mhz_total: 1, ram_mb_total: 1 }], vms: [] }
      })
    ).toBe('case 0: input.inactive_hosts[0].name: duplicate host name "h"')
    expect(errorOf({ ...placement, input: { hosts: [{ ...host, cpu_mhz_used: -1 }], vms: [] } })).toBe(
      "case 0: input.hosts[0].cpu_mhz_used: expected a number >= 0, got -1"
    )
  })

  it("runs cases in order and stops at the first bad one", () => {
    const good = { algorithm: "underload/always_underloaded", params: {}, input: { utilization: [] } }
    expect(Either.getOrThrow(runCases([good, good]))).toEqual([true, true])
    const result = runCases([good, { ...good, input: 1 }, { ...good, algorithm: "x" }])
    expect(Either.isLeft(result) && describeCaseError(result.left)).toBe("case 1: input: expected an object")
  })
})
