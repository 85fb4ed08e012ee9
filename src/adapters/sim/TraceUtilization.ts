/**
 * A VM's CPU utilisation at any instant: the trace sample at a sample instant, linear
 * interpolation in between (CloudSim's `UtilizationModelPlanetLabInMemory`, same operations).
 * Past the last sample the last value holds.
 */
import type { Trace } from "./Trace.js"

export const utilizationAt = (trace: Trace, vm: number, time: number, intervalSec: number): number => {
  const samples = trace.samples
  const base = vm * samples
  const last = samples - 1
  const at = (k: number): number => trace.cpu[base + Math.min(k, last)] ?? 0
  if (time % intervalSec === 0) return at(Math.trunc(Math.trunc(time) / Math.trunc(intervalSec)))
  const k1 = Math.floor(time / intervalSec)
  const k2 = Math.ceil(time / intervalSec)
  const u1 = at(k1)
  const delta = (at(k2) - u1) / ((k2 - k1) * intervalSec)
  return u1 + delta * (time - k1 * intervalSec)
}
