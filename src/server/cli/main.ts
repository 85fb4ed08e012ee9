/** `neat`: the command-line entry point. Each subcommand lives in its own module beside this one. */
import { Command } from "@effect/cli"
// Subpath imports: the package's index would load its HTTP client (undici) and sockets (ws) with it.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Cause, Effect, Exit, Layer } from "effect"
import { algorithmsCommand } from "./algorithms.js"
import { checkCommand } from "./check.js"
import { collectCommand } from "./collect.js"
import { dbCleanCommand } from "./dbClean.js"
import { decideCommand } from "./decide.js"
import { runNeat } from "./frontDoor.js"
import { localManagerCommand } from "./localManager.js"
import { plansCommand } from "./plans.js"
import { reportCommand } from "./report.js"
import { reportFailure } from "./reportFailure.js"
import { serveCommand } from "./serve.js"
import { simCommand } from "./sim.js"
import { statusCommand } from "./status.js"
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
    statusCommand,
    localManagerCommand,
    collectCommand,
    dbCleanCommand,
    plansCommand,
    whatifCommand,
    checkCommand,
    algorithmsCommand
  ])
)
runNeat(neat, process.argv, "0.1.0").pipe(
  reportFailure,
  // What the commands use of the platform: files, paths and the terminal (for prompts).
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // A command interrupted by a signal may set its own exit status (neat sweep: 130, 143).
    teardown: (exit, onExit) =>
      onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? Number(process.exitCode ?? 0) : 1)
  })
)
