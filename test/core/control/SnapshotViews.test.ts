import { Effect, Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { placementColumns } from "../../../src/algorithms/placement/placementColumns.js"
import { makePlacer } from "../../../src/algorithms/registry.js"
import {
  applyExecution,
  type CloudSnapshot,
  takeSnapshot,
  withVmHistories
} from "../../../src/core/control/CloudSnapshot.js"
import { defaultPlanningOptions, planReallocation } from "../../../src/core/control/GlobalPlanning.js"
import type { ReallocationRequest } from "../../../src/core/control/ReallocationRequest.js"
import { placementCandidates, targetColumns } from "../../../src/core/control/SnapshotViews.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { randomCloud } from "../../support/randomCloud.js"

/** Up to 10 hosts of two speeds in any power state, up to 24 VMs on the active ones, some without data yet. */
const cloudSetup = randomCloud({
  minHosts: 2,
  maxHosts: 10,
  maxVms: 24,
  maxVmMhz: 900,
  hostSpeed: (i) => ({ mhzPerCore: 1000 + 500 * (i % 2), ownCpuMhz: 40 + i })
})

/** One change a running global manager makes to its snapshot (an execution moves a VM at most once). */
type Change =
  | { readonly _tag: "execute"; readonly moves: ReadonlyArray<[number, number]>; readonly flips: ReadonlyArray<number> }
  | { readonly _tag: "fresh"; readonly vms: ReadonlyArray<number>; readonly mhz: number }
  | { readonly _tag: "plan"; readonly host: number; readonly overload: boolean; readonly vms: ReadonlyArray<number> }

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    _tag: fc.constant("execute" as const),
    moves: fc.array(fc.tuple(fc.nat(40), fc.nat(20)), { maxLength: 3 }),
    flips: fc.array(fc.nat(20), { maxLength: 2 })
  }),
  fc.record({
    _tag: fc.constant("fresh" as const),
    vms: fc.array(fc.nat(40), { minLength: 1, maxLength: 3 }),
    mhz: fc.integer({ min: 0, max: 900 })
  }),
  fc.record({
    _tag: fc.constant("plan" as const),
    host: fc.nat(20),
    overload: fc.boolean(),
    vms: fc.array(fc.nat(40), { maxLength: 2 })
  })
)

const placer = Either.getOrThrow(
  makePlacer(
    "placement/best_fit_decreasing",
    { cpu_threshold: 0.8, ram_threshold: 0.95, last_n_vm_cpu: 2 },
    { timeStepSec: 300, migrationTimeSec: 20 }
  )
)

/** The same snapshot as a new object: planning derives everything again from scratch. */
const fresh = (snapshot: CloudSnapshot): CloudSnapshot => ({
  hosts: snapshot.hosts.map((host) => ({ ...host })),
  vms: new Map(snapshot.vms),
  vmCpuMhz: new Map(snapshot.vmCpuMhz),
  hostOwnMhz: new Map(snapshot.hostOwnMhz)
})

describe("snapshot views carried across changes", () => {
  it("plan exactly as views built from scratch, through executions and fresh histories", () => {
    fc.assert(
      fc.property(
        cloudSetup,
        fc.array(change, { maxLength: 25 }),
        fc.subarray(["h0", "h3"]),
        (setup, changes, untouchable) => {
          const cloud = new InMemoryCloud(setup)
          let snapshot = Effect.runSync(takeSnapshot({ historyLength: 3 }).pipe(Effect.provide(cloud.layer)))
          const options = { ...defaultPlanningOptions, untouchableHosts: new Set(untouchable) }
          const hostName = (i: number) => snapshot.hosts[i % snapshot.hosts.length]!.name
          const vmName = (i: number) => `vm${i % Math.max(1, setup.vms.length)}`
          // Views exist from the start, as in the global manager after its first plan.
          placementCandidates(snapshot, options.hostCpuUsableByVms, options.untouchableHosts)
          for (const step of changes) {
            if (step._tag === "execute") {
              const migrations = step.moves
                .map(([vm, to]) => ({
                  vm: vmName(vm),
                  from: snapshot.vms.get(vmName(vm))?.host ?? "",
                  to: hostName(to)
                }))
                .filter((m, i, all) => m.from !== "" && m.from !== m.to && all.findIndex((o) => o.vm === m.vm) === i)
              const flipped = step.flips.map(hostName)
              const woken = flipped.filter((h) => snapshot.hosts.find((x) => x.name === h)?.power === "suspended")
              const suspended = flipped.filter((h) => snapshot.hosts.find((x) => x.name === h)?.power === "active")
              snapshot = applyExecution(snapshot, {
                woken,
                suspended,
                migrations: migrations.map((migration) => ({ _tag: "Migrated", migration }))
              })
            } else if (step._tag === "fresh") {
              const known = step.vms.map(vmName).filter((uuid) => snapshot.vms.has(uuid))
              snapshot = withVmHistories(snapshot, new Map(known.map((uuid) => [uuid, [step.mhz, step.mhz + 1]])))
            } else {
              const request: ReallocationRequest = {
                host: hostName(step.host),
                reason: step.overload ? "overload" : "underload",
                vmUuids: step.vms.map(vmName)
              }
              const carried = planReallocation(snapshot, request, placer, null, options)
              const rebuilt = planReallocation(fresh(snapshot), request, placer, null, options)
              expect(carried).toEqual(rebuilt)
            }
            const carried = placementCandidates(snapshot, options.hostCpuUsableByVms, options.untouchableHosts)
            const rebuilt = placementCandidates(fresh(snapshot), options.hostCpuUsableByVms, options.untouchableHosts)
            expect(carried.targets).toEqual(rebuilt.targets)
            // The inactive hosts are read now and then, so that changes pile up between reads.
            if (changes.indexOf(step) % 3 === 2) {
              expect(carried.inactive).toEqual(rebuilt.inactive)
              expect([...carried.inactiveIndex]).toEqual([...rebuilt.inactiveIndex])
            }
            expect(carried.idle).toEqual(rebuilt.idle)
            expect([...carried.targetIndex]).toEqual([...rebuilt.targetIndex])
            expect([...carried.idleIndex]).toEqual([...rebuilt.idleIndex])
            // Columns carried from the snapshot before hold what columns built afresh do.
            const columns = targetColumns(carried)
            const built = placementColumns(rebuilt.targets)
            expect(columns.hosts).toEqual(built.hosts)
            expect([columns.cpuMhz, columns.cpuUsedMhz, columns.ramMb, columns.ramUsedMb]).toEqual([
              built.cpuMhz,
              built.cpuUsedMhz,
              built.ramMb,
              built.ramUsedMb
            ])
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})
