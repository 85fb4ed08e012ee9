/**
 * The dashboard's power and energy figures, from the hosts' SPECpower models (the simulator's
 * `PowerModel`): a host whose capacity is one of the PlanetLab host types (HP ProLiant ML110 G4
 * or G5) draws as that type does; any other host as the G5, the model `neat whatif` assumes for
 * live hosts. A running host draws its model's power at its CPU utilisation; a host waking or
 * suspending is counted at idle power; a suspended or failed host at nothing. "Every host on" is
 * the same cloud with each suspended host running idle: the energy saved is the difference.
 */

import { planetLabHostTypes } from "../../adapters/sim/Datacenter.js"
import { hpProLiantMl110G5, idlePower, type PowerTable, powerAt } from "../../adapters/sim/PowerModel.js"
import type { HostSpec, PowerState } from "../../core/Host.js"

/** The power model of a host, by its capacity. */
export const hostPowerTable = (host: Pick<HostSpec, "cores" | "mhzPerCore">): PowerTable =>
  planetLabHostTypes.find((type) => type.cores === host.cores && type.mhzPerCore === host.mhzPerCore)?.power ??
  hpProLiantMl110G5

/** Watts a host draws now; `utilization` is its CPU use over its capacity (0..1). */
export const hostPowerW = (table: PowerTable, power: PowerState | string, utilization: number): number =>
  power === "active" ? powerAt(table, utilization) : power === "waking" || power === "suspending" ? idlePower(table) : 0

/** Watts the host would draw if every host were on: a suspended host runs idle. */
export const hostPowerAllOnW = (table: PowerTable, power: PowerState | string, drawnW: number): number =>
  power === "suspended" ? idlePower(table) : drawnW

export interface EnergyView {
  /** Watts drawn now by every host. */
  readonly power_w: number
  /** Watts the same cloud would draw with every host on. */
  readonly power_all_on_w: number
  /** Energy since `since_ms`, kWh. */
  readonly energy_kwh: number
  /** What every host on would have used over the same time, kWh. */
  readonly energy_all_on_kwh: number
  readonly energy_saved_kwh: number
  /** Start of the count: local midnight, or the manager's start when later. */
  readonly since_ms: number
}

/** Local midnight of the day of `ms`. */
const midnightOf = (ms: number): number => {
  const day = new Date(ms)
  day.setHours(0, 0, 0, 0)
  return day.getTime()
}

/** Longest gap between samples integrated as a straight line; beyond it the gap is not counted. */
export const maxSampleGapMs = 10 * 60_000

/**
 * Energy of the day so far, integrated from power samples (trapezoids between samples). The count
 * restarts at local midnight; a gap longer than `maxSampleGapMs` (the manager was stopped or
 * stalled) is left out rather than guessed.
 */
export class EnergyMeter {
  private sinceMs: number | undefined
  private lastMs = 0
  private lastW = 0
  private lastAllOnW = 0
  private energyJ = 0
  private allOnJ = 0

  /** Adds a sample: `powerW` drawn now, `allOnW` with every host on. */
  sample(nowMs: number, powerW: number, allOnW: number): void {
    if (this.sinceMs === undefined) {
      this.sinceMs = nowMs
    } else if (nowMs > this.lastMs) {
      const dayStart = midnightOf(nowMs)
      let from = this.lastMs
      if (dayStart > this.sinceMs) {
        // A new day: the count restarts at midnight.
        this.sinceMs = dayStart
        this.energyJ = 0
        this.allOnJ = 0
        from = Math.max(from, dayStart)
      }
      if (nowMs - this.lastMs <= maxSampleGapMs) {
        const seconds = (nowMs - from) / 1000
        this.energyJ += ((this.lastW + powerW) / 2) * seconds
        this.allOnJ += ((this.lastAllOnW + allOnW) / 2) * seconds
      }
    } else if (nowMs < this.lastMs) {
      return
    }
    this.lastMs = nowMs
    this.lastW = powerW
    this.lastAllOnW = allOnW
  }

  view(): EnergyView {
    const kwh = (joules: number) => joules / 3.6e6
    return {
      power_w: this.lastW,
      power_all_on_w: this.lastAllOnW,
      energy_kwh: kwh(this.energyJ),
      energy_all_on_kwh: kwh(this.allOnJ),
      energy_saved_kwh: kwh(this.allOnJ - this.energyJ),
      since_ms: this.sinceMs ?? this.lastMs
    }
  }
}
