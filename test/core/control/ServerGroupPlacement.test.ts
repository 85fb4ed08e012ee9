import { Effect, Either } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { preloadAlgorithmRefs } from "../../../src/algorithms/catalogue/preload.js"
import { makePlacer } from "../../../src/algorithms/registry.js"
import type { PlacementHost, PlacementInput, VmPlacer } from "../../../src/algorithms/types.js"
import {
  type GroupContext,
  type GroupedPlacement,
  placeWithServerGroups
} from "../../../src/core/control/ServerGroupPlacement.js"
import type { Placement } from "../../../src/core/Placement.js"
import { isAffinityPolicy, isHardPolicy, type ServerGroup, serverGroupPolicies } from "../../../src/core/ServerGroup.js"
import type { VmSample } from "../../../src/core/Vm.js"
import { writeUserModules } from "../../support/userModules.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }
const built = (name: string, params: unknown): VmPlacer => Either.getOrThrow(makePlacer(name, params, ctx))

/** Packs every VM onto the first host with room, active then inactive: co-locates whatever it can. */
const firstFit: VmPlacer = {
  initialState: null,
  place: (input, state) => {
    const hosts = [...input.hosts, ...input.inactiveHosts].map((host) => ({ ...host }))
    const placement: Record<string, string> = {}
    for (const vm of input.vms) {
      const cpu = vm.cpuMhz[vm.cpuMhz.length - 1] ?? 0
      const host = hosts.find((h) => h.cpuUsedMhz + cpu <= h.cpuMhz && h.ramUsedMb + vm.ramMb <= h.ramMb)
      if (host === undefined) return [undefined, state]
      host.cpuUsedMhz += cpu
      host.ramUsedMb += vm.ramMb
      placement[vm.uuid] = host.name
    }
    return [placement as Placement, state]
  }
}

const placers: ReadonlyArray<readonly [string, VmPlacer]> = [
  ["best_fit_decreasing", built("best_fit_decreasing", { cpu_threshold: 1, ram_threshold: 1, last_n_vm_cpu: 1 })],
  ["power_aware_best_fit", built("power_aware_best_fit", {})],
  ["a first fit in input order (co-locates what it can)", firstFit]
]

interface Scenario {
  readonly input: PlacementInput
  readonly groups: ReadonlyArray<ServerGroup>
  /** Moving VM → index of its group. */
  readonly membership: ReadonlyMap<string, number>
  /** Group index → hosts of its members that stay. */
  readonly fixed: ReadonlyMap<number, ReadonlySet<string>>
}

const contextOf = (scenario: Scenario): GroupContext => ({
  groupOf: (uuid) => {
    const g = scenario.membership.get(uuid)
    return g === undefined ? undefined : scenario.groups[g]
  },
  fixedHosts: (id) => scenario.fixed.get(scenario.groups.findIndex((group) => group.id === id)) ?? new Set()
})

const hostArb = (name: string, active: boolean): fc.Arbitrary<PlacementHost> =>
  fc.record({
    name: fc.constant(name),
    cpuMhz: fc.constantFrom(2000, 4000, 8000),
    cpuUsedMhz: active ? fc.constantFrom(0, 500, 1500) : fc.constant(0),
    ramMb: fc.constantFrom(4096, 8192),
    ramUsedMb: active ? fc.constantFrom(0, 1024, 2048) : fc.constant(0)
  })

