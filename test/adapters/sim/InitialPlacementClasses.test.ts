import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { buildState } from "../../../src/adapters/sim/buildState.js"
import { type HostType, planetLabHostTypes, planetLabVmTypes } from "../../../src/adapters/sim/Datacenter.js"
import { placeInitially } from "../../../src/adapters/sim/InitialPlacement.js"
import {
  localRegression,
  type OverloadDetector,
  staticThreshold
} from "../../../src/algorithms/cloudsim/overload/OverloadDetector.js"

/** Every VM's host after initial placement; `scan` makes best fit score every host (a no-op group lookup). */
const placed = (
  hosts: number,
  vms: number,
  hostTypes: ReadonlyArray<HostType>,
  ram: Float64Array | undefined,
  detector: OverloadDetector,
  scan: boolean,
  vmMips?: Float64Array
): Array<number> | string => {
  const { state, hostRamMb } = buildState(hosts, vms, hostTypes, planetLabVmTypes, ram, true, { vmMips })
  const failure = placeInitially(
    state,
    "best-fit",
    hostRamMb,
    detector,
    300,
    undefined,
    undefined,
    scan ? () => undefined : undefined
  )
  return failure === undefined ? Array.from(state.vmHost) : failure.message
}

describe("initial placement by classes of alike hosts", () => {
  it("places every VM where scoring every host places it", () => {
    const boxes = fc.constantFrom(1, 2, 5)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 150 }),
        boxes,
        fc.option(fc.array(fc.constantFrom(613, 870, 1740, 2048), { minLength: 150, maxLength: 150 })),
        fc.constantFrom("thr", "lr"),
        (hosts, vms, box, ram, detector) => {
          const types = planetLabHostTypes.map((type) => ({
            ...type,
            cores: type.cores * box,
            ramMb: type.ramMb * box,
            power: type.power.map((watts) => watts * box)
          }))
          const own = ram === null ? undefined : Float64Array.from(ram.slice(0, vms))
          const make = () => (detector === "thr" ? staticThreshold(0.8) : localRegression(1.2))
          expect(placed(hosts, vms, types, own, make(), false)).toEqual(placed(hosts, vms, types, own, make(), true))
        }
      ),
      { numRuns: 300 }
    )
  })

  // A data set's VMs can be wider than a host's core (Trace.vmMips): they need that many cores.
  it("places VMs of several cores where scoring every host places them", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.constantFrom(500, 2660, 5320, 10640, 21280), { minLength: 80, maxLength: 80 }),
        (hosts, vms, mips) => {
          const types = planetLabHostTypes.map((type) => ({
            ...type,
            cores: type.cores * 8,
            ramMb: type.ramMb * 8,
            power: type.power.map((watts) => watts * 8)
          }))
          const own = Float64Array.from(mips.slice(0, vms))
          expect(placed(hosts, vms, types, undefined, staticThreshold(0.8), false, own)).toEqual(
            placed(hosts, vms, types, undefined, staticThreshold(0.8), true, own)
          )
        }
      ),
      { numRuns: 200 }
    )
  })
})
