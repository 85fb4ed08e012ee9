/** Server groups in the simulator: the groups file, the neat policy keeping them, and what they cost. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { makeNeatCloudView } from "../../../src/adapters/sim/policies/NeatCloudView.js"
import { neatAlgorithmsFor, neatControlOptions, runNeatPolicy } from "../../../src/adapters/sim/policies/NeatPolicy.js"
import { brokenHardGroups } from "../../../src/adapters/sim/policies/ServerGroupCost.js"
import { runSimulation } from "../../../src/adapters/sim/runSimulation.js"
import { loadServerGroups, type SimServerGroups, serverGroupsOf } from "../../../src/adapters/sim/ServerGroupsFile.js"
import { makeSimCloud } from "../../../src/adapters/sim/SimCloud.js"
import { syntheticTrace } from "../../../src/adapters/sim/traces/synthetic.js"
import { controlStepSync, initialControlState } from "../../../src/core/control/ControlStep.js"
import { makeMemoryDecisionLog } from "../../../src/core/control/DecisionLog.js"
import { describeError } from "../../../src/core/errors.js"
import { isAffinityPolicy, isHardPolicy } from "../../../src/core/ServerGroup.js"

const trace = Effect.runSync(syntheticTrace({ vms: 60, seed: 7, samples: 96 }))
const hosts = 50

const directory = mkdtempSync(join(tmpdir(), "neat-groups-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const groupsFile = (document: unknown, name = "groups.json"): string => {
  const file = join(directory, name)
  writeFileSync(file, typeof document === "string" ? document : JSON.stringify(document))
  return file
}

const load = (document: unknown): Promise<SimServerGroups> =>
  Effect.runPromise(loadServerGroups(groupsFile(document), trace))

const refusal = async (document: unknown): Promise<string> =>
  describeError(await Effect.runPromise(Effect.flip(loadServerGroups(groupsFile(document), trace))))

// Ten anti-affinity pairs, three affinity pairs, three soft anti-affinity pairs.
const vm = (i: number) => trace.names[i]!
const document = {
  groups: [
    ...Array.from({ length: 10 }, (_, i) => ({
      name: `web${i}`,
      policy: "anti-affinity",
      vms: [vm(2 * i), vm(2 * i + 1)]
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      name: `db${i}`,
      policy: "affinity",
      vms: [vm(20 + 2 * i), vm(21 + 2 * i)]
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      name: `cache${i}`,
      policy: "soft-anti-affinity",
      vms: [vm(30 + 2 * i), vm(31 + 2 * i)]
    }))
  ]
}
/**
 * Every grouped VM's host at time 0, keeping every group: anti-affinity pairs apart, affinity pairs
 * together, on the odd hosts (G5: the first VMs' 2500 and 2000 MHz exceed a G4 core).
 */
const initialPlacement: Record<string, number> = {}
for (let i = 0; i < 10; i++) {
  initialPlacement[vm(2 * i)] = 4 * i + 1
  initialPlacement[vm(2 * i + 1)] = 4 * i + 3
}
for (let i = 0; i < 3; i++) {
  initialPlacement[vm(20 + 2 * i)] = 41 + 2 * i
  initialPlacement[vm(21 + 2 * i)] = 41 + 2 * i
}

describe("the server groups file", () => {
  it("maps each VM to its group", async () => {
    const groups = await load(document)
    expect(groups.size).toBe(32)
    expect(groups.get(vm(1))).toEqual({ id: "web0", name: "web0", policy: "anti-affinity" })
    expect(groups.get(vm(40))).toBeUndefined()
  })

  it.each([
    ["{ not json", /^.*groups\.json: not JSON: /],
    [{ groups: [{ name: "a", vms: [] }] }, /groups\.json: not a server groups file .*policy/],
    [
      { groups: [{ name: "a", policy: "spread", vms: ["vm-00"] }] },
      /group "a": policy "spread" is not one of affinity, anti-affinity, soft-affinity, soft-anti-affinity$/
    ],
    [{ groups: [{ name: "a", policy: "affinity", vms: ["nope"] }] }, /group "a": VM "nope" is not in the trace$/],
    [{ groups: [{ name: "a", policy: "affinity", vms: [] }] }, /group "a" has no VM$/],
    [
      {
        groups: [
          { name: "a", policy: "affinity", vms: ["vm-00"] },
          { name: "b", policy: "anti-affinity", vms: ["vm-00"] }
        ]
      },
      /VM "vm-00" is in group "a" and in group "b": a VM belongs to one group$/
    ],
    [
      {
        groups: [
          { name: "a", policy: "affinity", vms: ["vm-00"] },
          { name: "a", policy: "affinity", vms: ["vm-01"] }
        ]
      },
      /group "a" is defined twice$/
    ]
  ])("refuses a bad file, naming the file and the group (%#)", async (bad, message) => {
    const text = await refusal(bad)
    expect(text).toContain(join(directory, "groups.json"))
    expect(text).toMatch(message)
  })

  it("is for the neat policy only", async () => {
    const groups = await load(document)
    expect(() => runSimulation({ trace, hosts, policy: "cloudsim", serverGroups: groups })).toThrow(
      "server groups are kept by the neat policy's placement only (--policy neat), not by cloudsim"
    )
  })
})

