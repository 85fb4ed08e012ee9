/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), as cron(8) reads them:
 * `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n` (`a/n`: from a to the field's end), lists
 * `a,b-c`, month and day names (`JAN`-`DEC`, `SUN`-`SAT`), 7 for Sunday, and the macros `@yearly`,
 * `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. When both day fields are
 * restricted (neither starts with `*`), a day matches when either does (cron's OR rule); otherwise
 * when both do (so `*\/2` in day-of-month still means odd days, as in Vixie cron).
 *
 * Matching works on wall-clock fields; `MaintenanceWindows` maps them to instants in a time zone.
 * Pure and allocation-free per match: each field is a bit set.
 */
import { Either } from "effect"

export interface CronSchedule {
  /** The expression as written. */
  readonly text: string
  readonly minutes: ReadonlyArray<boolean>
  readonly hours: ReadonlyArray<boolean>
  readonly daysOfMonth: ReadonlyArray<boolean>
  readonly months: ReadonlyArray<boolean>
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: ReadonlyArray<boolean>
  /** Whether each day field was restricted (did not start with `*`): both restricted means OR. */
  readonly dayOfMonthRestricted: boolean
  readonly dayOfWeekRestricted: boolean
}

interface FieldSpec {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly names?: ReadonlyArray<string>
}

const fields: ReadonlyArray<FieldSpec> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
  },
  { name: "day-of-week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] }
]

const macros: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *"
}

/** The value of one atom of a field (a number or a name), or a reason. */
const atom = (text: string, spec: FieldSpec): number | string => {
  if (/^\d+$/.test(text)) {
    const value = Number(text)
    return value >= spec.min && value <= spec.max ? value : `${text} is out of range ${spec.min}-${spec.max}`
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1
  if (index >= 0) return index + spec.min
  return spec.names === undefined
    ? `'${text}' is not a number`
    : `'${text}' is neither a number nor one of ${spec.names.join(", ")}`
}

/** One field into a bit set of `max + 1` entries, or the reason it is malformed. */
const parseField = (text: string, spec: FieldSpec): Either.Either<Array<boolean>, string> => {
  const set: Array<boolean> = new Array(spec.max + 1).fill(false)
  const fail = (why: string) => Either.left(`${spec.name} field '${text}': ${why}`)
  for (const part of text.split(",")) {
    if (part === "") return fail("empty list item")
    const [range, stepText, extra] = part.split("/")
    if (extra !== undefined) return fail(`'${part}' has more than one step`)
    let step = 1
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) return fail(`step '${stepText}' must be a whole number ≥ 1`)
      step = Number(stepText)
    }
    let low: number
    let high: number
    if (range === "*" || range === "?") {
      low = spec.min
      high = spec.max === 7 ? 6 : spec.max
    } else {
      const bounds = range!.split("-")
      if (bounds.length > 2 || bounds.some((bound) => bound === "")) return fail(`'${range}' is not a value or a range`)
      const first = atom(bounds[0]!, spec)
      if (typeof first === "string") return fail(first)
      low = first
      if (bounds.length === 2) {
        const second = atom(bounds[1]!, spec)
        if (typeof second === "string") return fail(second)
        if (second < low) return fail(`range ${range} runs backwards`)
        high = second
      } else {
        // `a/n` runs from a to the end of the field, as in cronie and Vixie cron.
        high = stepText === undefined ? low : spec.max
      }
    }
    for (let value = low; value <= high; value += step) set[value] = true
  }
  return Either.right(set)
}

/** Parses a five-field expression or a macro; the error names the bad field. */
export const parseCron = (text: string): Either.Either<CronSchedule, string> => {
  const trimmed = text.trim()
  const expanded = trimmed.startsWith("@") ? macros[trimmed.toLowerCase()] : trimmed
  if (expanded === undefined) {
    return Either.left(`unknown macro '${trimmed}' (known: ${Object.keys(macros).join(", ")})`)
  }
  const parts = expanded.split(/\s+/).filter((part) => part !== "")
  if (parts.length !== 5) {
    return Either.left(
      `'${trimmed}' has ${parts.length} fields; a cron expression has 5: minute hour day-of-month month day-of-week`
    )
  }
  const sets: Array<Array<boolean>> = []
  for (let i = 0; i < 5; i++) {
    const set = parseField(parts[i]!, fields[i]!)
    if (Either.isLeft(set)) return Either.left(set.left)
    sets.push(set.right)
  }
  const daysOfWeek = sets[4]!
  if (daysOfWeek[7]) daysOfWeek[0] = true
  const schedule: CronSchedule = {
    text: trimmed,
    minutes: sets[0]!,
    hours: sets[1]!,
    daysOfMonth: sets[2]!,
    months: sets[3]!,
    daysOfWeek: daysOfWeek.slice(0, 7),
    dayOfMonthRestricted: !parts[2]!.startsWith("*"),
    dayOfWeekRestricted: !parts[4]!.startsWith("*")
  }
  if (!matchesSomeDay(schedule)) {
    return Either.left(`'${trimmed}' never matches: no month has that day-of-month`)
  }
  return Either.right(schedule)
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** Whether the calendar day (month 1-12; weekday 0 = Sunday) matches, with cron's day rule. */
export const dayMatches = (schedule: CronSchedule, month: number, day: number, weekday: number): boolean => {
  if (!schedule.months[month]) return false
  const byMonthDay = schedule.daysOfMonth[day] === true
  const byWeekday = schedule.daysOfWeek[weekday] === true
  return schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted
    ? byMonthDay || byWeekday
    : byMonthDay && byWeekday
}

/** Whether some day of some year matches (February 30 never does; February 29 does in leap years). */
const matchesSomeDay = (schedule: CronSchedule): boolean => {
  // Under the OR rule every weekday matches somewhere; otherwise a month must have the day (any
  // date falls on every weekday in some year).
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return true
  for (let month = 1; month <= 12; month++) {
    if (!schedule.months[month]) continue
    for (let day = 1; day <= daysIn(2024, month); day++) if (schedule.daysOfMonth[day]) return true
  }
  return false
}

/** Wall-clock minutes since the epoch (a local time read as if it were UTC). */
export type WallMinute = number

const msPerMinute = 60_000
const minutesPerDay = 1440

/** Whether the wall-clock minute matches every field. */
export const matchesAt = (schedule: CronSchedule, wall: WallMinute): boolean => {
  const date = new Date(wall * msPerMinute)
  return (
    schedule.minutes[date.getUTCMinutes()] === true &&
    schedule.hours[date.getUTCHours()] === true &&
    dayMatches(schedule, date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())
  )
}

/** The last matching minute of a day at or before `limit` (minute of the day). */
const lastInDay = (schedule: CronSchedule, limit: number): number | undefined => {
  for (let hour = Math.floor(limit / 60); hour >= 0; hour--) {
    if (!schedule.hours[hour]) continue
    const top = hour === Math.floor(limit / 60) ? limit % 60 : 59
    for (let minute = top; minute >= 0; minute--) if (schedule.minutes[minute]) return hour * 60 + minute
  }
  return undefined
}

/** The first matching minute of a day at or after `from` (minute of the day). */
const firstInDay = (schedule: CronSchedule, from: number): number | undefined => {
  for (let hour = Math.floor(from / 60); hour < 24; hour++) {
    if (!schedule.hours[hour]) continue
    const bottom = hour === Math.floor(from / 60) ? from % 60 : 0
    for (let minute = bottom; minute < 60; minute++) if (schedule.minutes[minute]) return hour * 60 + minute
  }
  return undefined
}

const dayOf = (schedule: CronSchedule, dayIndex: number): boolean => {
  const date = new Date(dayIndex * minutesPerDay * msPerMinute)
  return dayMatches(schedule, date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())
}

/** The latest matching wall minute at or before `wall`, looking back at most `maxDays` days. */
export const previousMatch = (schedule: CronSchedule, wall: WallMinute, maxDays: number): WallMinute | undefined => {
  const today = Math.floor(wall / minutesPerDay)
  for (let day = today; day >= today - maxDays; day--) {
    if (!dayOf(schedule, day)) continue
    const found = lastInDay(schedule, day === today ? wall - day * minutesPerDay : minutesPerDay - 1)
    if (found !== undefined) return day * minutesPerDay + found
  }
  return undefined
}

/** The earliest matching wall minute at or after `wall`, looking ahead at most `maxDays` days. */
export const nextMatch = (schedule: CronSchedule, wall: WallMinute, maxDays: number): WallMinute | undefined => {
  const today = Math.floor(wall / minutesPerDay)
  for (let day = today; day <= today + maxDays; day++) {
    if (!dayOf(schedule, day)) continue
    const found = firstInDay(schedule, day === today ? wall - day * minutesPerDay : 0)
    if (found !== undefined) return day * minutesPerDay + found
  }
  return undefined
}
