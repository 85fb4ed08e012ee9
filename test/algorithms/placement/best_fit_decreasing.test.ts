import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type BestFitDecreasingParams,
  bestFitDecreasing
} from "../../../src/algorithms/placement/best_fit_decreasing.js"
import {
  columnarPlacementInput,
  derivedPlacementColumns,
  placementColumns,
  placementColumnsOf
} from "../../../src/algorithms/placement/placementColumns.js"
import { meanOfLast } from "../../../src/algorithms/series.js"
import type { PlacementHost, PlacementInput } from "../../../src/algorithms/types.js"
import type { Placement } from "../../../src/core/Placement.js"

// Small value domains, so that ties (and the tie-breaks by RAM and name) happen often.
const hostArb = (name: string, active: boolean): fc.Arbitrary<PlacementHost> =>
  fc.record({
    name: fc.constant(name),
    cpuMhz: fc.constantFrom(2000, 3000, 4000, 8000),
    cpuUsedMhz: active ? fc.integer({ min: 0, max: 4000 }) : fc.constant(0),
    ramMb: fc.constantFrom(2048, 4096, 8192),
    ramUsedMb: active ? fc.integer({ min: 0, max: 4096 }) : fc.constant(0)
  })

const inputArb: fc.Arbitrary<PlacementInput> = fc
  .record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-c]{1,3}$/), { maxLength: 12 }),
    activeShare: fc.double({ min: 0, max: 1, noNaN: true }),
    vmCount: fc.integer({ min: 0, max: 10 })
  })
  .chain(({ names, activeShare, vmCount }) => {
    const activeCount = Math.round(names.length * activeShare)
    return fc.record({
      hosts: fc.tuple(...names.slice(0, activeCount).map((name) => hostArb(name, true))),
      inactiveHosts: fc.tuple(...names.slice(activeCount).map((name) => hostArb(name, false))),
      vms: fc.tuple(
        ...Array.from({ length: vmCount }, (_, i) =>
          fc.record({
            uuid: fc.constant(`vm-${i}`),
            cpuMhz: fc.array(fc.constantFrom(0, 250, 500, 1000, 1500), { minLength: 1, maxLength: 4 }),
            ramMb: fc.constantFrom(512, 1024, 2048)
          })
        )
      )
    })
  })

const paramsArb: fc.Arbitrary<BestFitDecreasingParams> = fc.record({
  cpu_threshold: fc.constantFrom(0.6, 0.8, 1),
  ram_threshold: fc.constantFrom(0.8, 0.95, 1),
  last_n_vm_cpu: fc.integer({ min: 1, max: 3 }),
  threshold_inactive_hosts: fc.boolean()
})

/** MHz and MB placed on each host. */
const loadOf = (params: BestFitDecreasingParams, input: PlacementInput, placement: Placement) => {
  const load = new Map<string, { cpu: number; ram: number }>()
  for (const vm of input.vms) {
    const host = placement[vm.uuid]
    if (host === undefined) continue
    const current = load.get(host) ?? { cpu: 0, ram: 0 }
    load.set(host, { cpu: current.cpu + meanOfLast(vm.cpuMhz, params.last_n_vm_cpu), ram: current.ram + vm.ramMb })
  }
  return load
}

const sortedEntries = (placement: Placement | undefined) =>
  placement === undefined ? undefined : Object.entries(placement).sort(([a], [b]) => (a < b ? -1 : 1))

