/**
 * The recorded VM utilisation as a simulator trace: each VM's CPU use at every decision step of
 * the window (the newest sample at or before the step), as a fraction of the VM's capacity,
 * clamped to 0..1. Before its first sample a VM's first sample stands in (the simulator starts every
 * VM at once). Once its last sample is an interval old (as `windowResult` counts it: the VM was
 * deleted, or ended in a simulated run), its use is 0, which ends it in the simulator as CloudSim
 * ends a finished VM.
 *
 * Collectors store whole MHz, cut down as Neat's `int()` does: a recorded 300 stands for 300 to
 * 301 MHz. The trace takes the middle, 300.5, which is the unbiased value, and which the
 * simulator's collectors (`NeatCloudView`, whole MHz) read back as 300 at the update 0.1 s past the
 * sample (where the trace is interpolated toward the next sample by less than 0.5 MHz): the
 * replay's algorithms see the numbers the recorded ones saw. A recorded 0 is a VM still running.
 */
import type { Trace } from "../../adapters/sim/Trace.js"
import { liveValueAt, type RecordedWindow, stepsOf, type TimedValue } from "./RecordedWindow.js"

/** The live sample's MHz, or undefined once the VM has ended. */
const liveMhzAt = (samples: ReadonlyArray<TimedValue>, timeMs: number, intervalMs: number): number | undefined => {
  const value = liveValueAt(samples, timeMs, intervalMs, Number.NaN)
  return Number.isNaN(value) ? undefined : value
}

export const recordedTrace = (window: RecordedWindow): Trace => {
  const samples = stepsOf(window)
  const intervalMs = window.intervalSec * 1000
  const cpu = new Float64Array(window.vms.length * samples)
  const ramMb = new Float64Array(window.vms.length)
  window.vms.forEach((vm, v) => {
    ramMb[v] = vm.ramMb
    const fraction = (mhz: number | undefined) =>
      mhz === undefined || vm.capacityMhz <= 0 ? 0 : Math.min(1, Math.max(0, (mhz + 0.5) / vm.capacityMhz))
    const first = vm.cpu[0]
    for (let k = 0; k < samples; k++) {
      const at = window.startMs + k * intervalMs
      cpu[v * samples + k] =
        first === undefined || at < first.timeMs ? fraction(first?.value) : fraction(liveMhzAt(vm.cpu, at, intervalMs))
    }
  })
  return { names: window.vms.map((vm) => vm.uuid), intervalSec: window.intervalSec, samples, cpu, ramMb }
}
