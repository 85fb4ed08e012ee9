/**
 * `neat plans list|show|approve|reject`: the global manager's recommended plans from the command
 * line, through its signed `/v1` API (the secret from the flag, NEAT_REQUEST_SIGNING_SECRET or
 * neat.conf's `global_manager_signing_secret`), as a table or as JSON.
 */
import { Args, Command, Options } from "@effect/cli"
import { Config, Effect, Option } from "effect"
import { configOption } from "./configOption.js"

/** The client, the configuration loader and the formatting, loaded only when a subcommand runs. */
const implementation = Effect.promise(() => import("./implementation/plans.js"))

const common = {
  config: configOption,
  url: Options.text("url").pipe(
    Options.withPseudoName("URL"),
    Options.optional,
    Options.withDescription(
      "the global manager, http(s)://HOST:PORT (default: global_manager_host and global_manager_port of neat.conf, else http://127.0.0.1:60080)"
    )
  ),
  secret: Options.redacted("global-manager-signing-secret").pipe(
    Options.withFallbackConfig(Config.redacted("NEAT_REQUEST_SIGNING_SECRET")),
    Options.optional,
    Options.withDescription(
      "shared secret of signed requests (or NEAT_REQUEST_SIGNING_SECRET; default: global_manager_signing_secret of neat.conf)"
    )
  ),
  format: Options.choice("format", ["table", "json"] as const).pipe(
    Options.withDefault("table" as const),
    Options.withDescription("table for people, json (the API's plan documents) for scripts")
  )
}

const planId = Args.integer({ name: "ID" }).pipe(Args.withDescription("the plan's id (the first column of `list`)"))

const listCommand = Command.make(
  "list",
  {
    ...common,
    status: Options.choice("status", ["pending", "approved", "rejected", "expired", "superseded"] as const).pipe(
      Options.optional,
      Options.withDescription("only the plans of this status")
    ),
    limit: Options.integer("limit").pipe(
      Options.withDefault(50),
      Options.withDescription("the newest N plans (the total is counted over all of them)")
    )
  },
  (flags) =>
    Effect.gen(function* () {
      const { listPlans } = yield* implementation
      yield* listPlans(flags, Option.getOrUndefined(flags.status), flags.limit)
    })
).pipe(Command.withDescription("List the recommended plans, newest first, with their predicted effect"))

const showCommand = Command.make("show", { ...common, id: planId }, (flags) =>
  Effect.gen(function* () {
    const { showPlan } = yield* implementation
    yield* showPlan(flags, flags.id)
  })
).pipe(Command.withDescription("Show a plan: its requests, predicted effect and actions with their dependencies"))

const approveCommand = Command.make(
  "approve",
  {
    ...common,
    id: planId,
    actions: Options.text("actions").pipe(
      Options.withPseudoName("K1,K2"),
      Options.optional,
      Options.withDescription(
        "approve only these actions (keys as `show` prints them); the others, and every action depending on a skipped one, are skipped"
      )
    )
  },
  (flags) =>
    Effect.gen(function* () {
      const { approvePlan } = yield* implementation
      yield* approvePlan(flags, flags.id, Option.getOrUndefined(flags.actions))
    })
).pipe(Command.withDescription("Approve a pending plan (all of it, or --actions) and carry it out"))

const rejectCommand = Command.make("reject", { ...common, id: planId }, (flags) =>
  Effect.gen(function* () {
    const { rejectPlan } = yield* implementation
    yield* rejectPlan(flags, flags.id)
  })
).pipe(Command.withDescription("Reject a pending plan: nothing of it is carried out"))

export const plansCommand = Command.make("plans").pipe(
  Command.withDescription("List, show, approve or reject the global manager's recommended plans (recommend mode)"),
  Command.withSubcommands([listCommand, showCommand, approveCommand, rejectCommand])
)
