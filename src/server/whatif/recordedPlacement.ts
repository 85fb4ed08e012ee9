/**
 * The placement the what-if replay starts from: each VM on the host it ran on when the window
 * began, as the store recorded it, in the simulated cloud's terms (VM name → host index, hosts in
 * the window's order). VMs whose host is unknown are left to the simulator's best fit.
 */
import type { ExplicitPlacement } from "../../adapters/sim/InitialPlacement.js"
import type { RecordedWindow } from "./RecordedWindow.js"

export interface RecordedPlacement {
  readonly placement: ExplicitPlacement
  /** How many VMs it places (the others start by best fit). */
  readonly known: number
}

export const recordedPlacement = (window: RecordedWindow): RecordedPlacement => {
  const hostIndex = new Map(window.hosts.map((host, h) => [host.name, h] as const))
  const placement: Record<string, number> = {}
  let known = 0
  for (const vm of window.vms) {
    const h = vm.hostAtStart === undefined ? undefined : hostIndex.get(vm.hostAtStart)
    if (h === undefined) continue
    placement[vm.uuid] = h
    known++
  }
  return { placement, known }
}