const scenarioArb = (options: { readonly policies: ReadonlyArray<ServerGroup["policy"]> }): fc.Arbitrary<Scenario> =>
  fc
    .record({
      active: fc.integer({ min: 1, max: 6 }),
      inactive: fc.integer({ min: 0, max: 2 }),
      groupPolicies: fc.array(fc.constantFrom(...options.policies), { minLength: 1, maxLength: 3 }),
      vmCount: fc.integer({ min: 1, max: 7 })
    })
    .chain(({ active, inactive, groupPolicies, vmCount }) => {
      const activeNames = Array.from({ length: active }, (_, i) => `h${i}`)
      const names = [...activeNames, ...Array.from({ length: inactive }, (_, i) => `s${i}`)]
      const groups = groupPolicies.map((policy, i): ServerGroup => ({ id: `g${i}`, name: `group${i}`, policy }))
      // Members that stay: on distinct active hosts for anti-affinity, on one for affinity.
      const fixedArb = fc.tuple(
        ...groups.map((group) =>
          isAffinityPolicy(group.policy)
            ? fc.oneof(
                fc.constant([] as Array<string>),
                fc.constantFrom(...activeNames).map((h) => [h])
              )
            : fc.subarray(activeNames, { maxLength: Math.min(2, activeNames.length) })
        )
      )
      return fc.record({
        hosts: fc.tuple(...activeNames.map((name) => hostArb(name, true))),
        inactiveHosts: fc.tuple(...names.slice(active).map((name) => hostArb(name, false))),
        vms: fc.tuple(
          ...Array.from({ length: vmCount }, (_, i) =>
            fc.record({
              uuid: fc.constant(`vm${i}`),
              cpuMhz: fc.constantFrom(0, 250, 500, 1000, 1800).map((mhz) => [mhz]),
              ramMb: fc.constantFrom(256, 512, 1024, 2048)
            })
          )
        ),
        membership: fc.array(fc.option(fc.integer({ min: 0, max: groups.length - 1 }), { nil: undefined }), {
          minLength: vmCount,
          maxLength: vmCount
        }),
        fixed: fixedArb,
        groups: fc.constant(groups)
      })
    })
    .map(({ hosts, inactiveHosts, vms, membership, fixed, groups }) => ({
      input: { hosts, inactiveHosts, vms },
      groups,
      membership: new Map(
        membership.flatMap((g, i): Array<[string, number]> => (g === undefined ? [] : [[`vm${i}`, g]]))
      ),
      fixed: new Map(fixed.map((hosts, g) => [g, new Set(hosts)]))
    }))

const latest = (vm: VmSample): number => vm.cpuMhz[vm.cpuMhz.length - 1] ?? 0

/** Every hard policy kept, capacity respected, exactly the VMs not refused placed. */
const assertKept = (scenario: Scenario, result: GroupedPlacement): void => {
  const placement = result.placement
  if (placement === undefined) return
  const refused = new Set(result.refused.map((note) => note.vm))
  for (const vm of scenario.input.vms) {
    expect(placement[vm.uuid] === undefined).toBe(refused.has(vm.uuid))
  }
  for (const note of result.refused) expect(isHardPolicy(note.group.policy)).toBe(true)
  scenario.groups.forEach((group, g) => {
    if (!isHardPolicy(group.policy)) return
    const fixed = scenario.fixed.get(g) ?? new Set<string>()
    const placed = [...scenario.membership].filter(([, m]) => m === g).flatMap(([uuid]) => placement[uuid] ?? [])
    if (isAffinityPolicy(group.policy)) {
      // Never split: every member placed lands where the others are.
      expect(new Set([...fixed, ...placed]).size).toBeLessThanOrEqual(1)
    } else {
      // Never co-located: one member per host, counting those that stay.
      expect(new Set([...fixed, ...placed]).size).toBe(fixed.size + placed.length)
    }
  })
  for (const host of [...scenario.input.hosts, ...scenario.input.inactiveHosts]) {
    const onIt = scenario.input.vms.filter((vm) => placement[vm.uuid] === host.name)
    expect(host.cpuUsedMhz + onIt.reduce((sum, vm) => sum + latest(vm), 0)).toBeLessThanOrEqual(host.cpuMhz)
    expect(host.ramUsedMb + onIt.reduce((sum, vm) => sum + vm.ramMb, 0)).toBeLessThanOrEqual(host.ramMb)
  }
}

describe("placement through server groups, with a user's module (MODULE#EXPORT, examples/myPlacement.ts)", () => {
  const modules = writeUserModules()
  afterAll(() => modules.remove())
  let placer: VmPlacer | undefined
  beforeAll(async () => {
    const ref = `${modules.firstFit}#firstFit`
    await Effect.runPromise(preloadAlgorithmRefs([ref]))
    placer = Either.getOrThrow(makePlacer(ref, { cpu_threshold: 1 }, ctx))
  }, 60_000)

  it("never co-locates an anti-affinity pair, never splits an affinity group, never overfills a host", () => {
    const user = placer!
    fc.assert(
      fc.property(scenarioArb({ policies: serverGroupPolicies }), (scenario) => {
        assertKept(scenario, placeWithServerGroups(user, scenario.input, user.initialState, contextOf(scenario)))
      }),
      { numRuns: 300 }
    )
  })
})

