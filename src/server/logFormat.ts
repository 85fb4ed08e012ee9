/**
 * The format the running command logs in (`--log-format`, set by `withLogFormat` in
 * cli/logFormat.ts), for code that prints a final report rather than logging.
 */
import { Context, Effect } from "effect"

export type LogFormat = "text" | "json"

export class CurrentLogFormat extends Context.Reference<CurrentLogFormat>()("neat/CurrentLogFormat", {
  defaultValue: (): LogFormat => "text"
}) {}

/** Prints a command's final report: as it is in text, as one INFO entry (with `fields`) in JSON. */
export const printReport = (text: string, fields: Record<string, unknown> = {}): Effect.Effect<void> =>
  Effect.flatMap(CurrentLogFormat, (format) =>
    format === "json"
      ? Effect.logInfo(text).pipe(Effect.annotateLogs(fields))
      : Effect.sync(() => {
          process.stdout.write(`${text}\n`)
        })
  )
