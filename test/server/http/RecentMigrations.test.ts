import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { RecentMigrations } from "../../../src/server/http/RecentMigrations.js"

/** The definition: migrations that ended within the `windowSec` seconds up to `nowMs`, by a scan of every end. */
const migrationsInWindow = (endsMs: ReadonlyArray<number>, nowMs: number, windowSec: number): number =>
  endsMs.filter((at) => at > nowMs - windowSec * 1000 && at <= nowMs).length

describe("RecentMigrations", () => {
  it("counts what a scan of every end time counts, with clocks that step back", () => {
    const event = fc.record({
      count: fc.integer({ min: 0, max: 3 }),
      stepMs: fc.integer({ min: -500, max: 3000 }),
      askAfterMs: fc.integer({ min: 0, max: 3000 })
    })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(event, { maxLength: 200 }), (windowSec, events) => {
        const recent = new RecentMigrations()
        const ends: Array<number> = []
        let clock = 10_000
        let asked = 0
        for (const { count, stepMs, askAfterMs } of events) {
          clock += stepMs
          recent.add(count, clock, windowSec)
          for (let i = 0; i < count; i++) ends.push(clock)
          // The worker asks at its own clock, never before a migration it noted ended.
          asked = Math.max(asked, clock + askAfterMs)
          expect(recent.count(asked, windowSec)).toBe(migrationsInWindow(ends, asked, windowSec))
        }
      })
    )
  })

  it("counts the ends within the window up to now", () => {
    const recent = new RecentMigrations()
    for (const at of [0, 1000, 5000, 9000]) recent.add(1, at, 6)
    expect(recent.count(10_000, 6)).toBe(2)
  })

  it("counts only the window of a long, busy run", () => {
    const recent = new RecentMigrations()
    for (let at = 0; at < 1_000_000; at += 10) recent.add(2, at, 60)
    // Ends after 940 000 ms: 940 010 … 999 990, two each.
    expect(recent.count(1_000_000, 60)).toBe(2 * 5_999)
  })
})