describe("placement through server groups", () => {
  for (const [name, placer] of placers) {
    it(`${name}: never co-locates an anti-affinity pair, never splits an affinity group, never overfills a host`, () => {
      const seen = { refused: 0, placedInGroup: 0 }
      fc.assert(
        fc.property(scenarioArb({ policies: serverGroupPolicies }), (scenario) => {
          const result = placeWithServerGroups(placer, scenario.input, placer.initialState, contextOf(scenario))
          assertKept(scenario, result)
          if (result.refused.length > 0) seen.refused++
          if ([...scenario.membership.keys()].some((uuid) => result.placement?.[uuid] !== undefined))
            seen.placedInGroup++
        }),
        { numRuns: 400 }
      )
      // The runs exercised both outcomes, not only the trivial ones.
      expect(seen.refused).toBeGreaterThan(10)
      expect(seen.placedInGroup).toBeGreaterThan(100)
    })

    it(`${name}: keeps soft policies when the hosts leave room for it`, () => {
      // Every host a member stays on, and more empty hosts than VMs, each with room for all: every policy can be kept.
      const roomy = scenarioArb({ policies: ["soft-affinity", "soft-anti-affinity"] }).map((scenario) => ({
        ...scenario,
        input: {
          ...scenario.input,
          hosts: Array.from({ length: 6 + scenario.input.vms.length + 2 }, (_, i) => ({
            name: `h${i}`,
            cpuMhz: 20000,
            cpuUsedMhz: 0,
            ramMb: 32768,
            ramUsedMb: 0
          }))
        }
      }))
      fc.assert(
        fc.property(roomy, (scenario) => {
          const result = placeWithServerGroups(placer, scenario.input, placer.initialState, contextOf(scenario))
          expect(result.placement).toBeDefined()
          expect(result.refused).toEqual([])
          expect(result.softBroken).toEqual([])
          const kept = { ...scenario, groups: scenario.groups.map((g) => ({ ...g, policy: hardOf(g.policy) })) }
          assertKept(kept, result)
        }),
        { numRuns: 200 }
      )
    })

    it(`${name}: without a grouped VM, the algorithm's own answer`, () => {
      fc.assert(
        fc.property(scenarioArb({ policies: serverGroupPolicies }), (scenario) => {
          const ungrouped = { ...scenario, membership: new Map<string, number>() }
          const result = placeWithServerGroups(placer, scenario.input, placer.initialState, contextOf(ungrouped))
          expect(result.placement).toEqual(placer.place(scenario.input, placer.initialState)[0])
          expect(result.refused).toEqual([])
        }),
        { numRuns: 100 }
      )
    })
  }

  it("refuses the second member of an anti-affinity pair when only the first member's host has room", () => {
    const input: PlacementInput = {
      hosts: [
        { name: "a", cpuMhz: 4000, cpuUsedMhz: 0, ramMb: 8192, ramUsedMb: 0 },
        { name: "b", cpuMhz: 4000, cpuUsedMhz: 3900, ramMb: 8192, ramUsedMb: 0 }
      ],
      inactiveHosts: [],
      vms: [{ uuid: "web-2", cpuMhz: [500], ramMb: 512 }]
    }
    const group: ServerGroup = { id: "g-1", name: "web", policy: "anti-affinity" }
    const result = placeWithServerGroups(firstFit, input, null, {
      groupOf: () => group,
      fixedHosts: () => new Set(["a"])
    })
    expect(result.placement).toEqual({})
    expect(result.refused).toEqual([
      {
        vm: "web-2",
        group,
        reason: "its anti-affinity group web (g-1) has members on a, and no other host has room for it"
      }
    ])
  })
})

const hardOf = (policy: ServerGroup["policy"]): ServerGroup["policy"] =>
  policy === "soft-affinity" ? "affinity" : policy === "soft-anti-affinity" ? "anti-affinity" : policy
