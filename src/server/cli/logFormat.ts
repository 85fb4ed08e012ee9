/**
 * `--log-format text|json` for the long-running commands (serve, local-manager, collect,
 * db-clean). With `json`, the whole command runs under the JSON logger: every line the process
 * writes is one JSON object (logs, the final report, and a failure, as an ERROR entry), so that a
 * log shipper never meets a plain line. The default text logger is replaced, never doubled.
 */
import { Options } from "@effect/cli"
import { Cause, Effect, LogLevel } from "effect"
import type { LogFormat } from "../logFormat.js"
import { failureMessage } from "./reportFailure.js"

/** The JSON logger and the format's service, loaded only when a command runs in JSON (not for --help). */
const jsonModules = Effect.promise(() => Promise.all([import("../http/JsonLogging.js"), import("../logFormat.js")]))

export const logFormatOption = Options.choice("log-format", ["text", "json"]).pipe(
  Options.withDefault("text" as const),
  Options.withDescription("json: one JSON object per line, with the request id of each reallocation")
)

/**
 * Runs a command in `format`. In JSON, a failure is logged as an ERROR entry and the exit status
 * set to 1, instead of the plain `neat: ...` line on stderr.
 */
export const withLogFormat =
  (format: LogFormat) =>
  <A, E, R>(command: Effect.Effect<A, E, R>): Effect.Effect<A | undefined, E, R> => {
    if (format === "text") return command
    return Effect.flatMap(jsonModules, ([{ jsonLogging }, { CurrentLogFormat }]) =>
      command.pipe(
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.failCause(cause)
            : Effect.zipRight(
                Effect.logError(failureMessage(cause) ?? "failed"),
                Effect.sync(() => {
                  process.exitCode = 1
                  return undefined
                })
              )
        ),
        Effect.provideService(CurrentLogFormat, "json"),
        Effect.provide(jsonLogging(LogLevel.Info))
      )
    )
  }
