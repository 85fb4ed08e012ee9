/**
 * What actually happened in a recorded window, in the simulator's result format so that the
 * what-if report shows it beside the replays: per decision step, the active hosts, their power
 * (each host's SPECpower table at its recorded utilisation), the hosts at full CPU and the
 * migrations; and the metrics the records support. SLATAH is the share of active host time spent
 * at or above `overloadThreshold` (CloudSim: 100 %). The records hold no per-migration
 * degradation nor host up-times, so PDM, SLAV, ESV and the mean times are not available (NaN,
 * shown as "–").
 */
import { powerAt } from "../../adapters/sim/PowerModel.js"
import type { SimulationResult } from "../../adapters/sim/SimulationResult.js"
import { type RecordedWindow, stepsOf, valueAt } from "./RecordedWindow.js"

export const recordedResult = (window: RecordedWindow, overloadThreshold = 1): SimulationResult => {
  const steps = stepsOf(window)
  const intervalMs = window.intervalSec * 1000
  const timeSec = new Float64Array(steps)
  const activeHosts = new Int32Array(steps)
  const powerW = new Float64Array(steps)
  const overloadedHosts = new Int32Array(steps)
  const migrations = new Int32Array(steps)
  let activeSteps = 0
  let overloadedSteps = 0
  let idleSteps = 0
  let energyJ = 0
  for (let k = 0; k < steps; k++) {
    const at = window.startMs + k * intervalMs
    timeSec[k] = k * window.intervalSec
    for (const host of window.hosts) {
      const active = valueAt(host.states, at, host.activeAtStart ? 1 : 0) === 1
      if (!active) continue
      const utilization = host.cpuMhz > 0 ? Math.min(1, Math.max(0, valueAt(host.cpu, at, 0) / host.cpuMhz)) : 0
      activeHosts[k]!++
      activeSteps++
      const watts = powerAt(host.power, utilization)
      powerW[k]! += watts
      energyJ += watts * window.intervalSec
      if (utilization >= overloadThreshold) {
        overloadedHosts[k]!++
        overloadedSteps++
      }
      if (utilization === 0) idleSteps++
    }
  }
  for (const migration of window.migrations) {
    const k = Math.floor((migration.timeMs - window.startMs) / intervalMs)
    if (k >= 0 && k < steps) migrations[k]!++
  }
  let shutdowns = 0
  for (const host of window.hosts) {
    let previous = host.activeAtStart ? 1 : 0
    for (const change of host.states) {
      if (change.timeMs < window.startMs || change.timeMs >= window.endMs) continue
      if (previous === 1 && change.value === 0) shutdowns++
      previous = change.value
    }
  }
  const migrated = migrations.reduce((sum, count) => sum + count, 0)
  return {
    metrics: {
      energyKwh: energyJ / 3.6e6,
      migrations: migrated,
      slatahPct: activeSteps === 0 ? 0 : (100 * overloadedSteps) / activeSteps,
      pdmPct: Number.NaN,
      slavPct: Number.NaN,
      esv: Number.NaN,
      hostShutdowns: shutdowns,
      meanTimeBeforeHostShutdownSec: Number.NaN,
      meanTimeBeforeMigrationSec: Number.NaN,
      overloadTimeFraction: activeSteps === 0 ? 0 : overloadedSteps / activeSteps,
      idleTimeFraction: activeSteps === 0 ? 0 : idleSteps / activeSteps,
      vms: window.vms.length,
      hosts: window.hosts.length,
      wallSeconds: 0
    },
    timeline: { timeSec, activeHosts, powerW, overloadedHosts, migrations }
  }
}
