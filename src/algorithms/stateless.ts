import type { VmSample } from "../core/Vm.js"
import type { VmSelector } from "./types.js"

/** The state of an algorithm that keeps none: Neat's stateless algorithms return `{}`, so do ours. */
export type NoState = Readonly<Record<string, never>>

/** The one value of {@link NoState}. */
export const noState: NoState = Object.freeze({})

/** A stateless VM selection that picks at most one VM: `pick` returns its UUID, or undefined when there is none. */
export const selectingOneVm = (pick: (vms: ReadonlyArray<VmSample>) => string | undefined): VmSelector<NoState> => ({
  initialState: noState,
  select: (vms, state) => {
    const selected = pick(vms)
    return [selected === undefined ? [] : [selected], state]
  }
})
