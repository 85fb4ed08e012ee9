/**
 * `neat status`: how a running global manager and its cloud are doing (`GET /v1/status`, signed
 * with the secret from NEAT_REQUEST_SIGNING_SECRET or neat.conf), as a table or JSON.
 */
import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { configOption } from "./configOption.js"

/** The client, the configuration loader and the rendering, loaded only when the command runs. */
const implementation = Effect.promise(() => import("./implementation/status.js"))

export const statusFlags = {
  config: configOption,
  url: Options.text("url").pipe(
    Options.withPseudoName("URL"),
    Options.optional,
    Options.withDescription(
      "the global manager, e.g. http://controller:60080 (default: global_manager_host and global_manager_port from neat.conf, else http://127.0.0.1:60080)"
    )
  ),
  format: Options.choice("format", ["table", "json"]).pipe(
    Options.withDefault("table"),
    Options.withDescription("a table for people, or the endpoint's JSON")
  ),
  limit: Options.integer("limit").pipe(
    Options.withDefault(10),
    Options.withDescription("recent decisions and migrations shown (1-1000)")
  ),
  timeout: Options.float("timeout").pipe(
    Options.withPseudoName("SECONDS"),
    Options.withDefault(10),
    Options.withDescription("give up after this many seconds")
  )
}

export const statusCommand = Command.make("status", statusFlags, (flags) =>
  Effect.gen(function* () {
    const { runStatus } = yield* implementation
    yield* runStatus(flags)
  })
).pipe(
  Command.withDescription(
    "Show a running global manager's hosts, VMs, windows, budget, recent decisions, migrations and errors"
  )
)
