/**
 * Small, real algorithms for tests of the control core and the servers (the project's registry
 * provides the full set): threshold detectors on the latest utilisation, a selector picking the
 * busiest VM, and Neat's best fit decreasing placement on the VMs' latest CPU.
 */
import type { Detector, PlacementHost, VmPlacer, VmSelector } from "../../src/algorithms/types.js"
import { opaqueDetector, opaquePlacer, opaqueSelector } from "../../src/core/control/OpaqueState.js"
import type { VmSample } from "../../src/core/Vm.js"

const latest = (values: ReadonlyArray<number>): number => (values.length === 0 ? 0 : values[values.length - 1]!)

/** Underloaded when the latest utilisation is at or below `threshold`. */
export const underloadBelow = (threshold: number): Detector =>
  opaqueDetector<null>({
    initialState: null,
    decide: (utilization, state) => [utilization.length > 0 && latest(utilization) <= threshold, state]
  })

/** Overloaded when the latest utilisation is above `threshold`; counts its calls in its state. */
export const overloadAbove = (threshold: number): Detector =>
  opaqueDetector<{ readonly calls: number }>({
    initialState: { calls: 0 },
    decide: (utilization, state) => [latest(utilization) > threshold, { calls: state.calls + 1 }]
  })

/** Selects the VM with the highest latest CPU use. */
export const busiestVm: VmSelector = opaqueSelector<null>({
  initialState: null,
  select: (vms, state) => {
    let best: VmSample | undefined
    for (const vm of vms) if (best === undefined || latest(vm.cpuMhz) > latest(best.cpuMhz)) best = vm
    return [best === undefined ? [] : [best.uuid], state]
  }
})

interface Room {
  readonly name: string
  cpu: number
  ram: number
}

const room = (host: PlacementHost, cpuThreshold: number, ramThreshold: number): Room => ({
  name: host.name,
  cpu: Math.trunc(cpuThreshold * host.cpuMhz - host.cpuUsedMhz),
  ram: Math.trunc(ramThreshold * host.ramMb - host.ramUsedMb)
})

const byRoom = (a: Room, b: Room): number => a.cpu - b.cpu || a.ram - b.ram || (a.name < b.name ? -1 : 1)

/** Best fit decreasing as Neat's bin_packing.py does it, on each VM's latest CPU sample. */
export const bestFitDecreasing = (cpuThreshold = 1, ramThreshold = 1): VmPlacer =>
  opaquePlacer<null>({
    initialState: null,
    place: (input, state) => {
      const vms = input.vms
        .map((vm) => ({ uuid: vm.uuid, cpu: latest(vm.cpuMhz), ram: vm.ramMb }))
        .sort((a, b) => b.cpu - a.cpu || b.ram - a.ram || (a.uuid < b.uuid ? 1 : -1))
      const hosts = input.hosts.map((host) => room(host, cpuThreshold, ramThreshold)).sort(byRoom)
      const inactive = input.inactiveHosts.map((host) => room(host, cpuThreshold, ramThreshold)).sort(byRoom)
      const placement: Record<string, string> = {}
      for (const vm of vms) {
        for (;;) {
          const fit = hosts.find((host) => host.cpu >= vm.cpu && host.ram >= vm.ram)
          if (fit !== undefined) {
            placement[vm.uuid] = fit.name
            fit.cpu -= vm.cpu
            fit.ram -= vm.ram
            break
          }
          const next = inactive.shift()
          if (next === undefined) return [undefined, state]
          hosts.push(next)
          hosts.sort(byRoom)
        }
      }
      return [placement, state]
    }
  })
