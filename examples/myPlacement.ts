/**
 * A VM placement: first fit decreasing. VMs by decreasing CPU demand, each onto the first host (the
 * active ones, then the suspended ones) where it fits under `cpu_threshold` of the CPU and within the
 * memory. All VMs or none: when one fits nowhere the answer is `undefined`, and nothing moves.
 *
 *   neat sim --policy neat --placement ./examples/myPlacement.ts#firstFitDecreasing:0.9
 */
import { Fraction, lastOf, type Placement, Schema, type VmPlacer, withParams } from "neat/algorithms"

export const firstFitDecreasing = withParams(
  Schema.Struct({ cpu_threshold: Fraction }),
  ({ cpu_threshold }): VmPlacer<null> => ({
    initialState: null,
    place: (input, state) => {
      // Copies: the input is read-only, and what is placed here uses up room for the next VMs.
      const hosts = [...input.hosts, ...input.inactiveHosts].map((host) => ({ ...host }))
      const vms = [...input.vms].sort((a, b) => lastOf(b.cpuMhz) - lastOf(a.cpuMhz))
      const placement: Record<string, string> = {}
      for (const vm of vms) {
        const cpu = lastOf(vm.cpuMhz)
        const host = hosts.find(
          (candidate) =>
            candidate.cpuUsedMhz + cpu <= candidate.cpuMhz * cpu_threshold &&
            candidate.ramUsedMb + vm.ramMb <= candidate.ramMb
        )
        if (host === undefined) return [undefined, state]
        host.cpuUsedMhz += cpu
        host.ramUsedMb += vm.ramMb
        placement[vm.uuid] = host.name
      }
      return [placement as Placement, state]
    }
  }),
  { defaults: { cpu_threshold: 0.95 }, numericParam: "cpu_threshold" }
)
