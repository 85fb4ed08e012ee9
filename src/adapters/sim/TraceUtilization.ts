/**
 * A VM's CPU utilisation at any instant: the trace sample at a sample instant, linear
 * interpolation in between (CloudSim's `UtilizationModelPlanetLabInMemory`, same operations).
 * Past the last sample the last value holds.
 */
import type { Trace } from "./Trace.js"

export const utilizationAt = (trace: Trace, vm: number, time: number, intervalSec: number): number => {
  const cpu = trace.cpu
  const base = vm * trace.samples
  const last = trace.samples - 1
  if (time % intervalSec === 0) {
    const k = Math.trunc(Math.trunc(time) / Math.trunc(intervalSec))
    return cpu[base + Math.min(k, last)]!
  }
  const k1 = Math.floor(time / intervalSec)
  const k2 = Math.ceil(time / intervalSec)
  const u1 = cpu[base + Math.min(k1, last)]!
  const delta = (cpu[base + Math.min(k2, last)]! - u1) / ((k2 - k1) * intervalSec)
  return u1 + delta * (time - k1 * intervalSec)
}
