import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeSelector } from "../../../src/algorithms/registry.js"
import { minimumMigrationTime } from "../../../src/algorithms/selection/minimum_migration_time.js"
import { minimumMigrationTimeMaxCpu } from "../../../src/algorithms/selection/minimum_migration_time_max_cpu.js"
import { minimumUtilization } from "../../../src/algorithms/selection/minimum_utilization.js"
import { nextUniform, prngState } from "../../../src/algorithms/selection/prng.js"
import { randomSelection } from "../../../src/algorithms/selection/random.js"
import type { VmSelector } from "../../../src/algorithms/types.js"
import type { VmSample } from "../../../src/core/Vm.js"

// As in Neat's tests: 36-character UUIDs over "abc123-", CPU 0..3000 MHz, RAM 0..3000 MB.
const vmsArb: fc.Arbitrary<ReadonlyArray<VmSample>> = fc
  .uniqueArray(fc.stringMatching(/^[abc123-]{36}$/), { minLength: 1, maxLength: 5 })
  .chain((uuids) =>
    fc.tuple(
      ...uuids.map((uuid) =>
        fc.record({
          uuid: fc.constant(uuid),
          cpuMhz: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 10 }),
          ramMb: fc.integer({ min: 0, max: 3000 })
        })
      )
    )
  )

const selectOnce = <S>(selector: VmSelector<S>, vms: ReadonlyArray<VmSample>) =>
  selector.select(vms, selector.initialState)[0]

const firstIndexOf = (values: ReadonlyArray<number>, target: number) => values.indexOf(target)

describe("VM selection", () => {
  it("minimum_migration_time selects the first VM with the least RAM", () => {
    fc.assert(
      fc.property(vmsArb, (vms) => {
        const rams = vms.map((vm) => vm.ramMb)
        expect(selectOnce(minimumMigrationTime({}), vms)).toEqual([vms[firstIndexOf(rams, Math.min(...rams))]!.uuid])
      })
    )
  })

  it("minimum_utilization selects the first VM with the lowest last sample", () => {
    fc.assert(
      fc.property(vmsArb, (vms) => {
        const last = vms.map((vm) => vm.cpuMhz[vm.cpuMhz.length - 1]!)
        expect(selectOnce(minimumUtilization({}), vms)).toEqual([vms[firstIndexOf(last, Math.min(...last))]!.uuid])
      })
    )
  })

  it("minimum_migration_time_max_cpu selects, among the least-RAM VMs, the first with the highest mean", () => {
    fc.assert(
      fc.property(vmsArb, fc.integer({ min: 1, max: 10 }), fc.boolean(), (vms, lastN, equalRam) => {
        const candidates = equalRam ? vms.map((vm) => ({ ...vm, ramMb: 2048 })) : vms
        const minimumRam = Math.min(...candidates.map((vm) => vm.ramMb))
        const means = candidates.map((vm) =>
          vm.ramMb === minimumRam
            ? vm.cpuMhz.slice(-lastN).reduce((a, b) => a + b, 0) / vm.cpuMhz.slice(-lastN).length
            : -1
        )
        const best = Math.max(...means)
        // Neat only selects a VM whose mean is above 0.
        const expected = best > 0 ? [candidates[firstIndexOf(means, best)]!.uuid] : []
        expect(selectOnce(minimumMigrationTimeMaxCpu({ last_n: lastN }), candidates)).toEqual(expected)
      })
    )
  })

  it("every selector returns a member of its input", () => {
    const ctx = { timeStepSec: 300, migrationTimeSec: 20 }
    const selectors = [
      ["minimum_migration_time", {}],
      ["minimum_utilization", {}],
      ["minimum_migration_time_max_cpu", { last_n: 2 }],
      ["random", { seed: 7 }]
    ].map(([name, params]) => Either.getOrThrow(makeSelector(String(name), params, ctx)))
    fc.assert(
      fc.property(vmsArb, (vms) => {
        const uuids = new Set(vms.map((vm) => vm.uuid))
        for (const selector of selectors) {
          const selected = selectOnce(selector, vms)
          expect(selected.length).toBeLessThanOrEqual(1)
          for (const uuid of selected) expect(uuids.has(uuid)).toBe(true)
        }
      })
    )
  })

  it("selects nothing from no VMs", () => {
    expect(selectOnce(minimumMigrationTime({}), [])).toEqual([])
    expect(selectOnce(minimumUtilization({}), [])).toEqual([])
    expect(selectOnce(minimumMigrationTimeMaxCpu({ last_n: 1 }), [])).toEqual([])
    expect(selectOnce(randomSelection({ seed: 1 }), [])).toEqual([])
  })
})

describe("random selection", () => {
  const vms = ["a", "b", "c", "d", "e"].map((uuid) => ({ uuid, cpuMhz: [100], ramMb: 512 }))

  const draw = (seed: number, count: number) => {
    const selector = randomSelection({ seed })
    let state = selector.initialState
    const picks: Array<string> = []
    for (let i = 0; i < count; i++) {
      const [selected, next] = selector.select(vms, state)
      picks.push(selected[0]!)
      state = next
    }
    return picks
  }

  it("replays the same selections from the same seed", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(draw(seed, 20)).toEqual(draw(seed, 20))
      })
    )
  })

  it("carries its generator in its state, so successive calls differ and seeds differ", () => {
    const picks = draw(42, 2000)
    for (const vm of vms) {
      const share = picks.filter((uuid) => uuid === vm.uuid).length / picks.length
      expect(share).toBeGreaterThan(0.15)
      expect(share).toBeLessThan(0.25)
    }
    expect(draw(1, 20)).not.toEqual(draw(2, 20))
  })

  it("draws uniformly in [0, 1)", () => {
    let state = prngState(3)
    for (let i = 0; i < 1000; i++) {
      const [uniform, next] = nextUniform(state)
      expect(uniform).toBeGreaterThanOrEqual(0)
      expect(uniform).toBeLessThan(1)
      state = next
    }
  })
})
