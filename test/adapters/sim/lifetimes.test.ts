/**
 * VMs that come and go (`Trace.lifetimes`): an arrival placed where the policy's placement puts
 * it, a departure freeing its host, a VM that fits nowhere refused and counted, a migration
 * abandoned by its VM, under the cloudsim, dvfs and neat policies and the simulated cloud.
 */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { buildState } from "../../../src/adapters/sim/buildState.js"
import { collectMetrics } from "../../../src/adapters/sim/collectMetrics.js"
import type { VmType } from "../../../src/adapters/sim/Datacenter.js"
import { formatMetricsJson, formatMetricsTable } from "../../../src/adapters/sim/formatMetrics.js"
import { hpProLiantMl110G4, powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { runSimulation } from "../../../src/adapters/sim/runSimulation.js"
import { makeSimCloud } from "../../../src/adapters/sim/SimCloud.js"
import { addToHost } from "../../../src/adapters/sim/SimState.js"
import { Simulator } from "../../../src/adapters/sim/Simulator.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { resolveSyntheticWorkload } from "../../../src/adapters/sim/traces/synthetic.js"
import {
  generateSyntheticTraceWithArrivals,
  parseArrivalsSpec
} from "../../../src/adapters/sim/traces/syntheticArrivals.js"
import { makePlacer } from "../../../src/algorithms/registry.js"
import { g4, small } from "./tinyDatacenter.js"

/** 3000 MB: one per G4 host (4096 MB), so memory decides where each goes. */
const big: VmType = { name: "big", mhz: 1000, ramMb: 3000, bandwidthMbps: 100 }

/** VMs with the given samples (fractions, 300 s apart) and lifetimes [arrival, departure) in samples. */
const traceOf = (vms: ReadonlyArray<{ cpu: ReadonlyArray<number>; from?: number; to?: number }>): Trace => {
  const samples = vms[0]!.cpu.length
  return {
    names: vms.map((_, v) => `vm${v}`),
    intervalSec: 300,
    samples,
    cpu: Float64Array.from(vms.flatMap((vm) => vm.cpu)),
    lifetimes: {
      arrival: Int32Array.from(vms, (vm) => vm.from ?? 0),
      departure: Int32Array.from(vms, (vm) => vm.to ?? samples)
    }
  }
}

const P = (mhz: number): number => powerAt(hpProLiantMl110G4, mhz / 3720)

describe("VMs arriving during a run", () => {
  it.each([
    { load: 500 / 1800, vm0: "500 MHz" },
    { load: 1700 / 1800, vm0: "1700 MHz" }
  ])(
    "places an arrival at the update of its first sample where power-aware best fit puts it (vm0 at $vm0)",
    ({ load }) => {
      // vm0 (1800 MHz) runs on host 0. vm1 (1000 MHz) arrives at sample 2: on host 0 the power would
      // grow from P(d) to P(d + 1000), on an empty host from P(0) to P(1000); the smaller wins
      // (the concave curve sends it to an empty host at 500 MHz, to host 0 at 1700 MHz).
      const demand = load * 1800
      const expected = P(demand + 1000) - P(demand) < P(1000) - P(0) ? 1 : 2
      const cpu = [load, load, load, load, load]
      const { timeline, metrics } = runSimulation({
        trace: traceOf([{ cpu }, { cpu: [0.3, 0.3, 0.3, 0.3, 0.3], from: 2 }]),
        hosts: 3,
        hostTypes: [g4],
        vmTypes: [{ name: "a", mhz: 1800, ramMb: 1000, bandwidthMbps: 100 }, small],
        policy: "cloudsim"
      })
      // Updates at 300.1 (sample 1) and 600.1 (sample 2: the arrival); consolidation may follow.
      expect(timeline.activeHosts[0]).toBe(1)
      expect(timeline.activeHosts[1]).toBe(expected)
      expect(metrics.vmsRefused).toBe(0)
      expect(expected).toBe(demand < 1000 ? 2 : 1)
    }
  )

  it("first fit (dvfs) takes the first host with room: memory sends the second big VM to host 1", () => {
    const { timeline, metrics } = runSimulation({
      trace: traceOf([{ cpu: [0.5, 0.5, 0.5, 0.5] }, { cpu: [0.5, 0.5, 0.5, 0.5], from: 1 }]),
      hosts: 2,
      hostTypes: [g4],
      vmTypes: [big],
      policy: "dvfs"
    })
    expect(Array.from(timeline.activeHosts)).toEqual([2, 2, 2])
    // Both hosts at 500 MHz from 300.1 s to 900.1 s.
    expect(metrics.energyKwh).toBeCloseTo((2 * P(500) * 600) / 3.6e6, 12)
    expect(metrics.vmsRefused).toBe(0)
  })

  it("refuses and counts a VM that fits nowhere, at time 0 and later", () => {
    const { metrics, timeline } = runSimulation({
      trace: traceOf([
        { cpu: [0.5, 0.5, 0.5, 0.5] },
        { cpu: [0.5, 0.5, 0.5, 0.5] },
        { cpu: [0.5, 0.5, 0.5, 0.5], from: 2 }
      ]),
      hosts: 1,
      hostTypes: [g4],
      vmTypes: [big],
      policy: "dvfs"
    })
    expect(metrics.vmsRefused).toBe(2)
    expect(Array.from(timeline.activeHosts)).toEqual([1, 1, 1])
    expect(metrics.energyKwh).toBeCloseTo((P(500) * 600) / 3.6e6, 12)
    expect(formatMetricsTable(metrics)).toMatch(/VMs refused\s+2/)
    expect(JSON.parse(formatMetricsJson(metrics)).vms_refused).toBe(2)
  })

  it("keeps every metric a number when no VM ever runs (all refused)", () => {
    const { metrics } = runSimulation({
      trace: traceOf([{ cpu: [0.5, 0.5, 0.5, 0.5], from: 1, to: 3 }]),
      hosts: 1,
      hostTypes: [g4],
      vmTypes: [{ name: "wide", mhz: 5000, ramMb: 100, bandwidthMbps: 100 }],
      policy: "cloudsim"
    })
    expect(metrics.vmsRefused).toBe(1)
    expect([metrics.energyKwh, metrics.slatahPct, metrics.pdmPct, metrics.slavPct, metrics.slaOverallFrac]).toEqual([
      0, 0, 0, 0, 0
    ])
  })

  it("reports no refusals at all for a trace without lifetimes", () => {
    const { metrics } = runSimulation({
      trace: { names: ["a"], intervalSec: 300, samples: 3, cpu: Float64Array.of(0.5, 0.5, 0.5) },
      hosts: 1,
      hostTypes: [g4],
      vmTypes: [small],
      policy: "dvfs"
    })
    expect(metrics.vmsRefused).toBeUndefined()
    expect(formatMetricsJson(metrics)).not.toContain("vms_refused")
    expect(formatMetricsTable(metrics)).not.toContain("refused")
  })
})

describe("VMs leaving during a run", () => {
  it("frees the host at the update after the VM's last sample: the host is idle (off) from then on", () => {
    const trace = traceOf([{ cpu: [0.5, 0.5, 0.5, 0.5, 0.5] }, { cpu: [0.5, 0.5, 0.5, 0.5, 0.5], to: 2 }])
    const { timeline, metrics } = runSimulation({ trace, hosts: 2, hostTypes: [g4], vmTypes: [big], policy: "dvfs" })
    // vm1 lives samples 0 and 1; it is gone at the update of sample 2 (600.1 s).
    expect(Array.from(timeline.activeHosts)).toEqual([2, 1, 1, 1])
    // Host 1 goes from P(500) at 300.1 to idle (P(0), CloudSim's trapezoid) at 600.1, then draws nothing.
    const expected = (P(500) * 900 + ((P(500) + P(0)) / 2) * 300) / 3.6e6
    expect(metrics.energyKwh).toBeCloseTo(expected, 12)
    expect(metrics.hostShutdowns).toBe(1)
  })

  it("never removes a VM with lifetimes for a demand of 0: it leaves when its lifetime ends", () => {
    const withLifetimes = traceOf([{ cpu: [0.5, 0, 0, 0.5] }])
    const { lifetimes: _, ...plain } = withLifetimes
    const run = (trace: Trace) =>
      Array.from(
        runSimulation({ trace, hosts: 1, hostTypes: [g4], vmTypes: [small], policy: "dvfs" }).timeline.activeHosts
      )
    // CloudSim's rule removes it at 300.1 s (demand exactly 0); with a lifetime it runs again from 600.1 s.
    expect(run(plain)).toEqual([0, 0, 0])
    expect(run(withLifetimes)).toEqual([0, 1, 1])
  })

  it("keeps SLA metrics defined when VMs come and go under the cloudsim policy", () => {
    const samples = 12
    const vms = Array.from({ length: 8 }, (_, v) => ({
      cpu: Array.from({ length: samples }, (_, k) => 0.2 + 0.7 * (((v + k) % 5) / 5)),
      from: v % 3 === 0 ? 0 : 1 + (v % 4),
      to: v % 2 === 0 ? samples : 6 + v
    }))
    const { metrics } = runSimulation({
      trace: traceOf(vms),
      hosts: 6,
      hostTypes: [g4],
      vmTypes: [small],
      policy: "cloudsim",
      overload: { name: "thr", param: 0.8 }
    })
    for (const value of [metrics.energyKwh, metrics.slatahPct, metrics.pdmPct, metrics.slavPct]) {
      expect(Number.isFinite(value)).toBe(true)
      expect(value).toBeGreaterThanOrEqual(0)
    }
    expect(metrics.migrations).toBeGreaterThan(0)
    expect(metrics.vmsRefused).toBe(0)
  })

  it.each([
    ["lr", "mc"],
    ["mad", "mmt"],
    ["thr", "mu"]
  ] as const)(
    "runs %s with %s over the synthetic workload with arrivals, seeded and repeatable",
    (overload, selection) => {
      const workload = Either.getOrThrow(resolveSyntheticWorkload({ vms: 80, seed: 11 }))
      const spec = Either.getOrThrow(parseArrivalsSpec("rate=6,mean=4"))
      const trace = Either.getOrThrow(generateSyntheticTraceWithArrivals(workload, spec))
      const run = () =>
        runSimulation({
          trace,
          hosts: 60,
          policy: "cloudsim",
          overload: { name: overload, param: { lr: 1.2, mad: 2.5, thr: 0.8 }[overload] },
          selection
        }).metrics
      const metrics = run()
      expect(metrics.vms).toBeGreaterThan(80)
      expect(metrics.vmsRefused).toBe(0)
      for (const value of [metrics.energyKwh, metrics.slatahPct, metrics.pdmPct, metrics.meanTimeBeforeMigrationSec]) {
        expect(Number.isFinite(value)).toBe(true)
      }
      const { wallSeconds: _, ...same } = metrics
      const { wallSeconds: __, ...again } = run()
      expect(again).toEqual(same)
    }
  )

  it("abandons the migration of a VM that leaves while it migrates: both hosts freed, nothing completes", () => {
    const huge: VmType = { name: "huge", mhz: 1000, ramMb: 30_000, bandwidthMbps: 100 }
    const trace = traceOf([{ cpu: [0.5, 0.5, 0.5, 0.5], to: 2 }])
    const { state } = buildState(2, 1, [g4], [huge])
    addToHost(state, 0, 0, 0)
    state.vmHost[0] = 0
    const sim = new Simulator(state, trace, 300, "interpolated")
    sim.forceUpdate(300.1, true)
    // 30 000 MB over 62.5 MB/s: 480 s, still running at the next update.
    sim.startMigration(0, 1, 300.1)
    expect(state.hostVmCount[1]).toBe(1)
    sim.completeMigrationsBefore(600.1)
    expect(state.vmInMigration[0]).toBe(1)
    sim.removeVm(0, 600.1)
    expect(state.vmHost[0]).toBe(-1)
    expect(state.vmInMigration[0]).toBe(0)
    expect(state.hostVmCount[0]).toBe(0)
    expect(state.hostVmCount[1]).toBe(0)
    sim.forceUpdate(600.1, true)
    sim.completeMigrationsBefore(10_000)
    expect(state.hostVmCount[1]).toBe(0)
    const metrics = collectMetrics(sim, performance.now(), true)
    expect(metrics.migrations).toBe(1)
    // The migration never ended, so no migration time is reported; its SLA cost until 600.1 counts.
    expect(Number.isNaN(metrics.meanTimeBeforeMigrationSec)).toBe(true)
    expect(metrics.pdmPct).toBeGreaterThan(0)
    expect(Number.isFinite(metrics.slatahPct)).toBe(true)
  })
})

describe("lifetimes under the neat policy and the simulated cloud", () => {
  const trace = traceOf([
    { cpu: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5] },
    { cpu: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], to: 2 },
    { cpu: [0.4, 0.4, 0.4, 0.4, 0.4, 0.4], from: 3 }
  ])

  it("shows a departure as a freed host and places an arrival with the placer given", async () => {
    const { cloud, control } = await Effect.runPromise(
      makeSimCloud({ trace, hosts: 3, hostTypes: [g4], vmTypes: [big] })
    )
    const placer = makePlacer(
      "best_fit_decreasing",
      { cpu_threshold: 0.8, ram_threshold: 0.95, last_n_vm_cpu: 2 },
      { timeStepSec: 300, migrationTimeSec: 16 }
    )
    if (placer._tag === "Left") throw placer.left
    control.placeArrivalsWith(placer.right)
    const vmsOn = async () => (await Effect.runPromise(cloud.hosts)).map((host) => [host.name, host.power, host.vms])
    expect(await vmsOn()).toEqual([
      ["host-0", "active", ["vm0"]],
      ["host-1", "active", ["vm1"]],
      ["host-2", "active", []]
    ])
    await Effect.runPromise(control.advance) // sample 1
    await Effect.runPromise(control.advance) // sample 2: vm1 leaves
    expect(await vmsOn()).toEqual([
      ["host-0", "active", ["vm0"]],
      ["host-1", "active", []],
      ["host-2", "active", []]
    ])
    await Effect.runPromise(cloud.suspendHost("host-1"))
    await Effect.runPromise(cloud.suspendHost("host-2"))
    await Effect.runPromise(control.advance) // sample 3: vm2 arrives; 3000 MB fit on no awake host
    const hosts = await vmsOn()
    // Best fit decreasing wakes the smallest inactive host (by capacity, then name).
    expect(hosts).toEqual([
      ["host-0", "active", ["vm0"]],
      ["host-1", "active", ["vm2"]],
      ["host-2", "suspended", []]
    ])
    expect(await Effect.runPromise(cloud.vmCpuHistory("vm2", 10))).toHaveLength(1)
    const result = await Effect.runPromise(control.result)
    expect(result.metrics.vmsRefused).toBe(0)
  })

  it("refuses lifetimes that do not match the VMs, as a ConfigError in the error channel", async () => {
    const broken: Trace = { ...trace, lifetimes: { arrival: Int32Array.of(0), departure: Int32Array.of(2) } }
    const failure = await Effect.runPromise(Effect.flip(makeSimCloud({ trace: broken, hosts: 3 })))
    expect(failure._tag).toBe("ConfigError")
    expect(failure.message).toBe("lifetimes for 1 arrivals and 1 departures, expected 3 each (one per VM)")
    expect(() => runSimulation({ trace: broken, hosts: 3, policy: "dvfs" })).toThrow(/expected 3 each/)
  })

  it("runs the neat policy over VMs that come and go: the freed host is suspended", () => {
    const withLifetimes = runSimulation({ trace, hosts: 3, hostTypes: [g4], vmTypes: [big], policy: "neat" })
    const { lifetimes: _, ...always } = trace
    const everyoneStays = runSimulation({ trace: always, hosts: 3, hostTypes: [g4], vmTypes: [big], policy: "neat" })
    expect(withLifetimes.metrics.vmsRefused).toBe(0)
    expect(everyoneStays.metrics.vmsRefused).toBeUndefined()
    // vm1's host is switched off once it has left, until vm2 wakes one; everyone staying keeps three busy.
    expect(withLifetimes.metrics.energyKwh).toBeLessThan(everyoneStays.metrics.energyKwh)
    expect(Number.isFinite(withLifetimes.metrics.slatahPct)).toBe(true)
  })
})

