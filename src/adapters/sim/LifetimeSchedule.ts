/**
 * A trace's lifetimes (`Trace.lifetimes`) as the simulator replays them: which VMs are there at
 * time 0, and, in time order, the departures and arrivals due at each update. VM v exists from
 * sample `arrival[v]` (inclusive) to sample `departure[v]` (exclusive); an event at sample s is
 * applied at the first update at or after s × the trace's interval, so a VM's demand counts from
 * the update of its first sample to the update of the sample after its last. A VM whose departure
 * is not after its arrival (nor after 0) never exists; a departure at or past the trace's end
 * never happens.
 */
import { ConfigError } from "../../core/errors.js"
import type { Trace } from "./Trace.js"

export class LifetimeSchedule {
  /** 1 for the VMs placed at time 0 (arrival ≤ 0 and departure > 0). */
  readonly presentAtStart: Uint8Array
  private readonly arrivals: Int32Array
  private readonly arrivalTimes: Float64Array
  private readonly departures: Int32Array
  private readonly departureTimes: Float64Array
  private nextArrival = 0
  private nextDeparture = 0

  constructor(trace: Trace) {
    const lifetimes = trace.lifetimes
    const vms = trace.names.length
    if (lifetimes === undefined) throw new RangeError("the trace has no lifetimes")
    if (lifetimes.arrival.length !== vms || lifetimes.departure.length !== vms) {
      throw new ConfigError({
        field: "trace",
        message: `lifetimes for ${lifetimes.arrival.length} arrivals and ${lifetimes.departure.length} departures, expected ${vms} each (one per VM)`
      })
    }
    const { arrival, departure } = lifetimes
    this.presentAtStart = new Uint8Array(vms)
    const arriving: Array<number> = []
    const leaving: Array<number> = []
    for (let v = 0; v < vms; v++) {
      const from = Math.max(arrival[v]!, 0)
      const to = departure[v]!
      if (to <= from) continue
      if (from === 0) this.presentAtStart[v] = 1
      else if (from < trace.samples) arriving.push(v)
      else continue
      if (to < trace.samples) leaving.push(v)
    }
    // Time order, then VM order: the order CloudSim's broker submits a list in.
    arriving.sort((a, b) => arrival[a]! - arrival[b]! || a - b)
    leaving.sort((a, b) => departure[a]! - departure[b]! || a - b)
    this.arrivals = Int32Array.from(arriving)
    this.arrivalTimes = Float64Array.from(arriving, (v) => arrival[v]! * trace.intervalSec)
    this.departures = Int32Array.from(leaving)
    this.departureTimes = Float64Array.from(leaving, (v) => departure[v]! * trace.intervalSec)
  }

  /** The departures due by `timeSec` not given before, in order (a view, valid until the next call). */
  departuresDue(timeSec: number): Int32Array {
    const from = this.nextDeparture
    let to = from
    while (to < this.departures.length && this.departureTimes[to]! <= timeSec) to++
    this.nextDeparture = to
    return this.departures.subarray(from, to)
  }

  /** The arrivals due by `timeSec` not given before, in order (a view, valid until the next call). */
  arrivalsDue(timeSec: number): Int32Array {
    const from = this.nextArrival
    let to = from
    while (to < this.arrivals.length && this.arrivalTimes[to]! <= timeSec) to++
    this.nextArrival = to
    return this.arrivals.subarray(from, to)
  }
}

/** The schedule of a trace with lifetimes; undefined without (every VM lives the whole run). */
export const lifetimeScheduleOf = (trace: Trace): LifetimeSchedule | undefined =>
  trace.lifetimes === undefined ? undefined : new LifetimeSchedule(trace)
