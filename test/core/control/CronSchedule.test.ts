import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type CronSchedule,
  matchesAt,
  nextMatch,
  parseCron,
  previousMatch
} from "../../../src/core/control/CronSchedule.js"

const cron = (text: string): CronSchedule => {
  const parsed = parseCron(text)
  if (Either.isLeft(parsed)) throw new Error(parsed.left)
  return parsed.right
}
const error = (text: string): string => {
  const parsed = parseCron(text)
  if (Either.isRight(parsed)) throw new Error(`${text} parsed`)
  return parsed.left
}
/** A UTC wall minute: month 1-12. */
const at = (year: number, month: number, day: number, hour = 0, minute = 0) =>
  Date.UTC(year, month - 1, day, hour, minute) / 60_000
const matching = (schedule: CronSchedule, field: "minutes" | "hours" | "daysOfMonth" | "months" | "daysOfWeek") =>
  schedule[field].flatMap((on, value) => (on ? [value] : []))

describe("cron expressions", () => {
  it("matches a weekday schedule at its minute only (2026-12-07 is a Monday)", () => {
    const weekdays = cron("0 8 * * 1-5")
    expect(matchesAt(weekdays, at(2026, 12, 7, 8, 0))).toBe(true)
    expect(matchesAt(weekdays, at(2026, 12, 7, 8, 1))).toBe(false)
    expect(matchesAt(weekdays, at(2026, 12, 11, 8, 0))).toBe(true) // Friday
    expect(matchesAt(weekdays, at(2026, 12, 12, 8, 0))).toBe(false) // Saturday
    expect(matchesAt(weekdays, at(2026, 12, 13, 8, 0))).toBe(false) // Sunday
  })

  it("reads ranges, steps, lists and names", () => {
    expect(matching(cron("*/15 * * * *"), "minutes")).toEqual([0, 15, 30, 45])
    expect(matching(cron("5-20/5 * * * *"), "minutes")).toEqual([5, 10, 15, 20])
    expect(matching(cron("10/20 * * * *"), "minutes")).toEqual([10, 30, 50])
    expect(matching(cron("0 9,17,20-22 * * *"), "hours")).toEqual([9, 17, 20, 21, 22])
    expect(matching(cron("0 0 * JAN,jul-AUG *"), "months")).toEqual([1, 7, 8])
    expect(matching(cron("0 0 * * MON-FRI"), "daysOfWeek")).toEqual([1, 2, 3, 4, 5])
    expect(matching(cron("0 0 * * */2"), "daysOfWeek")).toEqual([0, 2, 4, 6])
  })

  it("takes 7 and 0 for Sunday, and the macros", () => {
    expect(matching(cron("0 0 * * 7"), "daysOfWeek")).toEqual([0])
    expect(matching(cron("0 0 * * 5-7"), "daysOfWeek")).toEqual([0, 5, 6])
    const weekly = cron("@weekly")
    expect(matchesAt(weekly, at(2026, 12, 13))).toBe(true)
    expect(matchesAt(weekly, at(2026, 12, 14))).toBe(false)
    expect(matchesAt(cron("@yearly"), at(2027, 1, 1))).toBe(true)
    expect(matchesAt(cron("@hourly"), at(2027, 3, 4, 5, 0))).toBe(true)
  })

  it("ORs the day fields when both are restricted, ANDs them otherwise", () => {
    const thirteenthOrFriday = cron("0 0 13 * 5")
    expect(matchesAt(thirteenthOrFriday, at(2026, 12, 13))).toBe(true) // the 13th, a Sunday
    expect(matchesAt(thirteenthOrFriday, at(2026, 12, 11))).toBe(true) // a Friday, the 11th
    expect(matchesAt(thirteenthOrFriday, at(2026, 12, 12))).toBe(false)
    expect(matchesAt(cron("0 0 13 * *"), at(2026, 12, 11))).toBe(false)
    expect(matchesAt(cron("0 0 * * 5"), at(2026, 12, 13))).toBe(false)
    // A day-of-month starting with * does not count as restricted: odd days that are Fridays.
    const oddFridays = cron("0 0 */2 * 5")
    expect(matchesAt(oddFridays, at(2026, 12, 11))).toBe(true)
    expect(matchesAt(oddFridays, at(2026, 12, 18))).toBe(false)
    expect(matchesAt(oddFridays, at(2026, 12, 13))).toBe(false)
  })

  it("finds the previous and next matching minute across days and months", () => {
    const christmas = cron("0 0 25 12 *")
    expect(previousMatch(christmas, at(2026, 12, 25, 10), 2)).toBe(at(2026, 12, 25))
    expect(previousMatch(christmas, at(2026, 12, 28), 2)).toBeUndefined()
    expect(nextMatch(christmas, at(2026, 12, 25, 0, 1), 400)).toBe(at(2027, 12, 25))
    const leap = cron("30 6 29 2 *")
    expect(nextMatch(leap, at(2026, 3, 1), 5 * 366)).toBe(at(2028, 2, 29, 6, 30))
    expect(previousMatch(cron("*/20 9-10 * * *"), at(2026, 12, 7, 11, 59), 1)).toBe(at(2026, 12, 7, 10, 40))
  })

  it("refuses bad input, naming the field and what is wrong", () => {
    expect(error("60 * * * *")).toBe("minute field '60': 60 is out of range 0-59")
    expect(error("0 24 * * *")).toBe("hour field '24': 24 is out of range 0-23")
    expect(error("0 0 32 * *")).toBe("day-of-month field '32': 32 is out of range 1-31")
    expect(error("0 0 0 * *")).toBe("day-of-month field '0': 0 is out of range 1-31")
    expect(error("0 0 * 13 *")).toBe("month field '13': 13 is out of range 1-12")
    expect(error("0 0 * * 8")).toBe("day-of-week field '8': 8 is out of range 0-7")
    expect(error("0 8 * * MON-FOO")).toMatch(
      /^day-of-week field 'MON-FOO': 'FOO' is neither a number nor one of SUN, MON/
    )
    expect(error("5-1 * * * *")).toBe("minute field '5-1': range 5-1 runs backwards")
    expect(error("*/0 * * * *")).toBe("minute field '*/0': step '0' must be a whole number ≥ 1")
    expect(error("1,,2 * * * *")).toBe("minute field '1,,2': empty list item")
    expect(error("x * * * *")).toBe("minute field 'x': 'x' is not a number")
    expect(error("* * * *")).toMatch(/has 4 fields; a cron expression has 5/)
    expect(error("* * * * * *")).toMatch(/has 6 fields/)
    expect(error("@fortnightly")).toMatch(/^unknown macro '@fortnightly'/)
    expect(error("0 0 30 2 *")).toMatch(/never matches/)
    expect(Either.isRight(parseCron("0 0 29 2 *"))).toBe(true)
    expect(Either.isRight(parseCron("0 0 30 2 1"))).toBe(true) // OR: any Monday of February
  })
})