describe("a trace's own VM capacities (Trace.vmMips)", () => {
  const quad = { ...g4, name: "quad", mhzPerCore: 2000, cores: 4, ramMb: 16384 }
  const dual = { ...g4, name: "dual", mhzPerCore: 2000, cores: 2, ramMb: 16384 }
  const wide: Trace = {
    names: ["wide"],
    intervalSec: 300,
    samples: 4,
    cpu: Float64Array.of(0.8, 0.8, 0.8, 0.8),
    vmMips: Float64Array.of(5000)
  }

  it("spreads a VM larger than a host core over several cores: its demand is not capped at one", () => {
    // 5000 MHz over 2000 MHz cores: 3 virtual cores; demand 4000 MHz of an 8000 MHz host.
    const { metrics } = runSimulation({ trace: wide, hosts: 1, hostTypes: [quad], vmTypes: [small], policy: "dvfs" })
    expect(metrics.energyKwh).toBeCloseTo((powerAt(hpProLiantMl110G4, 0.5) * 600) / 3.6e6, 12)
    expect(metrics.slatahPct).toBe(0)
  })

  it("needs a host with as many cores: refused on a two-core host", () => {
    const { metrics } = runSimulation({
      trace: { ...wide, lifetimes: { arrival: Int32Array.of(0), departure: Int32Array.of(4) } },
      hosts: 1,
      hostTypes: [dual],
      vmTypes: [small],
      policy: "dvfs"
    })
    expect(metrics.vmsRefused).toBe(1)
    expect(() => runSimulation({ trace: wide, hosts: 1, hostTypes: [dual], vmTypes: [small], policy: "dvfs" })).toThrow(
      /fits on no host/
    )
  })
})

