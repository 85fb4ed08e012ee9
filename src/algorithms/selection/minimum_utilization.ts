/** Selects the VM with the lowest last CPU sample (Neat's `minimum_utilization`); the first one on ties. */
import { Schema } from "effect"
import type { VmSample } from "../../core/Vm.js"
import { lastOf } from "../series.js"
import { type NoState, selectingOneVm } from "../stateless.js"
import type { VmSelector } from "../types.js"

export const MinimumUtilizationParamsSchema = Schema.Struct({})
export type MinimumUtilizationParams = typeof MinimumUtilizationParamsSchema.Type

/** The UUID of the VM whose last CPU sample (MHz; 0 without samples) is smallest, first in order on ties. */
export const selectMinimumUtilization = (vms: ReadonlyArray<VmSample>): string | undefined => {
  let selected: string | undefined
  let minimum = Number.POSITIVE_INFINITY
  for (const vm of vms) {
    const last = lastOf(vm.cpuMhz)
    if (selected === undefined || last < minimum) {
      minimum = last
      selected = vm.uuid
    }
  }
  return selected
}

export const minimumUtilization = (_params: MinimumUtilizationParams): VmSelector<NoState> =>
  selectingOneVm(selectMinimumUtilization)