/** A field's text from fast-check's pieces: `*`, a value, a range, a step or a list of them. */
const fieldText = (min: number, max: number) => {
  const value = fc.integer({ min, max })
  const range = fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`)
  const step = fc.tuple(fc.oneof(fc.constant("*"), range), fc.integer({ min: 1, max: 7 })).map(([r, s]) => `${r}/${s}`)
  const item = fc.oneof(value.map(String), range, step)
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant("*") },
    fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => items.join(","))
  )
}

const expression = fc
  .tuple(fieldText(0, 59), fieldText(0, 23), fieldText(1, 31), fieldText(1, 12), fieldText(0, 7))
  .map((fields) => fields.join(" "))
  .filter((text) => Either.isRight(parseCron(text)))

describe("cron search against a minute-by-minute scan", () => {
  it("nextMatch and previousMatch find exactly the first and last matching minutes", () => {
    fc.assert(
      fc.property(expression, fc.integer({ min: at(2024, 1, 1), max: at(2030, 12, 31) }), (text, wall) => {
        const schedule = cron(text)
        const span = 3 * 1440
        let first: number | undefined
        for (let m = wall; m <= wall + span && first === undefined; m++) if (matchesAt(schedule, m)) first = m
        const next = nextMatch(schedule, wall, 3)
        if (first !== undefined) expect(next).toBe(first)
        else expect(next === undefined || next > wall + span).toBe(true)
        let last: number | undefined
        for (let m = wall; m >= wall - span && last === undefined; m--) if (matchesAt(schedule, m)) last = m
        const previous = previousMatch(schedule, wall, 3)
        if (last !== undefined) expect(previous).toBe(last)
        else expect(previous === undefined || previous < wall - span).toBe(true)
      }),
      { numRuns: 150, seed: 17 }
    )
  })
})
