/**
 * Any catalogue `Detector` (Neat's thresholds, MAD, IQR, loess, OTF, MHOD, a user's) as one of
 * CloudSim's host overload detectors, so that CloudSim's migration policy can run it.
 *
 * What the detector sees: the host's utilisation history as CloudSim's own detectors read it (the
 * sum over the VMs now on the host of their own utilisation histories scaled to the host's
 * capacity, at most 30 values, zeros at the oldest end cut), turned oldest first, its newest value
 * replaced by the utilisation CloudSim's THR compares (current demand / capacity: the same quantity
 * as CloudSim's newest history value, the same double as THR's). In a tentative test (a VM added
 * for placement, VMs removed during selection) the history is the one of the host so changed.
 *
 * States: one per host, kept across rounds. A round's first test of a host (the host as it is)
 * is given the state its last such test returned and decides the state kept for the next round;
 * every other test of the round is given that same earlier state and its returned state is
 * dropped, so a tentative test never moves a stateful detector (OTF, MHOD) on.
 */
import { ConfigError } from "../../../core/errors.js"
import type { Detector } from "../../types.js"
import type { HostLoad } from "../HostLoad.js"
import type { OverloadDetector } from "./OverloadDetector.js"

export class CatalogueDetector implements OverloadDetector {
  readonly needsHistory = true
  /** Per host, the state its last committed test returned (`undefined`: the detector's initial state). */
  private readonly states: Array<unknown> = []
  /** States decided this round, kept from the next round on. */
  private readonly pending: Array<unknown> = []
  private readonly pendingHosts: Array<number> = []

  constructor(
    readonly name: string,
    private readonly detector: Detector
  ) {}

  beginRound(): void {
    for (const host of this.pendingHosts) this.states[host] = this.pending[host]
    this.pendingHosts.length = 0
  }

  isOverloaded(load: HostLoad): boolean {
    const n = load.historyLength
    const values = new Array<number>(n)
    for (let i = 1; i < n; i++) values[n - 1 - i] = load.history[i]!
    values[n - 1] = load.requestedMips / load.totalMips
    const host = load.host
    const known = host >= 0 && host < this.states.length && this.states[host] !== undefined
    const state = known ? this.states[host] : this.detector.initialState
    let result: readonly [boolean, unknown]
    try {
      result = this.detector.decide(values, state)
    } catch (error) {
      throw new ConfigError({
        field: "overload",
        message: `detector "${this.name}" failed: ${error instanceof Error ? error.message : String(error)}`
      })
    }
    if (!Array.isArray(result) || typeof result[0] !== "boolean") {
      throw new ConfigError({
        field: "overload",
        message: `detector "${this.name}" returned ${describe(result)}, expected [boolean, state]`
      })
    }
    if (load.commit && host >= 0) {
      if (this.pending.length <= host) this.pending.length = host + 1
      this.pending[host] = result[1]
      this.pendingHosts.push(host)
    }
    return result[0]
  }
}

const describe = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
