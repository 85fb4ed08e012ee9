/**
 * Runs one command on a compute host over SSH (ssh2). Key authentication (a password only when
 * configured), the host key pinned against a known_hosts file (unknown, changed or revoked keys
 * are refused), connect and command timeouts. Commands are argument lists: each argument is
 * quoted for the remote shell, so nothing in them is interpreted.
 */
import { readFile } from "node:fs/promises"
import { Context, Data, Effect, Layer, Redacted } from "effect"
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2"
import { knownHostsName, knownKeysFor, verifyHostKey } from "./KnownHosts.js"

export interface RemoteShellOptions {
  /** compute_user: the account the command runs as. */
  readonly username: string
  /** Private key file (OpenSSH or PEM format). */
  readonly privateKeyPath: string
  readonly passphrase?: Redacted.Redacted<string> | undefined
  /** compute_password: tried only if key authentication is refused. */
  readonly password?: Redacted.Redacted<string> | undefined
  /** known_hosts file that pins each host's key. */
  readonly knownHostsPath: string
  readonly port: number
  /** Seconds to connect, exchange keys and authenticate. */
  readonly connectTimeoutSec: number
  /** Seconds the command may run before the connection is closed. */
  readonly commandTimeoutSec: number
}

/** How a command ended once it had been started on the host. */
export type ExecResult =
  | { readonly _tag: "Exited"; readonly code: number; readonly stdout: string; readonly stderr: string }
  /** The connection closed before an exit status came back (a host going to sleep does this). */
  | { readonly _tag: "Dropped"; readonly stdout: string; readonly stderr: string }
  /** Still running after the command timeout; the connection was closed. */
  | { readonly _tag: "TimedOut"; readonly stdout: string; readonly stderr: string }

/** The command could not be started: nothing ran on the host. */
export class SshError extends Data.TaggedError("SshError")<{
  readonly host: string
  readonly stage: "config" | "connect" | "host-key" | "auth" | "exec"
  readonly message: string
}> {}

export interface RemoteShellApi {
  /** Runs `argv` on `host`; fails only when the command was never started. */
  readonly exec: (host: string, argv: ReadonlyArray<string>) => Effect.Effect<ExecResult, SshError>
}

export class RemoteShell extends Context.Tag("neat/nova/RemoteShell")<RemoteShell, RemoteShellApi>() {}

