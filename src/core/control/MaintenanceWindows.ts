/**
 * Time windows as Karpenter's disruption budgets write them: a cron expression for when a window
 * opens and a duration for how long it stays open (`0 8 * * 1-5 10h`: weekdays 08:00 to 18:00).
 * Cron fields are read in UTC unless the window starts with `TZ=Zone` (or `CRON_TZ=Zone`), an IANA
 * zone such as `TZ=Europe/Paris`; the duration is real time (a window over a clock change lasts its
 * duration). Used for blackouts and maintenance windows alike (`DisruptionSchedule`).
 */
import { Either } from "effect"
import { type CronSchedule, nextMatch, parseCron, previousMatch, type WallMinute } from "./CronSchedule.js"

export interface TimeWindow {
  /** The window as written. */
  readonly text: string
  readonly schedule: CronSchedule
  /** How long each opening lasts, milliseconds (at least a minute). */
  readonly durationMs: number
  /** IANA time zone of the cron fields; undefined: UTC. */
  readonly timeZone: string | undefined
}

/** One opening of a window: from `startMs` (inclusive) to `endMs` (exclusive). */
export interface WindowOccurrence {
  readonly window: TimeWindow
  readonly startMs: number
  readonly endMs: number
}

const msPerMinute = 60_000
const msPerDay = 86_400_000

const durationUnits: Readonly<Record<string, number>> = { d: msPerDay, h: 3_600_000, m: msPerMinute }

/** `10h`, `1h30m`, `90m`, `2d`: whole days, hours and minutes, at least one minute. */
export const parseDuration = (text: string): Either.Either<number, string> => {
  if (!/^(\d+[dhm])+$/.test(text)) {
    return Either.left(`duration '${text}' must be whole days, hours and minutes, such as 10h, 1h30m or 2d`)
  }
  let ms = 0
  for (const [, amount, unit] of text.matchAll(/(\d+)([dhm])/g)) ms += Number(amount) * durationUnits[unit!]!
  return ms >= msPerMinute ? Either.right(ms) : Either.left(`duration '${text}' must be at least 1m`)
}

/** Whether the runtime knows the IANA zone. */
const knownZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** `[TZ=Zone] CRON DURATION`; the error says which part is wrong. */
export const parseWindow = (text: string): Either.Either<TimeWindow, string> => {
  const words = text.trim().split(/\s+/)
  let timeZone: string | undefined
  const zone = /^(?:CRON_)?TZ=(.*)$/.exec(words[0] ?? "")
  if (zone !== null) {
    timeZone = zone[1]!
    if (timeZone === "" || !knownZone(timeZone)) {
      return Either.left(`unknown time zone '${timeZone}' (an IANA name such as Europe/Paris or UTC)`)
    }
    words.shift()
  }
  if (words.length < 2 || words[0] === "") {
    return Either.left(`'${text.trim()}' must be a cron expression and a duration, such as '0 8 * * 1-5 10h'`)
  }
  const last = words[words.length - 1]!
  const duration = parseDuration(last)
  if (Either.isLeft(duration)) {
    const macro = words[0]!.startsWith("@")
    if (words.length === 5)
      return Either.left(`'${text.trim()}' needs a duration after the cron expression, such as 10h`)
    if (words.length === (macro ? 2 : 6)) return Either.left(duration.left)
    return Either.left(
      `'${text.trim()}' must be a cron expression (5 fields, or a macro such as @daily) and a duration, such as '0 8 * * 1-5 10h'`
    )
  }
  const schedule = parseCron(words.slice(0, -1).join(" "))
  if (Either.isLeft(schedule)) return Either.left(schedule.left)
  return Either.right({ text: text.trim(), schedule: schedule.right, durationMs: duration.right, timeZone })
}

/** Windows separated by `;` or new lines (empty: none); the error names the window by position and text. */
export const parseWindows = (text: string): Either.Either<ReadonlyArray<TimeWindow>, string> => {
  const items = text
    .split(/[;\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== "")
  const windows: Array<TimeWindow> = []
  for (const [index, item] of items.entries()) {
    const window = parseWindow(item)
    if (Either.isLeft(window)) {
      return Either.left(items.length === 1 ? window.left : `window ${index + 1} ('${item}'): ${window.left}`)
    }
    windows.push(window.right)
  }
  return Either.right(windows)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset from UTC at `instantMs`, milliseconds (local = UTC + offset). */
const offsetMs = (zone: string | undefined, instantMs: number): number => {
  if (zone === undefined || zone === "UTC") return 0
  let format = formatters.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric"
    })
    formatters.set(zone, format)
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(instantMs)) parts[part.type] = Number(part.value)
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!)
  return wall - Math.floor(instantMs / msPerMinute) * msPerMinute
}