describe("a VM's utilisation history begins at its arrival", () => {
  it("selection reads only the values every candidate recorded itself, never the slots before an arrival", () => {
    // vm0 runs from the start, vm1 arrives at sample 12; both are busy all the time (never 0), and
    // the threshold is low enough that a selection runs on vm0's host at every update.
    const samples = 24
    const seen: Array<{
      readonly names: ReadonlyArray<string>
      readonly histories: ReadonlyArray<ReadonlyArray<number>>
    }> = []
    const spy = {
      initialState: undefined,
      select: (vms: ReadonlyArray<{ uuid: string; cpuMhz: ReadonlyArray<number> }>, state: unknown) => {
        seen.push({ names: vms.map((vm) => vm.uuid), histories: vms.map((vm) => [...vm.cpuMhz]) })
        return [[], state] as const
      }
    }
    runSimulation({
      trace: traceOf([{ cpu: Array(samples).fill(0.6) }, { cpu: Array(samples).fill(0.5), from: 12 }]),
      hosts: 3,
      hostTypes: [g4],
      vmTypes: [small],
      policy: "cloudsim",
      overload: { name: "thr", param: 0.01 },
      selectionAlgorithm: { built: spy, label: "spy" }
    })
    const withArrival = seen.filter((call) => call.names.includes("vm1"))
    expect(seen.length).toBeGreaterThan(withArrival.length)
    expect(withArrival.length).toBeGreaterThan(0)
    for (const call of seen) for (const history of call.histories) expect(history).not.toContain(0)
    // Right after its arrival vm1 has recorded a few values, and every candidate's history is that long.
    const first = withArrival[0]!.histories
    expect(first[0]!.length).toBeLessThan(5)
    expect(new Set(first.map((history) => history.length)).size).toBe(1)
  })
})