describe("best fit decreasing", () => {
  it("places every VM or none", () => {
    fc.assert(
      fc.property(paramsArb, inputArb, (params, input) => {
        const placement = bestFitDecreasing(params, input)
        if (placement === undefined) return
        expect(Object.keys(placement).sort()).toEqual(input.vms.map((vm) => vm.uuid).sort())
      })
    )
  })

  it("uses only the hosts it is given", () => {
    fc.assert(
      fc.property(paramsArb, inputArb, (params, input) => {
        const names = new Set([...input.hosts, ...input.inactiveHosts].map((host) => host.name))
        for (const host of Object.values(bestFitDecreasing(params, input) ?? {})) expect(names.has(host)).toBe(true)
      })
    )
  })

  it("never loads an active host beyond its thresholds, nor a woken one beyond its capacity", () => {
    fc.assert(
      fc.property(paramsArb, inputArb, (params, input) => {
        const placement = bestFitDecreasing(params, input)
        if (placement === undefined) return
        const load = loadOf(params, input, placement)
        const limits = [
          ...input.hosts.map((host) => [host, true] as const),
          ...input.inactiveHosts.map((host) => [host, params.threshold_inactive_hosts] as const)
        ]
        for (const [host, thresholded] of limits) {
          const placed = load.get(host.name)
          if (placed === undefined) continue
          const cpuLimit = thresholded ? Math.trunc(params.cpu_threshold * host.cpuMhz - host.cpuUsedMhz) : host.cpuMhz
          const ramLimit = thresholded ? Math.trunc(params.ram_threshold * host.ramMb - host.ramUsedMb) : host.ramMb
          expect(placed.cpu).toBeLessThanOrEqual(cpuLimit + 1e-9)
          expect(placed.ram).toBeLessThanOrEqual(ramLimit)
          expect(host.cpuUsedMhz + placed.cpu).toBeLessThanOrEqual(
            (thresholded ? params.cpu_threshold : 1) * host.cpuMhz + 1e-9
          )
        }
      })
    )
  })

  it("wakes a host only when the active ones cannot take a VM", () => {
    fc.assert(
      fc.property(paramsArb, inputArb, (params, input) => {
        const placement = bestFitDecreasing(params, { ...input, inactiveHosts: [] })
        if (placement === undefined) return
        expect(bestFitDecreasing(params, input)).toEqual(placement)
      })
    )
  })

  it("is deterministic and independent of the order of hosts and VMs", () => {
    const shuffled = fc.tuple(paramsArb, inputArb).chain(([params, input]) =>
      fc.record({
        params: fc.constant(params),
        input: fc.constant(input),
        reordered: fc.record({
          hosts: fc.shuffledSubarray([...input.hosts], { minLength: input.hosts.length }),
          inactiveHosts: fc.shuffledSubarray([...input.inactiveHosts], { minLength: input.inactiveHosts.length }),
          vms: fc.shuffledSubarray([...input.vms], { minLength: input.vms.length })
        })
      })
    )
    fc.assert(
      fc.property(shuffled, ({ params, input, reordered }) => {
        const placement = bestFitDecreasing(params, input)
        expect(bestFitDecreasing(params, input)).toEqual(placement)
        expect(sortedEntries(bestFitDecreasing(params, reordered))).toEqual(sortedEntries(placement))
      })
    )
  })

  it("fills the fullest host that fits first, in the order fixed before placing", () => {
    const host = (name: string, cpuFree: number): PlacementHost => ({
      name,
      cpuMhz: cpuFree,
      cpuUsedMhz: 0,
      ramMb: 4096,
      ramUsedMb: 0
    })
    const vm = (uuid: string, cpu: number) => ({ uuid, cpuMhz: [cpu], ramMb: 512 })
    const params = { cpu_threshold: 1, ram_threshold: 1, last_n_vm_cpu: 1, threshold_inactive_hosts: false }
    // b (1500 free) is tried before a (2000 free) even after a VM leaves it 500.
    const placement = bestFitDecreasing(params, {
      hosts: [host("a", 2000), host("b", 1500)],
      inactiveHosts: [],
      vms: [vm("x", 1000), vm("y", 400)]
    })
    expect(placement).toEqual({ x: "b", y: "b" })
  })

  it("breaks ties between equal hosts by name, by code point", () => {
    const host = (name: string): PlacementHost => ({ name, cpuMhz: 1000, cpuUsedMhz: 0, ramMb: 1024, ramUsedMb: 0 })
    const params = { cpu_threshold: 1, ram_threshold: 1, last_n_vm_cpu: 1, threshold_inactive_hosts: false }
    const placement = bestFitDecreasing(params, {
      hosts: [host("\u{1F600}"), host("\uFF21"), host("b")],
      inactiveHosts: [],
      vms: [{ uuid: "v", cpuMhz: [10], ramMb: 1 }]
    })
    expect(placement).toEqual({ v: "b" })
    const withoutB = bestFitDecreasing(params, {
      hosts: [host("\u{1F600}"), host("\uFF21")],
      inactiveHosts: [],
      vms: [{ uuid: "v", cpuMhz: [10], ramMb: 1 }]
    })
    expect(withoutB).toEqual({ v: "\uFF21" })
  })
})

