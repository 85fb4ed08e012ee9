/**
 * RemoteShell against a real OpenSSH server on 127.0.0.1 (.ci/services/sshd.sh): key login with
 * the host key pinned, argument lists passed through uninterpreted, and every way a command can
 * fail to start or end.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { makeRemoteShell, type RemoteShellOptions } from "../../../src/adapters/nova/RemoteShell.js"
import { describeWithRequirement, serverEnv } from "../../support/requirement.js"

const env = serverEnv(
  ["NEAT_TEST_SSH_PORT", "NEAT_TEST_SSH_KEY", "NEAT_TEST_SSH_KNOWN_HOSTS"],
  "start the loopback sshd (.ci/services/sshd.sh) and export NEAT_TEST_SSH_*"
)

describeWithRequirement("RemoteShell (real sshd on 127.0.0.1)", env, (values) => {
  const scratch = mkdtempSync(join(tmpdir(), "neat-ssh-"))
  const options: RemoteShellOptions = {
    username: process.env.NEAT_TEST_SSH_USER ?? "root",
    privateKeyPath: values.NEAT_TEST_SSH_KEY,
    knownHostsPath: values.NEAT_TEST_SSH_KNOWN_HOSTS,
    port: Number(values.NEAT_TEST_SSH_PORT),
    connectTimeoutSec: 5,
    commandTimeoutSec: 10
  }
  const exec = (argv: ReadonlyArray<string>, overrides: Partial<RemoteShellOptions> = {}) =>
    Effect.runPromise(
      Effect.either(
        Effect.flatMap(makeRemoteShell({ ...options, ...overrides }), (shell) => shell.exec("127.0.0.1", argv))
      )
    )
  let silent: Server
  let silentPort = 0

  beforeAll(async () => {
    // A TCP server that accepts and never speaks SSH: the connect timeout must end the wait.
    silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    const address = silent.address()
    silentPort = typeof address === "object" && address !== null ? address.port : 0
  })

  afterAll(() => {
    silent.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  it("runs the command, which writes its marker", async () => {
    const marker = join(scratch, "suspended")
    const result = await exec(["touch", marker])
    assert.deepStrictEqual(result, Either.right({ _tag: "Exited", code: 0, stdout: "", stderr: "" }))
    assert.isTrue(existsSync(marker))
  })

  it("passes arguments through without the remote shell interpreting them", async () => {
    const result = await exec(["printf", "%s|", "a b", "it's", "$HOME", "`id`", "x;y"])
    assert.isTrue(Either.isRight(result))
    if (Either.isRight(result))
      assert.deepStrictEqual(result.right, { _tag: "Exited", code: 0, stdout: "a b|it's|$HOME|`id`|x;y|", stderr: "" })
  })

  it("reports a non-zero exit code and stderr", async () => {
    const result = await exec(["sh", "-c", "echo nope >&2; exit 3"])
    assert.deepStrictEqual(result, Either.right({ _tag: "Exited", code: 3, stdout: "", stderr: "nope\n" }))
  })

  it("refuses a host whose key differs from known_hosts", async () => {
    const wrong = join(scratch, "known_hosts_wrong")
    writeFileSync(
      wrong,
      `[127.0.0.1]:${values.NEAT_TEST_SSH_PORT} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq5M0Yg1ZRqa3nqYfFHc0zYBq2OQx2qW7pXz\n`
    )
    const marker = join(scratch, "must-not-exist")
    const result = await exec(["touch", marker], { knownHostsPath: wrong })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.stage, "host-key")
      assert.match(result.left.message, /does not match/)
    }
    assert.isFalse(existsSync(marker))
  })

  it("refuses a host that known_hosts does not list", async () => {
    const empty = join(scratch, "known_hosts_empty")
    writeFileSync(empty, "# nothing pinned\n")
    const result = await exec(["true"], { knownHostsPath: empty })
    assert.isTrue(
      Either.isLeft(result) && result.left.stage === "host-key" && /unknown hosts are refused/.test(result.left.message)
    )
  })

  it("reports a refused connection", async () => {
    const known = join(scratch, "known_hosts_closed")
    // Pin the real key under a port nobody listens on, so the refusal is the connection's.
    const line = readFileSync(values.NEAT_TEST_SSH_KNOWN_HOSTS, "utf8").replace(/\]:\d+/, "]:1")
    writeFileSync(known, line)
    const result = await exec(["true"], { port: 1, knownHostsPath: known })
    assert.isTrue(Either.isLeft(result) && result.left.stage === "connect", JSON.stringify(result))
    if (Either.isLeft(result)) assert.match(result.left.message, /ECONNREFUSED/)
  })

  it("gives up on a server that never answers within the connect timeout", async () => {
    const known = join(scratch, "known_hosts_silent")
    writeFileSync(known, readFileSync(values.NEAT_TEST_SSH_KNOWN_HOSTS, "utf8").replace(/\]:\d+/, `]:${silentPort}`))
    const result = await exec(["true"], { port: silentPort, knownHostsPath: known, connectTimeoutSec: 1 })
    assert.isTrue(Either.isLeft(result) && result.left.stage === "connect", JSON.stringify(result))
  })

  it("reports a key the server does not accept as an authentication failure", async () => {
    const otherKey = join(scratch, "other_key")
    writeFileSync(otherKey, readFileSync(values.NEAT_TEST_SSH_KEY.replace(/client_ed25519$/, "ssh_host_ed25519_key")))
    const result = await exec(["true"], { privateKeyPath: otherKey })
    assert.isTrue(Either.isLeft(result) && result.left.stage === "auth", JSON.stringify(result))
  })

  it("counts a connection that drops after the command started as sent", async () => {
    const marker = join(scratch, "dropped")
    // The command kills its own SSH session, as a host going to sleep cuts the connection.
    const result = await exec(["sh", "-c", `touch ${marker}; kill -9 $PPID`])
    assert.isTrue(Either.isRight(result) && result.right._tag === "Dropped", JSON.stringify(result))
    assert.isTrue(existsSync(marker))
  })

  it("closes the connection when the command outlives its timeout", async () => {
    const result = await exec(["sleep", "3"], { commandTimeoutSec: 1 })
    assert.isTrue(Either.isRight(result) && result.right._tag === "TimedOut", JSON.stringify(result))
  })
})
