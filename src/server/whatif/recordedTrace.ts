/**
 * The recorded VM utilisation as a simulator trace: each VM's CPU use at every decision step of
 * the window (the newest sample at or before the step; before the first one, the first one), as a
 * fraction of the VM's capacity, clamped to 0..1.
 */
import type { Trace } from "../../adapters/sim/Trace.js"
import { type RecordedWindow, stepsOf, valueAt } from "./RecordedWindow.js"

export const recordedTrace = (window: RecordedWindow): Trace => {
  const samples = stepsOf(window)
  const cpu = new Float64Array(window.vms.length * samples)
  const ramMb = new Float64Array(window.vms.length)
  window.vms.forEach((vm, v) => {
    ramMb[v] = vm.ramMb
    const first = vm.cpu[0]?.value ?? 0
    for (let k = 0; k < samples; k++) {
      const mhz = valueAt(vm.cpu, window.startMs + k * window.intervalSec * 1000, first)
      cpu[v * samples + k] = vm.capacityMhz > 0 ? Math.min(1, Math.max(0, mhz / vm.capacityMhz)) : 0
    }
  })
  return { names: window.vms.map((vm) => vm.uuid), intervalSec: window.intervalSec, samples, cpu, ramMb }
}
