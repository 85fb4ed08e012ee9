/**
 * Selects the VM that migrates fastest, i.e. the one with the least memory
 * (Neat's `minimum_migration_time`); the first one on ties.
 */
import { Schema } from "effect"
import type { VmSample } from "../../core/Vm.js"
import { type NoState, selectingOneVm } from "../stateless.js"
import type { VmSelector } from "../types.js"

export const MinimumMigrationTimeParamsSchema = Schema.Struct({})
export type MinimumMigrationTimeParams = typeof MinimumMigrationTimeParamsSchema.Type

/** The UUID of the VM with the least RAM (MB), first in order on ties. */
export const selectMinimumMigrationTime = (vms: ReadonlyArray<VmSample>): string | undefined => {
  let selected: string | undefined
  let minimum = Number.POSITIVE_INFINITY
  for (const vm of vms) {
    if (selected === undefined || vm.ramMb < minimum) {
      minimum = vm.ramMb
      selected = vm.uuid
    }
  }
  return selected
}

export const minimumMigrationTime = (_params: MinimumMigrationTimeParams): VmSelector<NoState> =>
  selectingOneVm(selectMinimumMigrationTime)
