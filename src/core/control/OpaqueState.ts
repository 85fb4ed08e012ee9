/**
 * The control core keeps algorithm states opaque (`unknown`): it only hands each algorithm the state
 * that the same algorithm returned (or its initial state, or a persisted copy of one). These adapters
 * turn an algorithm with a typed state into one the core can hold.
 */
import type { Detector, VmPlacer, VmSelector } from "../../algorithms/types.js"

/** A detector whose state the core treats as opaque. */
export const opaqueDetector = <S>(detector: Detector<S>): Detector => ({
  initialState: detector.initialState,
  decide: (utilization, state) => detector.decide(utilization, state as S)
})

/** A VM selector whose state the core treats as opaque. */
export const opaqueSelector = <S>(selector: VmSelector<S>): VmSelector => ({
  initialState: selector.initialState,
  select: (vms, state) => selector.select(vms, state as S)
})

/** A placer whose state the core treats as opaque. */
export const opaquePlacer = <S>(placer: VmPlacer<S>): VmPlacer => ({
  initialState: placer.initialState,
  place: (input, state) => placer.place(input, state as S)
})