const toWall = (zone: string | undefined, instantMs: number): WallMinute =>
  Math.floor((instantMs + offsetMs(zone, instantMs)) / msPerMinute)

/** The instant of a wall-clock minute; one in a skipped hour (clocks moved forward) maps past the jump. */
const fromWall = (zone: string | undefined, wall: WallMinute): number => {
  const wallMs = wall * msPerMinute
  const guess = wallMs - offsetMs(zone, wallMs)
  return wallMs - offsetMs(zone, guess)
}

/** Openings chained end to end at most (a window reopening before it closes extends it). */
const maxChained = 500

/**
 * What is known of a window over `[fromMs, untilMs)`: open throughout (`open`) or closed throughout.
 * The global manager asks for every request; the answer changes only at an opening or a closing.
 */
interface KnownSpan {
  readonly fromMs: number
  readonly untilMs: number
  readonly open: WindowOccurrence | undefined
}

const knownSpans = new WeakMap<TimeWindow, KnownSpan>()

/** The opening of `window` that covers `nowMs` (chained openings merged), or undefined. */
export const occurrenceAt = (window: TimeWindow, nowMs: number): WindowOccurrence | undefined => {
  const known = knownSpans.get(window)
  if (known !== undefined && nowMs >= known.fromMs && nowMs < known.untilMs) return known.open
  const open = findOccurrence(window, nowMs)
  if (open !== undefined) knownSpans.set(window, { fromMs: open.startMs, untilMs: open.endMs, open })
  else {
    // Closed from now until the next opening starts.
    const next = nextOpening(window, nowMs, nowMs + lookAheadMs)
    knownSpans.set(window, { fromMs: nowMs, untilMs: next ?? nowMs + lookAheadMs, open: undefined })
  }
  return open
}

const findOccurrence = (window: TimeWindow, nowMs: number): WindowOccurrence | undefined => {
  const lookBackDays = Math.ceil(window.durationMs / msPerDay) + 1
  const start = previousMatch(window.schedule, toWall(window.timeZone, nowMs), lookBackDays)
  if (start === undefined) return undefined
  const startMs = fromWall(window.timeZone, start)
  let endMs = startMs + window.durationMs
  if (startMs > nowMs || endMs <= nowMs) return undefined
  let cursor = nowMs
  for (let i = 0; i < maxChained; i++) {
    const next = nextOpening(window, cursor, endMs)
    if (next === undefined) break
    endMs = Math.max(endMs, next + window.durationMs)
    cursor = next
  }
  return { window, startMs, endMs }
}

/** The first opening after `afterMs` and at or before `limitMs`, as an instant. */
const nextOpening = (window: TimeWindow, afterMs: number, limitMs: number): number | undefined => {
  const days = Math.ceil((limitMs - afterMs) / msPerDay) + 1
  const wall = nextMatch(window.schedule, toWall(window.timeZone, afterMs) + 1, days)
  if (wall === undefined) return undefined
  const at = fromWall(window.timeZone, wall)
  return at <= limitMs ? at : undefined
}

/** How far ahead the next opening is looked for: five years covers every February 29. */
const lookAheadMs = 5 * 366 * msPerDay

/** The next opening of `window` that starts after `nowMs`, or undefined if none within five years. */
export const nextOccurrence = (window: TimeWindow, nowMs: number): WindowOccurrence | undefined => {
  const startMs = nextOpening(window, nowMs, nowMs + lookAheadMs)
  if (startMs === undefined) return undefined
  return occurrenceAt(window, startMs) ?? { window, startMs, endMs: startMs + window.durationMs }
}

/** The windows open at `nowMs` (the one closing last first), and the next to open. */
export interface WindowsState {
  readonly open: ReadonlyArray<WindowOccurrence>
  readonly next: WindowOccurrence | undefined
}

export const windowsAt = (windows: ReadonlyArray<TimeWindow>, nowMs: number): WindowsState => {
  const open: Array<WindowOccurrence> = []
  let next: WindowOccurrence | undefined
  for (const window of windows) {
    const current = occurrenceAt(window, nowMs)
    if (current !== undefined) open.push(current)
    const coming = nextOccurrence(window, nowMs)
    if (coming !== undefined && (next === undefined || coming.startMs < next.startMs)) next = coming
  }
  open.sort((a, b) => b.endMs - a.endMs)
  return { open, next }
}
