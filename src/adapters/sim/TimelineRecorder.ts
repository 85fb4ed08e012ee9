/** Collects the per-step timeline: active hosts, power, hosts whose demand exceeds capacity, migrations. */
import { emptyDoubles } from "./doubles.js"
import { maxPower, powerOnCurve } from "./PowerModel.js"
import type { SimState } from "./SimState.js"
import type { Timeline } from "./SimulationResult.js"
import { clampedUtilization } from "./Simulator.js"

export class TimelineRecorder {
  private readonly timeSec: Array<number> = emptyDoubles()
  private readonly activeHosts: Array<number> = []
  private readonly powerW: Array<number> = emptyDoubles()
  private readonly overloadedHosts: Array<number> = []
  private readonly migrations: Array<number> = []

  /** Records the state after the update at `time`; `fullPower` charges every host its maximum (NPA). */
  record(state: SimState, time: number, migrationsStarted: number, fullPower: boolean): void {
    let active = 0
    let power = 0
    let overloaded = 0
    for (let h = 0; h < state.hostCount; h++) {
      const total = state.hostTotalMips[h]!
      if (fullPower) power += maxPower(state.hostPower[h]!)
      if (state.hostUtilMips[h]! > 0) {
        active++
        if (!fullPower)
          power += powerOnCurve(state.hostPowerCurve[h]!, clampedUtilization(state.hostUtilMips[h]!, total))
      }
      if (state.hostRequestedMips[h]! > total) overloaded++
    }
    this.timeSec.push(time)
    this.activeHosts.push(active)
    this.powerW.push(power)
    this.overloadedHosts.push(overloaded)
    this.migrations.push(migrationsStarted)
  }

  /** Migrations started at the last recorded step (they are known only after the decision). */
  setLastMigrations(count: number): void {
    if (this.migrations.length > 0) this.migrations[this.migrations.length - 1] = count
  }

  timeline(): Timeline {
    return {
      timeSec: Float64Array.from(this.timeSec),
      activeHosts: Int32Array.from(this.activeHosts),
      powerW: Float64Array.from(this.powerW),
      overloadedHosts: Int32Array.from(this.overloadedHosts),
      migrations: Int32Array.from(this.migrations)
    }
  }
}