/** POSIX single-quoting: the remote shell passes each argument through unchanged. */
export const quoteArgument = (argument: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`

export const commandLine = (argv: ReadonlyArray<string>): string => argv.map(quoteArgument).join(" ")

const limit = (text: string): string => (text.length > 4096 ? text.slice(-4096) : text)

export const makeRemoteShell = (options: RemoteShellOptions): Effect.Effect<RemoteShellApi, SshError> =>
  Effect.gen(function* () {
    const read = (path: string, what: string) =>
      Effect.tryPromise({
        try: () => readFile(path),
        catch: (cause) =>
          new SshError({
            host: "*",
            stage: "config",
            message: `cannot read the ${what} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`
          })
      })
    const privateKey = yield* read(options.privateKeyPath, "private key")
    // Read on every connection, so an operator's edit of known_hosts takes effect at once.
    const knownHosts = read(options.knownHostsPath, "known_hosts file").pipe(Effect.map((b) => b.toString("utf8")))

    const exec = (host: string, argv: ReadonlyArray<string>): Effect.Effect<ExecResult, SshError> =>
      Effect.gen(function* () {
        if (argv.length === 0) return yield* new SshError({ host, stage: "config", message: "empty command" })
        const text = yield* knownHosts
        const known = knownKeysFor(text, host, options.port)
        const name = knownHostsName(host, options.port)
        if (known.filter((entry) => !entry.revoked).length === 0) {
          return yield* new SshError({
            host,
            stage: "host-key",
            message: `no key for ${name} in ${options.knownHostsPath}: unknown hosts are refused`
          })
        }
        return yield* Effect.async<ExecResult, SshError>((resume) => {
          const client = new Client()
          let settled = false
          let started = false
          let refusal: string | undefined
          let stdout = ""
          let stderr = ""
          let commandTimer: NodeJS.Timeout | undefined
          const settle = (outcome: Effect.Effect<ExecResult, SshError>) => {
            if (settled) return
            settled = true
            if (commandTimer !== undefined) clearTimeout(commandTimer)
            client.end()
            resume(outcome)
          }
          const fail = (stage: SshError["stage"], message: string) =>
            settle(Effect.fail(new SshError({ host, stage, message })))
          const config: ConnectConfig = {
            host,
            port: options.port,
            username: options.username,
            privateKey,
            readyTimeout: options.connectTimeoutSec * 1000,
            algorithms: {
              serverHostKey: [
                ...new Set(known.filter((k) => !k.revoked).map((k) => k.type))
              ] as Array<ServerHostKeyAlgorithm>
            },
            hostVerifier: (key: Buffer) => {
              const verdict = verifyHostKey(known, key)
              switch (verdict._tag) {
                case "Trusted":
                  return true
                case "Unknown":
                  refusal = `no key for ${name} in ${options.knownHostsPath}: unknown hosts are refused`
                  return false
                case "Changed":
                  refusal = `the host key of ${name} does not match ${options.knownHostsPath} (line ${verdict.lines.join(", ")}): refused`
                  return false
                case "Revoked":
                  refusal = `the host key of ${name} is revoked in ${options.knownHostsPath} (line ${verdict.line})`
                  return false
              }
            }
          }
          if (options.passphrase !== undefined) config.passphrase = Redacted.value(options.passphrase)
          if (options.password !== undefined) config.password = Redacted.value(options.password)
          client.on("error", (error: Error & { level?: string }) => {
            if (refusal !== undefined) return fail("host-key", refusal)
            if (started) return settle(Effect.succeed({ _tag: "Dropped", stdout, stderr }))
            if (error.level === "client-authentication") {
              return fail("auth", `${options.username}@${name} was refused: ${error.message}`)
            }
            fail("connect", `${name}: ${error.message}`)
          })
          client.on("close", () => {
            if (refusal !== undefined) return fail("host-key", refusal)
            if (started) return settle(Effect.succeed({ _tag: "Dropped", stdout, stderr }))
            fail("connect", `${name}: the connection closed before the command started`)
          })
          client.on("ready", () => {
            client.exec(commandLine(argv), (error, channel) => {
              if (error) return fail("exec", `${name}: ${error.message}`)
              started = true
              commandTimer = setTimeout(
                () => settle(Effect.succeed({ _tag: "TimedOut", stdout, stderr })),
                options.commandTimeoutSec * 1000
              )
              channel.on("data", (chunk: Buffer) => {
                stdout = limit(stdout + chunk.toString("utf8"))
              })
              channel.stderr.on("data", (chunk: Buffer) => {
                stderr = limit(stderr + chunk.toString("utf8"))
              })
              let exitCode: number | undefined
              channel.on("exit", (code: number | null, signal?: string) => {
                exitCode = code ?? (signal === undefined ? -1 : 128)
              })
              // The exit status comes before the channel closes; a channel closed without one was cut off.
              channel.on("close", () =>
                settle(
                  Effect.succeed(
                    exitCode === undefined
                      ? { _tag: "Dropped", stdout, stderr }
                      : { _tag: "Exited", code: exitCode, stdout, stderr }
                  )
                )
              )
            })
          })
          try {
            client.connect(config)
          } catch (error) {
            fail("connect", `${name}: ${error instanceof Error ? error.message : String(error)}`)
          }
          return Effect.sync(() => {
            settled = true
            if (commandTimer !== undefined) clearTimeout(commandTimer)
            client.end()
          })
        })
      }).pipe(Effect.withSpan("RemoteShell.exec", { attributes: { host } }))

    return { exec }
  })

export const RemoteShellLive = (options: RemoteShellOptions): Layer.Layer<RemoteShell, SshError> =>
  Layer.effect(RemoteShell, makeRemoteShell(options))