/**
 * Neat's procedure written out literally: sort the active hosts once, take the first that fits;
 * when none does, insert the next inactive host (in the same order) and try again.
 */
const literalBestFitDecreasing = (params: BestFitDecreasingParams, input: PlacementInput): Placement | undefined => {
  interface Bin {
    readonly name: string
    readonly key: readonly [number, number]
    cpu: number
    ram: number
  }
  const bin = (host: PlacementHost, thresholds: boolean): Bin => {
    const cpu = thresholds
      ? Math.trunc(params.cpu_threshold * host.cpuMhz - host.cpuUsedMhz)
      : host.cpuMhz - host.cpuUsedMhz
    const ram = thresholds
      ? Math.trunc(params.ram_threshold * host.ramMb - host.ramUsedMb)
      : host.ramMb - host.ramUsedMb
    return { name: host.name, key: [cpu, ram], cpu, ram }
  }
  const compare = (a: Bin, b: Bin) =>
    a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  const order = input.hosts.map((host) => bin(host, true)).sort(compare)
  const waiting = input.inactiveHosts.map((host) => bin(host, params.threshold_inactive_hosts)).sort(compare)
  const vms = input.vms
    .map((vm) => ({ uuid: vm.uuid, cpu: meanOfLast(vm.cpuMhz, params.last_n_vm_cpu), ram: vm.ramMb }))
    .sort((a, b) => b.cpu - a.cpu || b.ram - a.ram || (a.uuid < b.uuid ? 1 : a.uuid > b.uuid ? -1 : 0))
  const placement: Record<string, string> = {}
  for (const vm of vms) {
    let target = order.find((host) => host.cpu >= vm.cpu && host.ram >= vm.ram)
    while (target === undefined) {
      const next = waiting.shift()
      if (next === undefined) return undefined
      order.push(next)
      order.sort(compare)
      target = order.find((host) => host.cpu >= vm.cpu && host.ram >= vm.ram)
    }
    target.cpu -= vm.cpu
    target.ram -= vm.ram
    placement[vm.uuid] = target.name
  }
  return placement
}

describe("best fit decreasing without sorting", () => {
  it("places exactly as the sorted host list of Neat's procedure", () => {
    fc.assert(
      fc.property(paramsArb, inputArb, (params, input) => {
        expect(sortedEntries(bestFitDecreasing(params, input))).toEqual(
          sortedEntries(literalBestFitDecreasing(params, input))
        )
      }),
      { numRuns: 500 }
    )
  })
})

