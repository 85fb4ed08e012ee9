import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  nextOccurrence,
  occurrenceAt,
  parseDuration,
  parseWindow,
  parseWindows,
  type TimeWindow,
  windowsAt
} from "../../../src/core/control/MaintenanceWindows.js"

const window = (text: string): TimeWindow => {
  const parsed = parseWindow(text)
  if (Either.isLeft(parsed)) throw new Error(parsed.left)
  return parsed.right
}
const error = (parsed: Either.Either<unknown, string>): string => {
  if (Either.isRight(parsed)) throw new Error("parsed")
  return parsed.left
}
const utc = (month: number, day: number, hour = 0, minute = 0, year = 2026) =>
  Date.UTC(year, month - 1, day, hour, minute)
const hour = 3_600_000

describe("time windows", () => {
  it("reads durations in days, hours and minutes", () => {
    expect(parseDuration("10h")).toEqual(Either.right(10 * hour))
    expect(parseDuration("1h30m")).toEqual(Either.right(1.5 * hour))
    expect(parseDuration("2d")).toEqual(Either.right(48 * hour))
    expect(error(parseDuration("0m"))).toBe("duration '0m' must be at least 1m")
    expect(error(parseDuration("10"))).toMatch(/^duration '10' must be whole days, hours and minutes/)
    expect(error(parseDuration("1.5h"))).toMatch(/^duration '1.5h'/)
  })

  it("is open from each cron match for its duration (2026-12-07 is a Monday)", () => {
    const office = window("0 8 * * 1-5 10h")
    expect(occurrenceAt(office, utc(12, 7, 12))).toMatchObject({ startMs: utc(12, 7, 8), endMs: utc(12, 7, 18) })
    expect(occurrenceAt(office, utc(12, 7, 8))).toMatchObject({ startMs: utc(12, 7, 8) })
    expect(occurrenceAt(office, utc(12, 7, 18))).toBeUndefined()
    expect(occurrenceAt(office, utc(12, 7, 7, 59))).toBeUndefined()
    expect(occurrenceAt(office, utc(12, 12, 12))).toBeUndefined() // Saturday
    expect(nextOccurrence(office, utc(12, 11, 19))).toMatchObject({ startMs: utc(12, 14, 8), endMs: utc(12, 14, 18) })
  })

  it("spans midnight and month ends, and merges openings that overlap", () => {
    const night = window("0 22 * * * 4h")
    expect(occurrenceAt(night, utc(1, 1, 1, 0, 2027))).toMatchObject({
      startMs: utc(12, 31, 22),
      endMs: utc(1, 1, 2, 0, 2027)
    })
    const hourly = window("0 * * * * 90m")
    const open = occurrenceAt(hourly, utc(12, 7, 12, 10))
    expect(open?.startMs).toBe(utc(12, 7, 12))
    expect(open!.endMs).toBeGreaterThan(utc(12, 7, 20))
    const christmas = window("0 0 25 12 * 24h")
    expect(occurrenceAt(christmas, utc(12, 25, 23, 59))).toBeDefined()
    expect(occurrenceAt(christmas, utc(12, 26))).toBeUndefined()
    expect(nextOccurrence(christmas, utc(12, 26))?.startMs).toBe(utc(12, 25, 0, 0, 2027))
  })

  it("reads the cron fields in the window's time zone, through clock changes", () => {
    const paris = window("TZ=Europe/Paris 0 8 * * * 1h")
    expect(paris.timeZone).toBe("Europe/Paris")
    expect(occurrenceAt(paris, utc(12, 7, 7, 30))).toMatchObject({ startMs: utc(12, 7, 7) }) // UTC+1
    expect(occurrenceAt(paris, utc(7, 7, 6, 30))).toMatchObject({ startMs: utc(7, 7, 6) }) // UTC+2
    expect(occurrenceAt(paris, utc(7, 7, 7, 30))).toBeUndefined()
    expect(window("CRON_TZ=America/New_York 0 9 * * * 8h").timeZone).toBe("America/New_York")
    // 2027-03-28: Paris moves from UTC+1 to UTC+2 at 01:00 UTC; a 02:30 start falls in the gap.
    const gap = window("TZ=Europe/Paris 30 2 * * * 1h")
    expect(nextOccurrence(gap, utc(3, 27, 12, 0, 2027))?.startMs).toBe(utc(3, 28, 1, 30, 2027))
  })

  it("lists windows separated by ; or new lines, and says which one is wrong", () => {
    const both = parseWindows("0 8 * * 1-5 10h; 0 0 25 12 * 24h\nTZ=UTC @daily 1h")
    expect(Either.isRight(both) && both.right.map((w) => w.text)).toEqual([
      "0 8 * * 1-5 10h",
      "0 0 25 12 * 24h",
      "TZ=UTC @daily 1h"
    ])
    expect(parseWindows("  ")).toEqual(Either.right([]))
    expect(error(parseWindows("0 8 * * 1-5 10h; 0 0 32 12 * 24h"))).toBe(
      "window 2 ('0 0 32 12 * 24h'): day-of-month field '32': 32 is out of range 1-31"
    )
    expect(error(parseWindows("0 8 * * 1-5"))).toBe(
      "'0 8 * * 1-5' needs a duration after the cron expression, such as 10h"
    )
    expect(error(parseWindows("TZ=Mars/Olympus 0 8 * * * 1h"))).toMatch(/^unknown time zone 'Mars\/Olympus'/)
    expect(error(parseWindows("10h"))).toMatch(/must be a cron expression and a duration/)
    expect(error(parseWindows("0 8 * * 1-5 ten"))).toMatch(/^duration 'ten'/)
  })

  it("reports what is open now and what opens next", () => {
    const windows = [window("0 8 * * 1-5 10h"), window("0 0 25 12 * 24h"), window("0 12 * * * 1h")]
    const state = windowsAt(windows, utc(12, 25, 12, 30)) // a Friday, Christmas
    expect(state.open.map((o) => o.window.text)).toEqual(["0 0 25 12 * 24h", "0 8 * * 1-5 10h", "0 12 * * * 1h"])
    expect(state.next).toMatchObject({ startMs: utc(12, 26, 12) })
    expect(windowsAt([], utc(12, 25))).toEqual({ open: [], next: undefined })
  })
})
