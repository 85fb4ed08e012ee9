/** Test fixture: plausible simulation results (a day at 300 s) for report tests and previews. */

import type { ReportRun } from "../../../../src/adapters/sim/report/renderReport.js"
import type { SimulationResult } from "../../../../src/adapters/sim/SimulationResult.js"

export const sampleResult = (energyKwh: number, slavPct: number, seed: number, steps = 288): SimulationResult => {
  const timeSec = new Float64Array(steps)
  const activeHosts = new Int32Array(steps)
  const powerW = new Float64Array(steps)
  const overloadedHosts = new Int32Array(steps)
  const migrations = new Int32Array(steps)
  for (let k = 0; k < steps; k++) {
    timeSec[k] = k * 300
    const load = 1 + 0.3 * Math.sin((2 * Math.PI * k) / steps + seed)
    activeHosts[k] = Math.round(300 * load + (k === 0 ? 500 : 0))
    powerW[k] = (activeHosts[k] ?? 0) * 120 * (1 + 0.05 * Math.sin(k + seed))
    overloadedHosts[k] = (k * 7 + seed) % 11 === 0 ? 3 : (k + seed) % 5 === 0 ? 1 : 0
    migrations[k] = k === 0 ? 450 : ((k * 13 + seed) % 17) % 6
  }
  return {
    metrics: {
      energyKwh,
      migrations: 26_000 + seed * 1000,
      slatahPct: 5 + seed,
      pdmPct: 0.07,
      slavPct,
      esv: energyKwh * (slavPct / 100),
      hostShutdowns: 5000 + seed,
      meanTimeBeforeHostShutdownSec: 1234.5,
      meanTimeBeforeMigrationSec: 18_000.25,
      overloadTimeFraction: 0.0521,
      idleTimeFraction: 0.61,
      vms: 1052,
      hosts: 800,
      wallSeconds: 0.21
    },
    timeline: { timeSec, activeHosts, powerW, overloadedHosts, migrations }
  }
}

export const sampleRuns: ReadonlyArray<ReportRun> = [
  { label: "THR-MMT-0.8", result: sampleResult(99.4, 0.0061, 0), params: { overload: "thr", threshold: 0.8 } },
  { label: "IQR-MMT-1.5", result: sampleResult(92.8, 0.0054, 1), params: { overload: "iqr", safety: 1.5 } },
  { label: "MAD-MMT-2.5", result: sampleResult(94.6, 0.0057, 2), params: { overload: "mad", safety: 2.5 } },
  { label: "LR-MMT-1.2", result: sampleResult(87.1, 0.0047, 3), params: { overload: "lr", safety: 1.2 } },
  { label: "LRR-MMT-1.2", result: sampleResult(87.1, 0.0047, 4), params: { overload: "lrr", safety: 1.2 } },
  { label: "<NPA & DVFS>", result: sampleResult(150.7, 0, 5), params: { note: 'quotes "and" <tags>' } }
]
