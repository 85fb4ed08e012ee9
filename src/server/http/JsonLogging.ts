/**
 * Structured logs: one JSON object per line with the time, level, message, the fiber's annotations
 * (`request_id`, `step`, `service`, ...) and its spans, so that every step of one reallocation can
 * be found by its `request_id`.
 */
import { Effect, FiberRef, HashMap, HashSet, Inspectable, Layer, List, Logger, LogLevel } from "effect"

const messageText = (message: unknown): string =>
  Array.isArray(message)
    ? message.map((part) => Inspectable.toStringUnknown(part)).join(" ")
    : Inspectable.toStringUnknown(message)

const plain = (value: unknown): unknown =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null
    ? value
    : Inspectable.toStringUnknown(value)

/** The JSON line of one log entry (without the newline). */
export const jsonLine = (options: Logger.Logger.Options<unknown>): string => {
  const entry: Record<string, unknown> = {
    time: options.date.toISOString(),
    level: options.logLevel.label,
    message: messageText(options.message)
  }
  for (const [key, value] of HashMap.toEntries(options.annotations)) {
    if (!(key in entry)) entry[key] = plain(value)
  }
  const spans = List.toArray(options.spans).map((span) => span.label)
  if (spans.length > 0) entry.spans = spans
  if (options.cause._tag !== "Empty") entry.cause = Inspectable.toStringUnknown(options.cause)
  return JSON.stringify(entry)
}

/** A logger writing JSON lines through `write` (standard output by default). */
export const jsonLogger = (write: (line: string) => void = (line) => process.stdout.write(line)) =>
  Logger.make((options) => write(`${jsonLine(options)}\n`))

/**
 * JSON lines at `level` and above, and nothing else: every other logger is removed, not only the
 * default one (NodeRuntime.runMain installs a pretty logger, which would print each line twice).
 * Loggers added inside (a daemon's log file) are kept.
 */
export const jsonLogging = (
  level: LogLevel.LogLevel = LogLevel.Info,
  write?: (line: string) => void
): Layer.Layer<never> =>
  Layer.merge(
    Layer.scopedDiscard(
      Effect.locallyScopedWith(FiberRef.currentLoggers, () =>
        HashSet.make<ReadonlyArray<Logger.Logger<unknown, unknown>>>(jsonLogger(write))
      )
    ),
    Logger.minimumLogLevel(level)
  )
