/** The study's metrics from a finished simulation. */
import type { CloudsimMetrics } from "./CloudsimMetrics.js"
import type { Simulator } from "./Simulator.js"

/**
 * Closes the state histories and computes every metric; `startedMs` is `performance.now()` at the
 * start. `lifetimes`: the trace had lifetimes, so the VMs refused are reported.
 */
export const collectMetrics = (sim: Simulator, startedMs: number, lifetimes = false): CloudsimMetrics => {
  const summary = sim.histories.finish()
  const energyKwh = sim.energyWs / 3_600_000
  // With lifetimes a run may have no active host or no VM time at all (every VM refused or gone):
  // no violation then, rather than 0 / 0.
  const slatah = lifetimes && summary.activeTime === 0 ? 0 : summary.violationTime / summary.activeTime
  const totals = sim.histories.vmTotals()
  const pdm = lifetimes && totals.requested === 0 ? 0 : totals.migrationDeficit / totals.requested
  const slav = slatah * pdm
  const observed = summary.activeTime + summary.idleTime
  return {
    energyKwh,
    migrations: sim.migrations,
    slatahPct: slatah * 100,
    pdmPct: pdm * 100,
    slavPct: slav * 100,
    esv: energyKwh * slav,
    hostShutdowns: summary.shutdowns,
    meanTimeBeforeHostShutdownSec: summary.meanTimeBeforeShutdown,
    meanTimeBeforeMigrationSec: summary.meanMigrationTime,
    overloadTimeFraction: summary.activeTime > 0 ? summary.overloadTime / summary.activeTime : 0,
    idleTimeFraction: observed > 0 ? summary.idleTime / observed : 0,
    vms: sim.state.vmCount,
    hosts: sim.state.hostCount,
    wallSeconds: (performance.now() - startedMs) / 1000,
    slaOverallFrac: lifetimes && totals.requested === 0 ? 0 : (totals.requested - totals.allocated) / totals.requested,
    slaAverageFrac: summary.meanViolationShare,
    stdevTimeBeforeHostShutdownSec: summary.stdevTimeBeforeShutdown,
    stdevTimeBeforeMigrationSec: summary.stdevMigrationTime,
    ...(lifetimes ? { vmsRefused: sim.vmsRefused } : {})
  }
}
