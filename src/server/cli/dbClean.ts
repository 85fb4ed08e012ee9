/** `neat db-clean`: the store cleaner. */
import { Command, Options } from "@effect/cli"
import { Effect, Layer } from "effect"
import { configOption } from "./configOption.js"
import { logFormatOption, withLogFormat } from "./logFormat.js"

/** The cleaner, the store and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/dbClean.js"))

export const dbCleanCommand = Command.make(
  "db-clean",
  {
    config: configOption,
    once: Options.boolean("once").pipe(Options.withDescription("clean once and exit")),
    logFormat: logFormatOption
  },
  ({ config, once, logFormat }) =>
    Effect.gen(function* () {
      const { daemonLogging, loadCliConfig, runDbCleaner, Store } = yield* implementation
      const settings = yield* loadCliConfig(config)
      const logging = yield* daemonLogging(settings, "db-cleaner.log")
      yield* runDbCleaner(settings.dbCleanerInterval, { once }).pipe(
        Effect.provide(Layer.merge(Store.layerConnection(settings.sqlConnection), logging))
      )
    }).pipe(withLogFormat(logFormat))
).pipe(
  Command.withDescription("Delete VM and host usage rows older than db_cleaner_interval, every db_cleaner_interval")
)
