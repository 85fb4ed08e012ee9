import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { CheckSubject } from "../../../src/algorithms/check/CheckSubject.js"
import { type CheckOptions, type CheckReport, checkAlgorithm } from "../../../src/algorithms/check/checkAlgorithm.js"
import type { Detector, PlacementInput, VmPlacer, VmSelector } from "../../../src/algorithms/types.js"
import { describeError } from "../../../src/core/errors.js"
import type { Placement } from "../../../src/core/Placement.js"

const runs = 50

const check = (subject: CheckSubject, options: CheckOptions = {}): CheckReport => {
  const result = checkAlgorithm(subject, { runs, seed: 1, ...options })
  if (Either.isLeft(result)) throw new Error(describeError(result.left))
  return result.right
}

const verdicts = (report: CheckReport) =>
  Object.fromEntries(report.properties.map((property) => [property.name, property.passed]))

const failureOf = (report: CheckReport, name: string) => {
  const failure = report.properties.find((property) => property.name === name)?.failure
  if (failure === undefined) throw new Error(`${name} did not fail`)
  return failure
}

const latest = (history: ReadonlyArray<number>) => history[history.length - 1] ?? 0

/** Overloaded above 0.8, counting its decisions in its state: a well-behaved stateful detector. */
const countingThreshold = (): Detector<{ readonly calls: number }> => ({
  initialState: { calls: 0 },
  decide: (utilization, state) => [latest(utilization) > 0.8, { calls: state.calls + 1 }]
})

/** Decides by a counter hidden in its closure: every other call flips, whatever the history and state. */
const flipFlop = (): Detector<null> => {
  let calls = 0
  return { initialState: null, decide: (utilization, state) => [calls++ % 2 === 1 && utilization.length >= 0, state] }
}

/** Puts every VM on the first active host, whether they fit or not. */
const allOnFirstHost = (): VmPlacer<null> => ({
  initialState: null,
  place: (input, state) => {
    const host = input.hosts[0]
    if (host === undefined) return [undefined, state]
    return [Object.fromEntries(input.vms.map((vm) => [vm.uuid, host.name])), state]
  }
})

/** First fit by the VMs' latest CPU and their RAM, up to each host's whole capacity. */
const firstFitToCapacity = (): VmPlacer<null> => ({
  initialState: null,
  place: (input, state) => {
    const room = [...input.hosts, ...input.inactiveHosts].map((host) => ({
      name: host.name,
      cpu: host.cpuMhz - host.cpuUsedMhz,
      ram: host.ramMb - host.ramUsedMb
    }))
    const placement: Record<string, string> = {}
    for (const vm of input.vms) {
      const cpu = latest(vm.cpuMhz)
      const target = room.find((host) => host.cpu >= cpu && host.ram >= vm.ramMb)
      if (target === undefined) return [undefined, state]
      target.cpu -= cpu
      target.ram -= vm.ramMb
      placement[vm.uuid] = target.name
    }
    return [placement, state]
  }
})

const hostLoads = (input: PlacementInput, placement: Placement) =>
  [...input.hosts, ...input.inactiveHosts].map((host) => {
    const vms = input.vms.filter((vm) => placement[vm.uuid] === host.name)
    return {
      host,
      cpu: host.cpuUsedMhz + vms.reduce((sum, vm) => sum + latest(vm.cpuMhz), 0),
      ram: host.ramUsedMb + vms.reduce((sum, vm) => sum + vm.ramMb, 0)
    }
  })

