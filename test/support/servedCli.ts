/**
 * `neat serve` as a child process, the way an operator runs it: started through the CLI entry, its
 * address read from its log line, ready once `/healthz` answers, and ended by its pid.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { neatNodeArgs } from "./neatCli.js"
import { projectRoot } from "./projectRoot.js"

export interface ServedCli {
  readonly url: string
  readonly pid: number
  /** Everything the process wrote so far (standard output and error together). */
  readonly output: () => string
  /** Ends the process (SIGTERM, then SIGKILL after 5 s) and waits for its exit. */
  readonly stop: () => Promise<void>
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Starts `neat <args>` (the manager must listen on 127.0.0.1; port 0 is fine) and resolves once
 * `/healthz` answers 200; rejects with the process's output when it exits or is not ready within
 * `timeoutMs`.
 */
export const startServedCli = async (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000
): Promise<ServedCli> => {
  const child: ChildProcess = spawn(process.execPath, neatNodeArgs(args), {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let text = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8")
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8")
  })
  let exited = false
  const exit = new Promise<void>((done) => {
    child.once("exit", () => {
      exited = true
      done()
    })
  })
  const pid = child.pid
  const stop = async () => {
    if (exited || pid === undefined) return
    process.kill(pid, "SIGTERM")
    const killer = setTimeout(() => {
      if (!exited) process.kill(pid, "SIGKILL")
    }, 5000)
    await exit
    clearTimeout(killer)
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exited || pid === undefined) throw new Error(`neat ${args[0] ?? ""} exited before it was ready:\n${text}`)
    const port = /[Ll]istening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]
    if (port !== undefined) {
      const url = `http://127.0.0.1:${port}`
      const healthy = await fetch(`${url}/healthz`).then(
        (response) => response.ok,
        () => false
      )
      if (healthy) return { url, pid, output: () => text, stop }
    }
    await sleep(100)
  }
  await stop()
  throw new Error(`neat ${args[0] ?? ""} was not ready within ${timeoutMs} ms:\n${text}`)
}

/** A simulated cloud for `neat serve --mode sim` in the tests (`simServeArgs`). */
export interface SimServeSettings {
  /** Seconds of real time per simulated interval. */
  readonly stepSeconds: number
  /** Default: 12 synthetic VMs, half a day. */
  readonly trace?: string
  /** Default: 6. */
  readonly hosts?: number
  readonly recommend?: boolean
  /** A SQLite store; default: in memory. */
  readonly sqliteFile?: string
}

/** Arguments of `neat serve --mode sim` on 127.0.0.1 and a free port. */
export const simServeArgs = (settings: SimServeSettings): Array<string> => [
  "serve",
  "--mode",
  "sim",
  "--trace",
  settings.trace ?? "synthetic:vms=12,seed=1,days=0.5",
  "--hosts",
  String(settings.hosts ?? 6),
  "--step-seconds",
  String(settings.stepSeconds),
  ...(settings.recommend === true ? ["--control-mode", "recommend"] : []),
  "--global-manager-host",
  "127.0.0.1",
  "--global-manager-port",
  "0",
  ...(settings.sqliteFile === undefined ? [] : ["--sql-connection", `sqlite:///${settings.sqliteFile}`])
]

/**
 * Arguments of `neat serve --mode sim` as the operator tests run it: 12 synthetic VMs on 6 hosts,
 * one simulated interval every `stepSeconds`, recommend mode, and a SQLite store in `sqliteFile`.
 */
export const recommendingSimServeArgs = (stepSeconds: number, sqliteFile: string): Array<string> =>
  simServeArgs({ stepSeconds, recommend: true, sqliteFile })