describe("the neat policy with server groups", () => {
  it("never co-locates an anti-affinity pair nor splits an affinity group, step after step", async () => {
    const groups = await load(document)
    // The policy's loop, reading the cloud after every step (VMs whose demand drops to 0 leave it).
    const sim = Effect.runSync(makeSimCloud({ trace, hosts, initialPlacement, serverGroups: groups }))
    const view = makeNeatCloudView(sim.cloud, sim.control)
    const algorithms = Either.getOrThrow(neatAlgorithmsFor(view.cloud, { trace }))
    const log = Effect.runSync(makeMemoryDecisionLog(16))
    let state = initialControlState(algorithms)
    let steps = 0
    let groupedMoves = 0
    while (Effect.runSync(view.advance)) {
      const step = Either.getOrThrow(controlStepSync(view.cloud, log, algorithms, state, neatControlOptions))
      state = step.state
      steps++
      for (const decision of step.decisions) {
        for (const outcome of decision.execution.migrations) {
          if (outcome._tag === "Migrated" && groups.has(outcome.migration.vm)) groupedMoves++
        }
      }
      const hostsOf = new Map<string, Array<string>>()
      for (const vm of Effect.runSync(view.cloud.vms)) {
        if (vm.serverGroup === undefined || !isHardPolicy(vm.serverGroup.policy)) continue
        hostsOf.set(vm.serverGroup.id, [...(hostsOf.get(vm.serverGroup.id) ?? []), vm.host])
      }
      for (const [id, on] of hostsOf) {
        const policy = groups.get(document.groups.find((g) => g.name === id)!.vms[0]!)!.policy
        expect(new Set(on).size, `${id} at step ${steps}: ${on.join(", ")}`).toBe(
          isAffinityPolicy(policy) ? 1 : on.length
        )
      }
    }
    expect(steps).toBeGreaterThan(90)
    expect(groupedMoves).toBeGreaterThan(5)
  })

  it("reports what the groups held back", async () => {
    // Fifteen anti-affinity triples on 30 hosts placed by best fit: tight enough for a refusal.
    const triples = {
      groups: Array.from({ length: 15 }, (_, i) => ({
        name: `web${i}`,
        policy: "anti-affinity",
        vms: [vm(4 * i), vm(4 * i + 1), vm(4 * i + 2)]
      }))
    }
    const result = runNeatPolicy({ trace, hosts: 30, serverGroups: await load(triples) })
    expect(result.serverGroups).toEqual({ groups: 15, members: 45, brokenAtStart: 0, refusedRequests: 1, vmsKept: 2 })
    // The groups' cost: the same run without them uses less energy.
    expect(result.metrics.energyKwh).toBeGreaterThan(runNeatPolicy({ trace, hosts: 30 }).metrics.energyKwh)
  })

  it("starts from an initial placement that keeps the hard groups, or says which VM it cannot place", async () => {
    const groups = await load(document)
    const sim = Effect.runSync(makeSimCloud({ trace, hosts, serverGroups: groups }))
    expect(brokenHardGroups(Effect.runSync(sim.cloud.vms))).toBe(0)
    // CloudSim's best fit alone, which knows no groups, breaks some.
    const blind = Effect.runSync(Effect.flatMap(makeSimCloud({ trace, hosts }), (built) => built.cloud.vms))
    expect(brokenHardGroups(blind.map((v) => ({ ...v, serverGroup: groups.get(v.uuid) })))).toBeGreaterThan(0)

    const tiny = Effect.runSync(syntheticTrace({ vms: 4, seed: 7, samples: 12 }))
    const three = Effect.runSync(
      serverGroupsOf(
        "g.json",
        { groups: [{ name: "web", policy: "anti-affinity", vms: ["vm-1", "vm-2", "vm-3"] }] },
        tiny
      )
    )
    const failed = Effect.runSync(Effect.flip(makeSimCloud({ trace: tiny, hosts: 2, serverGroups: three })))
    expect(describeError(failed)).toBe(
      "configuration: server-groups: VM vm-3 fits on no host its anti-affinity group web allows at time 0: add hosts, or give an initial placement"
    )
  })

  it("decides exactly as without groups when none is given", () => {
    const plain = runNeatPolicy({ trace, hosts, initialPlacement })
    const empty = runNeatPolicy({ trace, hosts, initialPlacement, serverGroups: new Map() })
    expect({ ...empty.metrics, wallSeconds: 0 }).toEqual({ ...plain.metrics, wallSeconds: 0 })
    expect(empty.timeline).toEqual(plain.timeline)
    expect(empty.serverGroups).toBeUndefined()
  })
})
