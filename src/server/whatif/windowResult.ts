/**
 * The metrics of a window of collector records, the one definition that `neat whatif` applies to
 * both sides: to what the store recorded, and to what the replay's simulated collectors recorded
 * (`replayWindow.ts`). Both are sampled the same way, at each decision step k (the instant
 * start + k × interval), from the samples in force then:
 *
 * - a host's utilisation is its own use (hypervisor overhead) plus the use of the VMs that ran on it
 *   (each VM's newest placement or earlier migration), over its capacity, at most 1; a series counts
 *   from its first sample until its last one is an interval old (a VM ended, a collector stopped);
 * - energy: each powered-on host draws its power model's watts at that utilisation for the interval;
 * - SLATAH: the share of powered-on host steps at or above `overloadThreshold` (CloudSim: 100 %);
 *   the overload time fraction is the same share as a fraction (a sample cannot show demand beyond
 *   capacity, only a host at full CPU);
 * - PDM: CloudSim's migration cost, 10 % of the VM's CPU use for the migration's duration
 *   (`migrationSec`), summed over migrations, over the VMs' total CPU use (MHz·s); SLAV = SLATAH × PDM,
 *   ESV = energy × SLAV;
 * - idle time fraction: the share of host steps with no VM use (suspended, or on and empty);
 * - migrations: the migrations recorded in the window; host shutdowns: the on → off changes, and the
 *   mean time before one from the host's last switch-on (or the window's start); the mean time
 *   before a migration is CloudSim's mean migration duration, `migrationSec`.
 *
 * A metric whose denominator is empty (no powered-on host, no VM use, no shutdown, no migration) is
 * undefined: NaN, printed `n/a` by `neat whatif` and `–` in the report.
 */
import { powerAt } from "../../adapters/sim/PowerModel.js"
import type { SimulationResult } from "../../adapters/sim/SimulationResult.js"
import { byMoveTime, liveValueAt, type RecordedWindow, stepsOf, valueAt } from "./RecordedWindow.js"

/** CloudSim's share of a VM's CPU lost while it migrates. */
const migrationDegradation = 0.1

/** Each VM's host at every step (index into `window.hosts`, -1 none), step-major. */
const vmHostsByStep = (window: RecordedWindow, steps: number): Int32Array => {
  const hostIndex = new Map(window.hosts.map((host, h) => [host.name, h] as const))
  const out = new Int32Array(steps * window.vms.length).fill(-1)
  const intervalMs = window.intervalSec * 1000
  window.vms.forEach((vm, v) => {
    const moves = [...vm.moves].sort(byMoveTime)
    let next = 0
    let host = -1
    for (let k = 0; k < steps; k++) {
      const at = window.startMs + k * intervalMs
      while (next < moves.length) {
        const move = moves[next]!
        const applies = move.kind === "placement" ? move.timeMs <= at : move.timeMs < at
        if (!applies) break
        host = hostIndex.get(move.host) ?? -1
        next++
      }
      out[k * window.vms.length + v] = host
    }
  })
  return out
}

/**
 * What the records leave out of the hosts' utilisation: the VMs with use at some step but no
 * recorded host then (a store written before `vm_placements` existed knows only the migrations),
 * and their share of all VM use (MHz·s).
 */
export const unplacedUse = (window: RecordedWindow): { readonly vms: number; readonly share: number } => {
  const steps = stepsOf(window)
  const intervalMs = window.intervalSec * 1000
  const vmHosts = vmHostsByStep(window, steps)
  let unplaced = 0
  let total = 0
  let vms = 0
  window.vms.forEach((vm, v) => {
    let missing = false
    for (let k = 0; k < steps; k++) {
      const mhz = liveValueAt(vm.cpu, window.startMs + k * intervalMs, intervalMs)
      total += mhz
      if (mhz > 0 && vmHosts[k * window.vms.length + v]! < 0) {
        unplaced += mhz
        missing = true
      }
    }
    if (missing) vms++
  })
  return { vms, share: total === 0 ? 0 : unplaced / total }
}

/** The hosts' own use (hypervisor overhead), MHz, averaged over powered-on host steps; NaN when none. */
export const meanOwnUseMhz = (window: RecordedWindow): number => {
  const steps = stepsOf(window)
  const intervalMs = window.intervalSec * 1000
  let sum = 0
  let count = 0
  for (const host of window.hosts) {
    for (let k = 0; k < steps; k++) {
      const at = window.startMs + k * intervalMs
      if (valueAt(host.states, at, host.activeAtStart ? 1 : 0) !== 1) continue
      sum += liveValueAt(host.ownCpu, at, intervalMs)
      count++
    }
  }
  return count === 0 ? Number.NaN : sum / count
}

