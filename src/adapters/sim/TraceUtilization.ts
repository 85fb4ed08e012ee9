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

/**
 * `utilizationAt` for every VM whose `live` entry is ≥ 0, written to `out`, and its demand
 * `capacity[v] × utilisation` to `demand` (other entries are left alone). The instant's sample
 * indices, span and offset are the same for every VM, so they are worked out once; each VM's value
 * is the same double as `utilizationAt` gives. Returns how many of the utilisations are exactly 0.
 */
export const utilizationsAt = (
  trace: Trace,
  time: number,
  intervalSec: number,
  live: Int32Array,
  out: Float64Array,
  capacity: Float64Array,
  demand: Float64Array
): number => {
  const cpu = trace.cpu
  const samples = trace.samples
  const last = samples - 1
  const vms = live.length
  let zeros = 0
  if (time % intervalSec === 0) {
    const k = Math.min(Math.trunc(Math.trunc(time) / Math.trunc(intervalSec)), last)
    for (let v = 0; v < vms; v++) {
      if (live[v]! < 0) continue
      const u = cpu[v * samples + k]!
      out[v] = u
      demand[v] = capacity[v]! * u
      if (u === 0) zeros++
    }
    return zeros
  }
  const k1 = Math.floor(time / intervalSec)
  const k2 = Math.ceil(time / intervalSec)
  const first = Math.min(k1, last)
  const second = Math.min(k2, last)
  const span = (k2 - k1) * intervalSec
  const offset = time - k1 * intervalSec
  for (let v = 0; v < vms; v++) {
    if (live[v]! < 0) continue
    const base = v * samples
    const u1 = cpu[base + first]!
    const u = u1 + ((cpu[base + second]! - u1) / span) * offset
    out[v] = u
    demand[v] = capacity[v]! * u
    if (u === 0) zeros++
  }
  return zeros
}
