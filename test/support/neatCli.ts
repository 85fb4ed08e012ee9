/**
 * Running `neat` as a user does in tests: in a child process running the compiled CLI (`node
 * bin/neat.js ...`, dist/ kept up to date by the global setup, globalSetup.ts), or one subcommand
 * in process through @effect/cli.
 */
import { execFile, type SpawnSyncReturns, spawnSync } from "node:child_process"
import { join } from "node:path"
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { projectRoot } from "./projectRoot.js"

/** The installed command's script: it runs the compiled CLI. */
export const neatBin = join(projectRoot, "bin/neat.js")

/** The node arguments that start the CLI with `args`. */
export const neatNodeArgs = (args: ReadonlyArray<string>): Array<string> => [neatBin, ...args]

export interface NeatRunOptions {
  /** Variables set (or, when undefined, removed) over this process's environment. */
  readonly env?: NodeJS.ProcessEnv
  /** Milliseconds before the child is killed; 60 s unless told. */
  readonly timeoutMs?: number
}

const childEnv = (env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv => ({ ...process.env, ...env })

/** Runs the CLI and waits for it, blocking the test worker: for runs that take well under a second of work. */
export const neatSync = (args: ReadonlyArray<string>, options: NeatRunOptions = {}): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, neatNodeArgs(args), {
    cwd: projectRoot,
    encoding: "utf8",
    env: childEnv(options.env),
    timeout: options.timeoutMs ?? 60_000
  })

export interface NeatRun {
  /** The exit code, or null when the child was killed. */
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI without blocking the test worker, with `stdin` piped in (empty unless given). */
export const neat = (args: ReadonlyArray<string>, options: NeatRunOptions & { readonly stdin?: string } = {}) =>
  new Promise<NeatRun>((done) => {
    const child = execFile(
      process.execPath,
      neatNodeArgs(args),
      {
        cwd: projectRoot,
        encoding: "utf8",
        env: childEnv(options.env),
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 60_000
      },
      (error, stdout, stderr) =>
        done({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
    )
    child.stdin?.end(options.stdin ?? "")
  })

/** Runs one subcommand in this process, as `neat <command> ...args` would. */
export const runCommandInProcess = <Name extends string, R, E, A>(
  command: Command.Command<Name, R, E, A>,
  args: ReadonlyArray<string>
) =>
  Command.run(command, { name: "neat", version: "test" })(["node", "neat", ...args]).pipe(
    Effect.provide(NodeContext.layer)
  )
