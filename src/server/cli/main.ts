/** `neat`: the command-line entry point. Each subcommand lives in its own module beside this one. */
import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit } from "effect"
import { algorithmsCommand } from "./algorithms.js"
import { checkCommand } from "./check.js"
import { collectCommand } from "./collect.js"
import { dbCleanCommand } from "./dbClean.js"
import { decideCommand } from "./decide.js"
import { runNeat } from "./frontDoor.js"
import { localManagerCommand } from "./localManager.js"
import { reportCommand } from "./report.js"
import { reportFailure } from "./reportFailure.js"
import { serveCommand } from "./serve.js"
import { simCommand } from "./sim.js"
import { sweepCommand } from "./sweep.js"
import { whatifCommand } from "./whatif.js"

const neat = Command.make("neat").pipe(
  Command.withDescription("Energy-efficient dynamic consolidation of virtual machines"),
  Command.withSubcommands([
    simCommand,
    sweepCommand,
    reportCommand,
    decideCommand,
    serveCommand,
    localManagerCommand,
    collectCommand,
    dbCleanCommand,
    whatifCommand,
    checkCommand,
    algorithmsCommand
  ])
)
runNeat(neat, process.argv, "0.1.0").pipe(
  reportFailure,
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // A command interrupted by a signal may set its own exit status (neat sweep: 130, 143).
    teardown: (exit, onExit) =>
      onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? Number(process.exitCode ?? 0) : 1)
  })
)
