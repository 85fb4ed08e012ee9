/**
 * The expected values of OpenStack Neat's own Python test suite (tests/locals/underload,
 * tests/locals/overload/test_trivial.py and test_statistics.py, tests/globals/vm_placement),
 * run as `neat decide` cases.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { runCase } from "../../src/algorithms/decideCases.js"

interface SuiteCase {
  readonly algorithm: string
  readonly params: Readonly<Record<string, unknown>>
  readonly input: Readonly<Record<string, unknown>>
  readonly output: unknown
}

const decisions = (
  algorithm: string,
  params: Readonly<Record<string, unknown>>,
  expectations: ReadonlyArray<readonly [ReadonlyArray<number>, boolean]>
): ReadonlyArray<SuiteCase> =>
  expectations.map(([utilization, output]) => ({ algorithm, params, input: { utilization }, output }))

const high = [0.9, 0.8, 1.1, 1.2]
const rising = [1.05, 1.09, 1.07, 1.12, 1.02, 1.18, 1.15, 1.04, 1.1, 1.16, 1.08]
const falling = [
  0.55, 0.6, 0.62, 0.59, 0.67, 0.73, 0.85, 0.97, 0.73, 0.68, 0.69, 0.52, 0.51, 0.55, 0.48, 0.46, 0.52, 0.55, 0.58, 0.65,
  0.7
]
const madOfAnEighth = [0.375, 0.5, 0.625, 0.375, 0.5, 0.625, 0.375, 0.5, 0.625]
const iqrOfAnEighth = [0.375, 0.4375, 0.5, 0.375, 0.4375, 0.5, 0.375, 0.4375, 0.5]
// Neat's factory tests use a 300 s time step and a 20 s migration; its direct tests 0.5 steps.
const loessByFactory = { threshold: 1.0, param: 1.2, length: 3, time_step: 300, migration_time: 20 }
const loessDirect = { threshold: 1.0, param: 1.2, length: 3, migration_time_steps: 0.5 }

const detectorCases: ReadonlyArray<SuiteCase> = [
  ...decisions("underload/threshold", { threshold: 0.5 }, [
    [[], false],
    [[0.0, 0.0], true],
    [[0.0, 0.4], true],
    [[0.0, 0.5], true],
    [[0.0, 0.6], false],
    [[0.0, 1.0], false]
  ]),
  ...decisions("underload/last_n_average_threshold", { threshold: 0.5, n: 2 }, [
    [[], false],
    [[0.0, 0.0], true],
    [[0.0, 0.4], true],
    [[0.0, 0.5], true],
    [[0.0, 0.6], true],
    [[0.0, 1.0], true],
    [[0.2, 1.0], false],
    [[0.0, 0.2, 1.0], false],
    [[0.0, 1.0, 1.0], false],
    [[0.0, 0.6, 0.6], false]
  ]),
  ...decisions("underload/last_n_average_threshold", { threshold: 0.5, n: 3 }, [[[0.0, 0.6, 0.6], true]]),
  ...decisions("underload/always_underloaded", {}, [
    [[], true],
    [[0.3, 1.5], true]
  ]),
  ...decisions("overload/never_overloaded", {}, [
    [[], false],
    [[1.0, 2.0], false]
  ]),
  ...decisions("overload/threshold", { threshold: 0.5 }, [
    [[...high, 1.3], true],
    [[...high, 0.6], true],
    [[...high, 0.5], false],
    [[...high, 0.3], false],
    [[], false]
  ]),
  ...decisions("overload/last_n_average_threshold", { threshold: 0.5, n: 1 }, [
    [[...high, 1.3], true],
    [[...high, 0.6], true],
    [[...high, 0.5], false],
    [[...high, 0.3], false],
    [[], false]
  ]),
  ...decisions("overload/last_n_average_threshold", { threshold: 0.5, n: 2 }, [
    [[...high, 1.3], true],
    [[...high, 0.6], true],
    [[...high, 0.4], true],
    [[0.9, 0.8, 1.1, 0.4, 0.5], false],
    [[0.9, 0.8, 1.1, 0.2, 0.3], false],
    [[], false]
  ]),
  ...["overload/loess", "overload/loess_robust"].flatMap((algorithm) => [
    ...decisions(algorithm, loessByFactory, [
      [[], false],
      [rising, true],
      [falling, false]
    ]),
    ...decisions(algorithm, loessDirect, [
      [[], false],
      [rising, true],
      [falling, false]
    ])
  ]),
  // Neat's utilization_threshold_abstract: no decision below `limit` values; MAD/IQR of a flat history is 0.
  ...["overload/mad_threshold", "overload/iqr_threshold"].flatMap((algorithm) =>
    decisions(algorithm, { threshold: 1.6, limit: 3 }, [
      [[], false],
      [[1.0, 1.0], false],
      [[0.0, 0.0, 0.0], false],
      [[0.0, 0.0, 1.0], true]
    ])
  ),
  // Neat's factory tests mock MAD and IQR to 0.125 (threshold 1 - 1.6 * 0.125 = 0.8); these histories
  // have a MAD, respectively an IQR, of exactly 0.125 whatever their last value in [0, 1].
  ...decisions(
    "overload/mad_threshold",
    { threshold: 1.6, limit: 3 },
    [0.0, 0.5, 0.6, 0.8, 0.9, 1.0].map((last) => [[...madOfAnEighth, last], last >= 0.8] as const)
  ),
  ...decisions(
    "overload/iqr_threshold",
    { threshold: 1.6, limit: 3 },
    [0.0, 0.5, 0.6, 0.8, 0.9, 1.0].map((last) => [[...iqrOfAnEighth, last], last >= 0.8] as const)
  ),
  // MAD([0, 0, 0, 0.8]) = 0: threshold 1. IQR([0, 0, 0, 0.8]) = sorted[3] - sorted[0] = 0.8: threshold -0.28.
  ...decisions("overload/mad_threshold", { threshold: 1.6, limit: 3 }, [[[0.0, 0.0, 0.0, 0.8], false]]),
  ...decisions("overload/iqr_threshold", { threshold: 1.6, limit: 3 }, [[[0.0, 0.0, 0.0, 0.8], true]])
]

const host = (name: string, cpuFree: number, ramFree: number) => ({
  name,
  cpu_mhz_total: cpuFree,
  cpu_mhz_used: 0,
  ram_mb_total: ramFree,
  ram_mb_used: 0
})
const idle = (name: string, cpu: number, ram: number) => ({ name, cpu_mhz_total: cpu, ram_mb_total: ram })
const vm = (uuid: string, cpu: ReadonlyArray<number>, ram: number) => ({ uuid, cpu_mhz: cpu, ram_mb: ram })
// best_fit_decreasing() receives available capacities: thresholds of 1 on empty hosts give exactly those.
const direct = { cpu_threshold: 1, ram_threshold: 1 }
const threeHosts = [host("host1", 3000, 4096), host("host2", 1000, 1024), host("host3", 2000, 2048)]
const threeIdle = [idle("host4", 3000, 4096), idle("host5", 1000, 1024), idle("host6", 2000, 2048)]
const sameCpu = (ram1: number, ram2: number, ram3: number) => [
  vm("vm1", [100, 1000], ram1),
  vm("vm2", [100, 1000], ram2),
  vm("vm3", [100, 1000], ram3)
]

const placementCases: ReadonlyArray<SuiteCase> = [
  {
    algorithm: "placement/best_fit_decreasing",
    params: { cpu_threshold: 0.8, ram_threshold: 0.9, last_n_vm_cpu: 1 },
    input: {
      hosts: [
        { name: "host1", cpu_mhz_total: 4000, cpu_mhz_used: 200, ram_mb_total: 8192, ram_mb_used: 3276 },
        { name: "host2", cpu_mhz_total: 4000, cpu_mhz_used: 2200, ram_mb_total: 8192, ram_mb_used: 6348 },
        { name: "host3", cpu_mhz_total: 4000, cpu_mhz_used: 1200, ram_mb_total: 8192, ram_mb_used: 5324 }
      ],
      inactive_hosts: threeIdle,
      vms: sameCpu(2048, 4096, 2048)
    },
    output: { vm1: "host6", vm2: "host1", vm3: "host3" }
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 1 },
    input: {
      hosts: [host("host1", 3000, 1024), host("host2", 1000, 4096), host("host3", 2000, 2048)],
      inactive_hosts: [],
      vms: [vm("vm1", [100, 2000], 512), vm("vm2", [100, 1000], 512), vm("vm3", [100, 3000], 512)]
    },
    output: { vm1: "host3", vm2: "host2", vm3: "host1" }
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 1 },
    input: { hosts: threeHosts, inactive_hosts: [], vms: sameCpu(1536, 512, 1536) },
    output: { vm1: "host1", vm2: "host2", vm3: "host3" }
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 1 },
    input: { hosts: threeHosts, inactive_hosts: [], vms: sameCpu(1536, 1536, 1536) },
    output: { vm1: "host1", vm2: "host1", vm3: "host3" }
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 1 },
    input: { hosts: threeHosts, inactive_hosts: [], vms: sameCpu(3072, 1536, 1536) },
    output: {}
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 1 },
    input: { hosts: threeHosts, inactive_hosts: threeIdle, vms: sameCpu(2048, 4096, 2048) },
    output: { vm1: "host6", vm2: "host1", vm3: "host3" }
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 1 },
    input: { hosts: threeHosts, inactive_hosts: threeIdle, vms: sameCpu(2048, 5120, 2048) },
    output: {}
  },
  {
    algorithm: "placement/best_fit_decreasing",
    params: { ...direct, last_n_vm_cpu: 2 },
    input: {
      hosts: threeHosts,
      inactive_hosts: [],
      vms: [vm("vm1", [1000, 1000], 1536), vm("vm2", [0, 2000], 1536), vm("vm3", [500, 1500], 1536)]
    },
    output: { vm1: "host1", vm2: "host1", vm3: "host3" }
  }
]

const run = (suiteCase: SuiteCase, index: number): unknown => {
  const output = runCase(suiteCase, index)
  if (Either.isLeft(output)) throw new Error(output.left.message)
  return output.right
}

describe("Neat's Python test suite, as cases", () => {
  it.each(detectorCases.map((c, i) => [i, c.algorithm, JSON.stringify(c.input.utilization), c] as const))(
    "%i %s %s",
    (index, _algorithm, _utilization, suiteCase) => {
      expect(run(suiteCase, index)).toBe(suiteCase.output)
    }
  )

  it.each(placementCases.map((c, i) => [i, c] as const))("best fit decreasing %i", (index, suiteCase) => {
    expect(run(suiteCase, index)).toEqual(suiteCase.output)
  })
})
