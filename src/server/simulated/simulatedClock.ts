/**
 * Simulated time for what `neat serve --mode sim` writes to the store: every row of interval n
 * carries the instant anchor + n × interval, so the store holds a history with the trace's own
 * spacing (300 s for PlanetLab) however fast the run goes, and `neat whatif` reads it as it reads a
 * real cloud's. Only the store's operations run on this clock; the HTTP service, the request
 * signatures and the run's pacing keep the real one.
 */
import { Clock, Effect } from "effect"
import type { StoreService } from "../db/Store.js"

/** A clock reading `nowMs()`; sleeping still waits real time. */
export const simulatedClock = (nowMs: () => number): Clock.Clock => {
  const real = Clock.make()
  const nanos = () => BigInt(Math.round(nowMs())) * 1_000_000n
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: nowMs,
    currentTimeMillis: Effect.sync(nowMs),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration) => real.sleep(duration)
  }
}

/** The store with every operation's timestamps taken from `clock`. */
export const storeOnClock = (store: StoreService, clock: Clock.Clock): StoreService =>
  Object.fromEntries(
    Object.entries(store).map(([name, value]) => {
      if (Effect.isEffect(value)) return [name, Effect.withClock(value, clock)]
      if (typeof value !== "function") return [name, value]
      const operation = value as (...args: ReadonlyArray<unknown>) => unknown
      return [
        name,
        (...args: ReadonlyArray<unknown>) => {
          const result = operation(...args)
          return Effect.isEffect(result) ? Effect.withClock(result, clock) : result
        }
      ]
    })
  ) as unknown as StoreService