export const windowResult = (window: RecordedWindow, overloadThreshold = 1): SimulationResult => {
  const steps = stepsOf(window)
  const intervalMs = window.intervalSec * 1000
  const hostCount = window.hosts.length
  const vmCount = window.vms.length
  const timeSec = new Float64Array(steps)
  const activeHosts = new Int32Array(steps)
  const powerW = new Float64Array(steps)
  const overloadedHosts = new Int32Array(steps)
  const migrations = new Int32Array(steps)
  const vmHosts = vmHostsByStep(window, steps)
  const vmMhz = new Float64Array(hostCount)
  const hostOn = new Uint8Array(hostCount)
  let activeSteps = 0
  let overloadedSteps = 0
  let idleSteps = 0
  let energyJ = 0
  let vmUseMhzSec = 0
  for (let k = 0; k < steps; k++) {
    const at = window.startMs + k * intervalMs
    timeSec[k] = k * window.intervalSec
    vmMhz.fill(0)
    window.hosts.forEach((host, h) => {
      hostOn[h] = valueAt(host.states, at, host.activeAtStart ? 1 : 0) === 1 ? 1 : 0
    })
    for (let v = 0; v < vmCount; v++) {
      const h = vmHosts[k * vmCount + v]!
      if (h < 0 || hostOn[h] === 0) continue
      const mhz = liveValueAt(window.vms[v]!.cpu, at, intervalMs)
      vmMhz[h]! += mhz
      vmUseMhzSec += mhz * window.intervalSec
    }
    for (let h = 0; h < hostCount; h++) {
      if (hostOn[h] === 0) {
        idleSteps++
        continue
      }
      const host = window.hosts[h]!
      if (vmMhz[h] === 0) idleSteps++
      const used = liveValueAt(host.ownCpu, at, intervalMs) + vmMhz[h]!
      const utilization = host.cpuMhz > 0 ? Math.min(1, Math.max(0, used / host.cpuMhz)) : 0
      activeHosts[k]!++
      activeSteps++
      const watts = powerAt(host.power, utilization)
      powerW[k]! += watts
      energyJ += watts * window.intervalSec
      if (utilization >= overloadThreshold) {
        overloadedHosts[k]!++
        overloadedSteps++
      }
    }
  }
  const vmByUuid = new Map(window.vms.map((vm) => [vm.uuid, vm] as const))
  let migrationDeficit = 0
  let migrated = 0
  for (const migration of window.migrations) {
    const k = Math.floor((migration.timeMs - window.startMs) / intervalMs)
    if (k < 0 || k >= steps) continue
    migrations[k]!++
    migrated++
    const vm = vmByUuid.get(migration.vm)
    const mhz = vm === undefined ? 0 : liveValueAt(vm.cpu, migration.timeMs, intervalMs)
    migrationDeficit += migrationDegradation * mhz * window.migrationSec
  }
  let shutdowns = 0
  let upTimeSec = 0
  for (const host of window.hosts) {
    let previous = host.activeAtStart ? 1 : 0
    let onSinceMs = window.startMs
    for (const change of host.states) {
      if (change.timeMs < window.startMs || change.timeMs >= window.endMs) continue
      if (previous === 1 && change.value === 0) {
        shutdowns++
        upTimeSec += (change.timeMs - onSinceMs) / 1000
      }
      if (previous === 0 && change.value === 1) onSinceMs = change.timeMs
      previous = change.value
    }
  }
  const energyKwh = energyJ / 3.6e6
  const slatah = activeSteps === 0 ? Number.NaN : overloadedSteps / activeSteps
  const pdm = vmUseMhzSec === 0 ? Number.NaN : migrationDeficit / vmUseMhzSec
  const slav = slatah * pdm
  return {
    metrics: {
      energyKwh,
      migrations: migrated,
      slatahPct: 100 * slatah,
      pdmPct: 100 * pdm,
      slavPct: 100 * slav,
      esv: energyKwh * slav,
      hostShutdowns: shutdowns,
      meanTimeBeforeHostShutdownSec: shutdowns === 0 ? Number.NaN : upTimeSec / shutdowns,
      meanTimeBeforeMigrationSec: migrated === 0 ? Number.NaN : window.migrationSec,
      overloadTimeFraction: slatah,
      idleTimeFraction: hostCount * steps === 0 ? Number.NaN : idleSteps / (hostCount * steps),
      vms: vmCount,
      hosts: hostCount,
      wallSeconds: 0
    },
    timeline: { timeSec, activeHosts, powerW, overloadedHosts, migrations }
  }
}