describe("checkAlgorithm", () => {
  it("passes a well-behaved detector, selection and placement", () => {
    const detector = check({ ref: "counting", make: countingThreshold })
    expect(detector.family).toBe("detector")
    expect(verdicts(detector)).toEqual({ total: true, deterministic: true, "leaves-inputs": true, "state-json": true })
    expect(detector.properties.every((property) => property.runs === runs)).toBe(true)

    const busiest = (): VmSelector<null> => ({
      initialState: null,
      select: (vms, state) => {
        const best = [...vms].sort((a, b) => latest(b.cpuMhz) - latest(a.cpuMhz))[0]
        return [best === undefined ? [] : [best.uuid], state]
      }
    })
    expect(check({ ref: "busiest", make: busiest }).passed).toBe(true)
    expect(check({ ref: "first-fit", make: firstFitToCapacity }).passed).toBe(true)
  })

  it("fails a placement that overfills a host, with a shrunk counterexample that does overfill one", () => {
    const report = check({ ref: "all-on-first-host", make: allOnFirstHost })
    expect(report.passed).toBe(false)
    expect(verdicts(report)).toEqual({
      total: true,
      "all-or-none": true,
      "given-hosts": true,
      "within-thresholds": false,
      deterministic: true,
      "leaves-inputs": true
    })
    const failure = failureOf(report, "within-thresholds")
    expect(failure.message).toMatch(/^call \d+: .* needs? \d+ (MHz|MB) on "[^"]+" .* left below its capacity$/)
    expect(failure.shrinks).toBeGreaterThan(0)
    const calls = failure.counterexample as ReadonlyArray<PlacementInput>
    const overfilled = calls.some((input) => {
      const [placement] = allOnFirstHost().place(input, null)
      return (
        placement !== undefined &&
        hostLoads(input, placement).some(({ host, cpu, ram }) => cpu > host.cpuMhz || ram > host.ramMb)
      )
    })
    expect(overfilled).toBe(true)
  })

  it("fails a detector that is not deterministic, with the call and both decisions", () => {
    const report = check({ ref: "flip-flop", make: flipFlop })
    expect(verdicts(report)).toMatchObject({ total: true, deterministic: false })
    const failure = failureOf(report, "deterministic")
    expect(failure.message).toBe(
      "call 1: decide returned [false, null], then [true, null] for the same history and state"
    )
    // It fails on any input, so the shrunk one is a single call.
    expect(failure.counterexample).toHaveLength(1)
  })

  it("holds a placement to its own thresholds when its parameters name them", () => {
    const subject = { ref: "first-fit", make: firstFitToCapacity }
    expect(check(subject, { params: {} }).passed).toBe(true)
    const strict = check(subject, { params: { cpu_threshold: 0.5, ram_threshold: 1 } })
    expect(verdicts(strict)["within-thresholds"]).toBe(false)
    expect(failureOf(strict, "within-thresholds").message).toMatch(/left below 0\.5 of its capacity$/)
    // Woken hosts are held to the thresholds only with threshold_inactive_hosts.
    const inactive = check(subject, { params: { ram_threshold: 0.5, threshold_inactive_hosts: true } })
    expect(failureOf(inactive, "within-thresholds").message).toMatch(/MB left below 0\.5 of its capacity$/)
  })

  it("fails a detector that throws on an empty history, naming the call", () => {
    const lastValue = (): Detector<null> => ({
      initialState: null,
      decide: (utilization, state) => [utilization.at(-1)!.toFixed(2) > "0.80", state]
    })
    const failure = failureOf(check({ ref: "last-value", make: lastValue }), "total")
    expect(failure.message).toMatch(/^call 1: decide threw: Cannot read properties of undefined/)
    // Shrunk to the empty history, and the calls after it, which never ran, left out.
    expect(failure.counterexample).toEqual([[]])
  })

  it("fails a detector that changes its state in place or keeps a state JSON cannot hold", () => {
    const inPlace = (): Detector<{ calls: number }> => ({
      initialState: { calls: 0 },
      decide: (utilization, state) => {
        state.calls++
        return [latest(utilization) > 0.8, state]
      }
    })
    expect(failureOf(check({ ref: "in-place", make: inPlace }), "leaves-inputs").message).toBe(
      'call 1: decide changed the state it was given from {"calls":0} to {"calls":1}'
    )

    // The mean of an empty history is NaN, which JSON stores as null.
    const afterEmptyHistory = (): Detector<{ readonly mean: number }> => ({
      initialState: { mean: 0 },
      decide: (utilization, state) => {
        const mean = utilization.reduce((sum, value) => sum + value, 0) / utilization.length
        return [Number.isNaN(state.mean), { mean }]
      }
    })
    const report = check({ ref: "mean", make: afterEmptyHistory })
    expect(verdicts(report)).toMatchObject({ total: true, deterministic: true, "state-json": false })
    expect(failureOf(report, "state-json").message).toMatch(
      /decided true with the state it returned, \{"mean":Number\.NaN\}, but false with that state read back from JSON, \{"mean":null\}/
    )
    const undefinedState = (): Detector<undefined> => ({
      initialState: undefined,
      decide: (_, state) => [false, state]
    })
    expect(failureOf(check({ ref: "undefined", make: undefinedState }), "state-json").message).toBe(
      "the initial state is undefined, which JSON cannot hold"
    )
  })

  it("fails a selection that selects a VM it was not given, or one twice", () => {
    const stranger = (): VmSelector<null> => ({
      initialState: null,
      select: (vms, state) => [vms.length > 1 ? ["x"] : [], state]
    })
    expect(failureOf(check({ ref: "stranger", make: stranger }), "members").message).toMatch(
      /^call \d+: selected "x", which is not among its input \(the VMs given are vm-/
    )
    const twice = (): VmSelector<null> => ({
      initialState: null,
      select: (vms, state) => [vms.length === 0 ? [] : [vms[0]!.uuid, vms[0]!.uuid], state]
    })
    expect(failureOf(check({ ref: "twice", make: twice }), "members").message).toMatch(
      /selected "vm-[0-9a-f]+" more than once$/
    )
  })

  it("fails a placement that leaves VMs out or uses a host it was not given", () => {
    const firstOnly = (): VmPlacer<null> => ({
      initialState: null,
      place: (input, state) => {
        const [vm] = input.vms
        const host = input.hosts[0] ?? input.inactiveHosts[0]
        return [vm === undefined || host === undefined ? undefined : { [vm.uuid]: host.name }, state]
      }
    })
    expect(failureOf(check({ ref: "first-only", make: firstOnly }), "all-or-none").message).toMatch(
      /^call \d+: placed 1 of the 2 VMs, leaving out vm-/
    )
    const elsewhere = (): VmPlacer<null> => ({
      initialState: null,
      place: (input, state) => [Object.fromEntries(input.vms.map((vm) => [vm.uuid, "elsewhere"])), state]
    })
    expect(failureOf(check({ ref: "elsewhere", make: elsewhere }), "given-hosts").message).toMatch(
      /placed "vm-[0-9a-f]+" on "elsewhere", which is not among the hosts given$/
    )
  })

  it("replays the same inputs, and the same verdicts, from the same seed", () => {
    const subject = { ref: "all-on-first-host", make: allOnFirstHost }
    const first = check(subject, { seed: 20261207 })
    expect(first.seed).toBe(20261207)
    expect(check(subject, { seed: 20261207 })).toEqual(first)
    const random = checkAlgorithm(subject, { runs: 5 })
    expect(Either.isRight(random) && Number.isInteger(random.right.seed)).toBe(true)
  })

  it("builds a fresh algorithm for each run and passes it the parameters and context", () => {
    const seen: Array<unknown> = []
    const make = (params: unknown, ctx: unknown) => {
      seen.push([params, ctx])
      return countingThreshold()
    }
    check({ ref: "counting", make }, { params: { a: 1 }, context: { timeStepSec: 60, migrationTimeSec: 5 } })
    expect(seen.length).toBeGreaterThan(runs)
    expect(seen[0]).toEqual([{ a: 1 }, { timeStepSec: 60, migrationTimeSec: 5 }])
  })
})

describe("checkAlgorithm refuses what is not an algorithm", () => {
  const refusal = (make: CheckSubject["make"], family?: CheckSubject["family"]) => {
    const result = checkAlgorithm({ ref: "./mine.ts#algo", make, family }, { runs: 1, seed: 1 })
    return Either.isLeft(result) ? describeError(result.left) : "accepted"
  }

  it("names the reference and the problem", () => {
    const cases: ReadonlyArray<readonly [CheckSubject["make"], string]> = [
      [() => 42, "the factory returned 42, not an algorithm (an object with initialState and decide, select or place)"],
      [() => null, "the factory returned null, not an algorithm"],
      [async () => countingThreshold(), "the factory returned a Promise: it must build the algorithm synchronously"],
      [
        () => ({ initialState: null }),
        "the factory built an object with fields initialState, none of decide, select or place"
      ],
      [
        () => ({ decide: () => [false, null] }),
        "the detector algorithm has no initialState (give null or {} when it keeps no state)"
      ],
      [
        () => ({ initialState: null, decide: () => [false, null], place: () => [undefined, null] }),
        "the factory built an object with decide and place: say which family to check"
      ],
      [
        () => {
          throw new Error("no such table")
        },
        "the factory threw: no such table"
      ]
    ]
    for (const [make, message] of cases) {
      expect(refusal(make)).toContain(`configuration: algorithm: ${message}`)
      expect(refusal(make)).toMatch(/\(\.\/mine\.ts#algo\)$/)
    }
  })

  it("checks the family asked for", () => {
    expect(refusal(countingThreshold, "placement")).toBe(
      "configuration: algorithm: expected a placement algorithm (a place function), the factory built one with decide (./mine.ts#algo)"
    )
    expect(refusal(() => ({ initialState: null, decide: 1 }), "overload")).toBe(
      "configuration: algorithm: the detector algorithm's decide is 1, not a function (./mine.ts#algo)"
    )
    const both = () => ({ initialState: null, decide: () => [false, null], place: () => [undefined, null] })
    expect(refusal(both, "overload")).toBe("accepted")
  })

  it("refuses bad runs and seeds", () => {
    const subject = { ref: "counting", make: countingThreshold }
    const message = (options: CheckOptions) => {
      const result = checkAlgorithm(subject, options)
      return Either.isLeft(result) ? describeError(result.left) : "accepted"
    }
    expect(message({ runs: 0 })).toBe("configuration: runs: expected an integer >= 1, got 0")
    expect(message({ runs: 1.5 })).toBe("configuration: runs: expected an integer >= 1, got 1.5")
    expect(message({ runs: 1, seed: 2 ** 31 })).toBe(
      "configuration: seed: expected an integer from -2147483648 to 2147483647, got 2147483648"
    )
  })
})
