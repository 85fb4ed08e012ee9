/**
 * The inputs of `neat decide` cases, in the format of the reference vectors
 * (`neat-algorithm-vectors.json`): snake_case fields, MHz, MB, utilisation fractions 0..1.
 */
import { Schema } from "effect"
import { FiniteNumber, NonNegativeNumber, PositiveInteger, PositiveNumber, Text } from "./schemaFields.js"

/** A host utilisation history, oldest first, for one decision. */
export const UtilizationInputSchema = Schema.Struct({ utilization: Schema.Array(FiniteNumber) })

/** A full history: the detector decides once per step, on the last `window` values up to it. */
export const UtilizationSequenceInputSchema = Schema.Struct({ utilization_sequence: Schema.Array(FiniteNumber) })

export const VmInputSchema = Schema.Struct({
  uuid: Text,
  /** CPU demand history, MHz, oldest first. */
  cpu_mhz: Schema.Array(NonNegativeNumber),
  ram_mb: NonNegativeNumber
})
export type VmInput = typeof VmInputSchema.Type

export const SelectionInputSchema = Schema.Struct({ vms: Schema.Array(VmInputSchema) })

export const ActiveHostInputSchema = Schema.Struct({
  name: Text,
  cpu_mhz_total: NonNegativeNumber,
  cpu_mhz_used: NonNegativeNumber,
  ram_mb_total: NonNegativeNumber,
  ram_mb_used: NonNegativeNumber
})

export const InactiveHostInputSchema = Schema.Struct({
  name: Text,
  cpu_mhz_total: NonNegativeNumber,
  ram_mb_total: NonNegativeNumber,
  cpu_mhz_used: Schema.optionalWith(NonNegativeNumber, { default: () => 0 }),
  ram_mb_used: Schema.optionalWith(NonNegativeNumber, { default: () => 0 })
})

export const PlacementCaseInputSchema = Schema.Struct({
  hosts: Schema.Array(ActiveHostInputSchema),
  inactive_hosts: Schema.optionalWith(Schema.Array(InactiveHostInputSchema), { default: () => [] }),
  vms: Schema.Array(VmInputSchema)
})

/**
 * Parameters that describe the deployment rather than the algorithm, mapped onto the
 * `AlgorithmContext` as Neat's factories receive them.
 */
export const HarnessParamsSchema = Schema.Struct({
  /** Seconds between samples (Neat's `data_collector_interval`); default 300. */
  time_step: Schema.optional(PositiveNumber),
  /** Expected migration time, seconds; default 0. */
  migration_time: Schema.optional(NonNegativeNumber),
  /** Migration time in time steps; overrides `time_step` and `migration_time`. */
  migration_time_steps: Schema.optional(NonNegativeNumber),
  /** For `utilization_sequence` inputs: how many of the latest values each decision sees. */
  window: Schema.optional(PositiveInteger)
})
export type HarnessParams = typeof HarnessParamsSchema.Type

/** The names of the harness parameters, removed before the algorithm's own parameters are checked. */
export const harnessParamNames: ReadonlyArray<string> = [
  "time_step",
  "migration_time",
  "migration_time_steps",
  "window"
]
