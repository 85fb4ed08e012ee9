/** The local manager's client reaching a global manager that serves TLS (`neat serve` on loopback). */
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { request } from "node:https"
import { join } from "node:path"
import { Effect, Either, Fiber } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { describeError } from "../../../src/core/errors.js"
import { globalManagerTrust, makeLocalManagerCommand } from "../../../src/server/cli/localManager.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { type ClientOptions, sendReallocation } from "../../../src/server/localManager/GlobalManagerClient.js"
import { twoHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { freePort } from "../../support/localServer.js"
import { runCommandInProcess } from "../../support/neatCli.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { selfSignedCertificate } from "../../support/selfSignedCertificate.js"
import { testLocalManagerAlgorithmFlags, testWiring } from "../../support/testWiring.js"

const certificate = selfSignedCertificate()

const healthz = (port: number, ca: string): Promise<number> =>
  new Promise<number>((resolve) => {
    const req = request(`https://127.0.0.1:${port}/healthz`, { ca }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on("error", () => setTimeout(() => resolve(0), 20))
    req.end()
  })

describeWithRequirement("the local manager's client over TLS", certificate, (tls) => {
  let port = 0
  let fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined

  beforeAll(async () => {
    port = await freePort()
    fiber = Effect.runFork(
      runCommandInProcess(makeServeCommand(testWiring(new InMemoryCloud(twoHostSetup()))), [
        "--mode",
        "memory",
        "--os-admin-password",
        "secret",
        "--placement",
        "test/bfd",
        "--global-manager-port",
        String(port),
        "--global-manager-tls-cert",
        tls.certFile,
        "--global-manager-tls-key",
        tls.keyFile
      ])
    )
    let status = 0
    for (let attempt = 0; attempt < 150 && status !== 200; attempt++) status = await healthz(port, tls.cert)
    expect(status).toBe(200)
  }, 60_000)

  afterAll(async () => {
    if (fiber !== undefined) await Effect.runPromise(Fiber.interrupt(fiber))
    rmSync(tls.directory, { recursive: true, force: true })
  })

  const client = (overrides: Partial<ClientOptions>): ClientOptions => ({
    global_manager_host: "127.0.0.1",
    global_manager_port: port,
    os_admin_user: "admin",
    os_admin_password: "secret",
    request_signing_secret: undefined,
    request_timeout: 10,
    ...overrides
  })

  it("sends Neat's request over HTTPS, trusting the configured CA (the self-signed certificate)", async () => {
    const answer = await Effect.runPromise(
      sendReallocation(client({ global_manager_tls: { ca: tls.cert } }), {
        host: "h1",
        reason: "underload",
        vmUuids: []
      })
    )
    expect(answer.status).toBe(200)
  })

  it("refuses a certificate that neither the system nor the configured CAs vouch for", async () => {
    const failed = await Effect.runPromise(
      Effect.either(
        sendReallocation(client({ global_manager_tls: {} }), { host: "h1", reason: "underload", vmUuids: [] })
      )
    )
    expect(Either.isLeft(failed)).toBe(true)
    if (Either.isLeft(failed)) expect(failed.left.message).toMatch(/self[- ]signed certificate/)
  })

  it("neat local-manager --config: HTTPS and the CA from the shared neat.conf, end to end", async () => {
    const data = join(tls.directory, "h1")
    mkdirSync(join(data, "vms"), { recursive: true })
    writeFileSync(join(data, "vms", "vm-a"), "100\n")
    writeFileSync(join(data, "host"), "0\n")
    const ownPort = await freePort()
    const conf = join(tls.directory, "neat.conf")
    writeFileSync(
      conf,
      [
        "[DEFAULT]",
        `sql_connection = sqlite:///${join(tls.directory, "neat.db")}`,
        "global_manager_host = 127.0.0.1",
        `global_manager_port = ${ownPort}`,
        "os_admin_password = secret",
        `local_data_directory = ${data}`,
        "local_host_name = h1",
        `global_manager_tls_cert = ${tls.certFile}`,
        `global_manager_tls_key = ${tls.keyFile}`,
        `global_manager_tls_ca = ${tls.certFile}`,
        ""
      ].join("\n")
    )
    const cloud = new InMemoryCloud(twoHostSetup())
    const wiring = testWiring(cloud)
    const server = Effect.runFork(
      runCommandInProcess(makeServeCommand(wiring), [
        "--config",
        conf,
        "--mode",
        "memory",
        "--placement",
        "test/bfd"
      ])
    )
    try {
      let status = 0
      for (let attempt = 0; attempt < 150 && status !== 200; attempt++) status = await healthz(ownPort, tls.cert)
      expect(status).toBe(200)
      await Effect.runPromise(
        runCommandInProcess(makeLocalManagerCommand(wiring), [
          "--config",
          conf,
          "--host-cpu-mhz",
          "2000",
          ...testLocalManagerAlgorithmFlags,
          "--iterations",
          "1"
        ])
      )
      // h1 was underloaded: the global manager, reached over TLS, moved its VM.
      expect(cloud.vms.get("vm-a")?.host).toBe("h2")
    } finally {
      await Effect.runPromise(Fiber.interrupt(server))
    }
  })

  it("reads the CA file at start, naming the option and the file when it is unusable", async () => {
    const empty = join(tls.directory, "empty.pem")
    writeFileSync(empty, "not a certificate\n")
    const broken = join(tls.directory, "broken.pem")
    writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    const refusal = async (file: string) =>
      describeError(await Effect.runPromise(Effect.flip(globalManagerTrust(file, false))))
    expect(await refusal(empty)).toBe(`configuration: global_manager_tls_ca: ${empty} holds no PEM certificate`)
    expect(await refusal(broken)).toMatch(
      new RegExp(`^configuration: global_manager_tls_ca: ${broken} holds a certificate that cannot be read: `)
    )
    expect(await refusal(join(tls.directory, "missing.pem"))).toMatch(
      /^configuration: global_manager_tls_ca: cannot read .*missing\.pem: /
    )
    expect(await Effect.runPromise(globalManagerTrust(tls.certFile, false))).toEqual({ ca: tls.cert })
  })
})

describe("whether the local manager speaks TLS", () => {
  it("speaks HTTPS when the shared neat.conf says the global manager serves TLS, plain HTTP otherwise", async () => {
    expect(await Effect.runPromise(globalManagerTrust(undefined, true))).toEqual({})
    expect(await Effect.runPromise(globalManagerTrust("", false))).toBeUndefined()
  })
})
