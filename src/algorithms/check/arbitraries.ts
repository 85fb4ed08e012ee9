/**
 * The random inputs of the contract check: utilisation histories, VMs and hosts in the shapes the
 * control loop hands to algorithms, with the edges that break algorithms in practice (empty and
 * flat histories, values just above 1, hosts already over their threshold, idle VMs, ties).
 */
import fc from "fast-check"
import type { VmSample } from "../../core/Vm.js"
import type { PlacementHost, PlacementInput } from "../types.js"

/** A utilisation sample, a fraction of capacity: mostly 0..1, sometimes slightly above (oversubscription). */
export const utilizationArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: 1, max: 1.2, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 0.5, 0.8, 1) }
)

/** One value repeated: the idle or saturated window on which statistics divide by zero. */
const flatHistoryArb = (maxLength: number): fc.Arbitrary<ReadonlyArray<number>> =>
  fc
    .tuple(utilizationArb, fc.integer({ min: 1, max: maxLength }))
    .map(([value, length]) => Array.from({ length }, () => value))

/** A host's utilisation history, oldest first: empty, short, long (up to 150 samples) or flat. */
export const historyArb: fc.Arbitrary<ReadonlyArray<number>> = fc.oneof(
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 3, arbitrary: fc.array(utilizationArb, { minLength: 1, maxLength: 5 }) },
  { weight: 3, arbitrary: fc.array(utilizationArb, { minLength: 6, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.array(utilizationArb, { minLength: 41, maxLength: 150 }) },
  { weight: 1, arbitrary: flatHistoryArb(60) }
)

/**
 * The histories a detector sees in successive decisions, its state carried from one to the next:
 * unrelated histories, or (as a local manager calls it) the sliding windows of one growing series,
 * long enough for learning detectors such as MHOD to get past their learning steps.
 */
export const detectorCallsArb: fc.Arbitrary<ReadonlyArray<ReadonlyArray<number>>> = fc.oneof(
  fc.array(historyArb, { minLength: 1, maxLength: 6 }),
  fc
    .record({
      series: fc.array(utilizationArb, { minLength: 1, maxLength: 60 }),
      window: fc.integer({ min: 1, max: 100 })
    })
    .map(({ series, window }) => series.map((_, i) => series.slice(Math.max(0, i + 1 - window), i + 1)))
)

const vmUuidsArb = (maxLength: number): fc.Arbitrary<ReadonlyArray<string>> =>
  fc.uniqueArray(fc.stringMatching(/^vm-[0-9a-f]{1,3}$/), { maxLength })

/** RAM, MB: round sizes (so ties happen) and any size. */
const ramArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(128, 512, 1024, 2048, 4096),
  fc.integer({ min: 0, max: 8192 })
)

/** A VM's CPU history, MHz, oldest first; `flat` ones demand one unambiguous figure (however it is estimated). */
const vmCpuArb = (flat: boolean): fc.Arbitrary<ReadonlyArray<number>> =>
  flat
    ? fc
        .tuple(
          fc.oneof(
            { weight: 3, arbitrary: fc.integer({ min: 0, max: 1500 }) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: 4000 }) }
          ),
          fc.integer({ min: 1, max: 5 })
        )
        .map(([mhz, length]) => Array.from({ length }, () => mhz))
    : fc.oneof(
        fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 30 }),
        fc.array(fc.constantFrom(0, 250, 500, 1000), { minLength: 1, maxLength: 4 })
      )

const vmsArb = (options: {
  readonly maxLength: number
  readonly flat: boolean
}): fc.Arbitrary<ReadonlyArray<VmSample>> =>
  vmUuidsArb(options.maxLength).chain((uuids) =>
    fc.tuple(
      ...uuids.map((uuid) => fc.record({ uuid: fc.constant(uuid), cpuMhz: vmCpuArb(options.flat), ramMb: ramArb }))
    )
  )

/** The VMs of a host, as VM selection gets them: none, one or up to 10, with empty to long CPU histories. */
export const selectionInputArb: fc.Arbitrary<ReadonlyArray<VmSample>> = vmsArb({ maxLength: 10, flat: false })

/** The VM lists a selection sees in successive calls, its state carried from one to the next. */
export const selectionCallsArb: fc.Arbitrary<ReadonlyArray<ReadonlyArray<VmSample>>> = fc.array(selectionInputArb, {
  minLength: 1,
  maxLength: 5
})

/** A host: active ones in use up to 120 % of their capacity (overloaded hosts exist), inactive ones idle. */
const hostArb = (name: string, active: boolean): fc.Arbitrary<PlacementHost> =>
  fc
    .record({
      cpuMhz: fc.oneof(fc.constantFrom(1000, 2000, 2660, 3000, 4000, 8000), fc.integer({ min: 100, max: 10000 })),
      cpuShare: fc.oneof(
        { weight: 2, arbitrary: fc.double({ min: 0, max: 0.8, noNaN: true }) },
        { weight: 1, arbitrary: fc.double({ min: 0, max: 1.2, noNaN: true }) },
        { weight: 1, arbitrary: fc.constantFrom(0, 0.5, 0.8, 1) }
      ),
      ramMb: fc.constantFrom(1024, 2048, 4096, 8192, 16384),
      ramShare: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 1))
    })
    .map(({ cpuMhz, cpuShare, ramMb, ramShare }) => ({
      name,
      cpuMhz,
      cpuUsedMhz: active ? Math.round(cpuShare * cpuMhz) : 0,
      ramMb,
      ramUsedMb: active ? Math.round(ramShare * ramMb) : 0
    }))

/**
 * A placement request: up to 8 hosts with distinct names, split between active and inactive, and
 * up to 8 VMs. With `flatVmHistories`, each VM's CPU history is one value repeated, so its demand
 * is the same whatever estimate a placer uses (latest, mean of the last n, peak).
 */
export const placementInputArb = (flatVmHistories: boolean): fc.Arbitrary<PlacementInput> =>
  fc
    .record({
      names: fc.uniqueArray(fc.stringMatching(/^h[0-9a-f]{1,2}$/), { maxLength: 8 }),
      activeShare: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      vms: vmsArb({ maxLength: 8, flat: flatVmHistories })
    })
    .chain(({ names, activeShare, vms }) => {
      const activeCount = Math.round(names.length * activeShare)
      return fc.record({
        hosts: fc.tuple(...names.slice(0, activeCount).map((name) => hostArb(name, true))),
        inactiveHosts: fc.tuple(...names.slice(activeCount).map((name) => hostArb(name, false))),
        vms: fc.constant(vms)
      })
    })

/** The requests a placement sees in successive calls, its state carried from one to the next. */
export const placementCallsArb = (flatVmHistories: boolean): fc.Arbitrary<ReadonlyArray<PlacementInput>> =>
  fc.array(placementInputArb(flatVmHistories), { minLength: 1, maxLength: 3 })
