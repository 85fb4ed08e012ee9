/**
 * CloudSim's VM selection policies (MMT, MU, MC, RS) as catalogue `VmSelector`s, so that the `neat`
 * policy and the live stack can name them (`mmt`, `mu`, `mc`, `rs`). Each returns one VM.
 *
 * - MMT: the least memory, the first of equals (CloudSim's MMT exactly).
 * - MU: the smallest current demand, the newest `cpuMhz` value (a `VmSample` carries no VM
 *   capacity, so this is CloudSim's demand / capacity only among VMs of one size).
 * - MC: the largest R² of an OLS fit of the VM's history on the others' (the newest values all
 *   candidates have, at most 30; R² does not depend on the unit), falling back to MMT as CloudSim's.
 * - RS: uniform, from a seeded generator whose state travels with the selector's state.
 */
import { Schema } from "effect"
import type { VmSample } from "../../../core/Vm.js"
import { Integer } from "../../schemaFields.js"
import { nextIndex, prngState } from "../../selection/prng.js"
import { type NoState, noState } from "../../stateless.js"
import type { VmSelector } from "../../types.js"
import {
  maximumCorrelation,
  minimumMigrationTime,
  minimumUtilization,
  SelectionInput,
  type VmSelection
} from "./VmSelection.js"

/** History values MC reads per VM (CloudSim's `PowerVm.HISTORY_LENGTH`). */
const cloudsimHistoryLength = 30

export const CloudsimNoParamsSchema = Schema.Struct({})
export const CloudsimRsParamsSchema = Schema.Struct({
  /** Seed of the generator; the same seed and inputs give the same selections. */
  seed: Schema.optionalWith(Integer, { default: () => 1 })
})

/** The candidates as CloudSim's selections read them: ids 0..n−1, capacity 1 MHz (demand in MHz), histories newest first. */
const selectionInput = (vms: ReadonlyArray<VmSample>, withHistory: boolean): SelectionInput => {
  const n = vms.length
  let m = withHistory ? cloudsimHistoryLength : 0
  for (const vm of vms) m = Math.min(m, vm.cpuMhz.length)
  const history = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    const cpu = vms[i]!.cpuMhz
    for (let j = 0; j < m; j++) history[i * m + j] = cpu[cpu.length - 1 - j]!
  }
  const input = new SelectionInput(
    Int32Array.from({ length: n }, (_, i) => i),
    Float64Array.from(vms, (vm) => vm.ramMb),
    new Float64Array(n).fill(1),
    Float64Array.from(vms, (vm) => vm.cpuMhz[vm.cpuMhz.length - 1] ?? 0),
    history
  )
  input.count = n
  input.historyLength = m
  return input
}

const oneOf = (selection: () => VmSelection): VmSelector<NoState> => {
  const chosen = selection()
  return {
    initialState: noState,
    select: (vms, state) => {
      const index = vms.length === 0 ? -1 : chosen.select(selectionInput(vms, chosen.needsHistory))
      return [index < 0 ? [] : [vms[index]!.uuid], state]
    }
  }
}

export const cloudsimMmt = (_params: typeof CloudsimNoParamsSchema.Type) => oneOf(() => minimumMigrationTime)
export const cloudsimMu = (_params: typeof CloudsimNoParamsSchema.Type) => oneOf(() => minimumUtilization)
export const cloudsimMc = (_params: typeof CloudsimNoParamsSchema.Type) =>
  oneOf(() => maximumCorrelation(64, cloudsimHistoryLength))

export interface CloudsimRsState {
  readonly rng: number
}

export const cloudsimRs = (params: typeof CloudsimRsParamsSchema.Type): VmSelector<CloudsimRsState> => ({
  initialState: { rng: prngState(params.seed) },
  select: (vms, state) => {
    if (vms.length === 0) return [[], state]
    const [index, rng] = nextIndex(state.rng, vms.length)
    return [[vms[index]!.uuid], { rng }]
  }
})
