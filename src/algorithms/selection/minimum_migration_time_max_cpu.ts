/**
 * Among the VMs with the least memory, selects the one with the highest mean CPU over its last
 * `last_n` samples (Neat's `minimum_migration_time_max_cpu`): quick to move, and relieves the
 * host most. The first one wins ties; as in Neat, a VM is only chosen with a mean above 0 MHz,
 * so when every candidate is idle nothing is selected.
 */
import { Schema } from "effect"
import type { VmSample } from "../../core/Vm.js"
import { SampleCount } from "../schemaFields.js"
import { meanOfLast } from "../series.js"
import { type NoState, selectingOneVm } from "../stateless.js"
import type { VmSelector } from "../types.js"

export const MinimumMigrationTimeMaxCpuParamsSchema = Schema.Struct({
  /** How many of the most recent CPU samples to average. */
  last_n: SampleCount(1)
})
export type MinimumMigrationTimeMaxCpuParams = typeof MinimumMigrationTimeMaxCpuParamsSchema.Type

export const selectMinimumMigrationTimeMaxCpu = (lastN: number, vms: ReadonlyArray<VmSample>): string | undefined => {
  let minimumRam = Number.POSITIVE_INFINITY
  for (const vm of vms) if (vm.ramMb < minimumRam) minimumRam = vm.ramMb
  let selected: string | undefined
  let maximumCpu = 0
  for (const vm of vms) {
    if (vm.ramMb > minimumRam) continue
    const mean = meanOfLast(vm.cpuMhz, lastN)
    if (maximumCpu < mean) {
      maximumCpu = mean
      selected = vm.uuid
    }
  }
  return selected
}

export const minimumMigrationTimeMaxCpu = (params: MinimumMigrationTimeMaxCpuParams): VmSelector<NoState> =>
  selectingOneVm((vms) => selectMinimumMigrationTimeMaxCpu(params.last_n, vms))