describe("best fit decreasing on columns", () => {
  it("places exactly as on the same hosts given as a list, whichever row is left out", () => {
    fc.assert(
      fc.property(paramsArb, inputArb, fc.integer({ min: -1, max: 11 }), (params, input, skipAt) => {
        const columns = placementColumns(input.hosts)
        const skip = skipAt < input.hosts.length ? skipAt : -1
        const columnar = columnarPlacementInput(columns, skip, input.inactiveHosts, input.vms)
        const listed = { ...input, hosts: input.hosts.filter((_, i) => i !== skip) }
        expect(columnar.hosts).toEqual(listed.hosts)
        expect(sortedEntries(bestFitDecreasing(params, columnar))).toEqual(
          sortedEntries(literalBestFitDecreasing(params, listed))
        )
      }),
      { numRuns: 500 }
    )
  })

  it("places exactly as the list once the columns have served enough requests to be searched in key order", () => {
    const requestArb = fc.record({
      skipAt: fc.integer({ min: -1, max: 11 }),
      vms: fc.array(
        fc.record({
          cpuMhz: fc.array(fc.constantFrom(0, 250, 500, 1000, 1500), { minLength: 1, maxLength: 4 }),
          ramMb: fc.constantFrom(512, 1024, 2048)
        }),
        { maxLength: 6 }
      )
    })
    fc.assert(
      fc.property(
        paramsArb,
        inputArb,
        fc.array(requestArb, { minLength: 12, maxLength: 30 }),
        (params, input, requests) => {
          const columns = placementColumns(input.hosts)
          for (const request of requests) {
            const skip = request.skipAt < input.hosts.length ? request.skipAt : -1
            const vms = request.vms.map((vm, i) => ({ uuid: `vm-${i}`, ...vm }))
            const columnar = columnarPlacementInput(columns, skip, [], vms)
            const listed = { hosts: input.hosts.filter((_, i) => i !== skip), inactiveHosts: [], vms }
            expect(sortedEntries(bestFitDecreasing(params, columnar))).toEqual(
              sortedEntries(literalBestFitDecreasing(params, listed))
            )
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it("places exactly as the list on columns derived from others, their free capacities and key order carried", () => {
    const requestArb = fc.record({
      skipAt: fc.integer({ min: -1, max: 11 }),
      vms: fc.array(
        fc.record({
          cpuMhz: fc.array(fc.constantFrom(0, 250, 500, 1000, 1500), { minLength: 1, maxLength: 4 }),
          ramMb: fc.constantFrom(512, 1024, 2048)
        }),
        { maxLength: 6 }
      )
    })
    // A derivation drops, replaces or adds a few rows (as an execution changes a few hosts).
    const deriveArb = fc.record({
      drop: fc.array(fc.nat(11), { maxLength: 2 }),
      replace: fc.array(fc.tuple(fc.nat(11), hostArb("", true)), { maxLength: 2 }),
      add: fc.array(fc.tuple(fc.nat(12), hostArb("", true)), { maxLength: 2 })
    })
    fc.assert(
      fc.property(
        paramsArb,
        inputArb,
        fc.array(fc.oneof(requestArb, deriveArb), { minLength: 12, maxLength: 40 }),
        (params, input, steps) => {
          let columns = placementColumns(input.hosts)
          let fresh = 0
          for (const step of steps) {
            const hosts = columns.hosts
            if ("drop" in step) {
              // Rows as (host, origin row), in order; new hosts take names never used before.
              let rows: Array<[PlacementHost, number]> = hosts.map((host, r) => [host, r])
              const dropped = new Set(step.drop.filter((r) => r < rows.length))
              for (const [r, host] of step.replace) {
                if (r < rows.length && !dropped.has(r)) rows[r] = [{ ...host, name: `n${fresh++}` }, -1]
              }
              rows = rows.filter((_, r) => !dropped.has(r))
              for (const [at, host] of step.add)
                rows.splice(Math.min(at, rows.length), 0, [{ ...host, name: `n${fresh++}` }, -1])
              columns = derivedPlacementColumns(
                columns,
                rows.map(([host]) => host),
                Int32Array.from(rows.map(([, r]) => r))
              )
              const built = placementColumns(columns.hosts)
              expect([columns.cpuMhz, columns.cpuUsedMhz, columns.ramMb, columns.ramUsedMb]).toEqual([
                built.cpuMhz,
                built.cpuUsedMhz,
                built.ramMb,
                built.ramUsedMb
              ])
              continue
            }
            const skip = step.skipAt < hosts.length ? step.skipAt : -1
            const vms = step.vms.map((vm, i) => ({ uuid: `vm-${i}`, ...vm }))
            const columnar = columnarPlacementInput(columns, skip, [], vms)
            const listed = { hosts: hosts.filter((_, i) => i !== skip), inactiveHosts: [], vms }
            expect(sortedEntries(bestFitDecreasing(params, columnar))).toEqual(
              sortedEntries(literalBestFitDecreasing(params, listed))
            )
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it("carries no columns into an input built from it", () => {
    const hosts: ReadonlyArray<PlacementHost> = [
      { name: "a", cpuMhz: 3000, cpuUsedMhz: 0, ramMb: 4096, ramUsedMb: 0 },
      { name: "b", cpuMhz: 3000, cpuUsedMhz: 0, ramMb: 4096, ramUsedMb: 0 }
    ]
    const vms = [{ uuid: "v", cpuMhz: [1000], ramMb: 512 }]
    const params = { cpu_threshold: 1, ram_threshold: 1, last_n_vm_cpu: 1, threshold_inactive_hosts: false }
    const columnar = columnarPlacementInput(placementColumns(hosts), 0, [], vms)
    expect(placementColumnsOf(columnar)).toBeDefined()
    const narrowed = { ...columnar, hosts: [] }
    expect(placementColumnsOf(narrowed)).toBeUndefined()
    expect(bestFitDecreasing(params, narrowed)).toBeUndefined()
    expect(bestFitDecreasing(params, columnar)).toEqual({ v: "b" })
  })
})
