/**
 * Logging of the daemons as OpenStack Neat does it: `log_level` 0 silences them, 1 keeps errors
 * and warnings, 2 adds information and 3 debug messages; each daemon also appends to its own file
 * in `log_directory` (data-collector.log, db-cleaner.log, ...), besides the console, in the
 * command's log format.
 */
import { appendFileSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect, HashMap, Inspectable, Layer, Logger, LogLevel } from "effect"
import { InputError } from "../../core/errors.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import { jsonLine } from "../http/JsonLogging.js"
import { CurrentLogFormat } from "../logFormat.js"

const levels: ReadonlyArray<LogLevel.LogLevel> = [LogLevel.None, LogLevel.Warning, LogLevel.Info, LogLevel.Debug]

const text = (message: unknown): string =>
  Array.isArray(message)
    ? message.map((part) => Inspectable.toStringUnknown(part)).join(" ")
    : Inspectable.toStringUnknown(message)

/** One log line: time, level, annotations (service first), message. */
const formatLine = (options: Logger.Logger.Options<unknown>): string => {
  const annotations = HashMap.toEntries(options.annotations)
    .filter(([, value]) => value !== "")
    .sort(([a], [b]) => (a === "service" ? -1 : b === "service" ? 1 : a.localeCompare(b)))
    .map(([key, value]) => `${key}=${Inspectable.toStringUnknown(value)}`)
  return `${options.date.toISOString()} ${options.logLevel.label.padEnd(7)} ${[...annotations, text(options.message)].join(" ")}\n`
}

/** The logging layer of a daemon writing `fileName` in the configured log directory. */
export const daemonLogging = (
  settings: Pick<NeatConfig, "logDirectory" | "logLevel">,
  fileName: string
): Effect.Effect<Layer.Layer<never>, InputError> =>
  Effect.gen(function* () {
    const level = levels[settings.logLevel] ?? LogLevel.Debug
    if (settings.logLevel === 0) return Logger.minimumLogLevel(LogLevel.None)
    const file = join(settings.logDirectory, fileName)
    yield* Effect.try({
      try: () => {
        mkdirSync(settings.logDirectory, { recursive: true })
        appendFileSync(file, "")
      },
      catch: (error) =>
        new InputError({
          file,
          field: "log_directory",
          message: `cannot write the log: ${error instanceof Error ? error.message : String(error)}`
        })
    })
    // With --log-format json the file gets the same JSON lines as the console.
    const format = yield* CurrentLogFormat
    const line = format === "json" ? (options: Logger.Logger.Options<unknown>) => `${jsonLine(options)}\n` : formatLine
    const fileLogger = Logger.make((options) => {
      try {
        appendFileSync(file, line(options))
      } catch {
        // A full disk must not stop the daemon; the console still has the line.
      }
    })
    return Layer.mergeAll(Logger.add(fileLogger), Logger.minimumLogLevel(level))
  })
