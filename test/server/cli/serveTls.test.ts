/** `neat serve` with TLS (certificate and key files, flags or neat.conf) and the dashboard token's length. */
import { rmSync, writeFileSync } from "node:fs"
import { request } from "node:https"
import { join } from "node:path"
import { Effect, Fiber } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { describeError } from "../../../src/core/errors.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { twoHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { freePort } from "../../support/localServer.js"
import { runCommandInProcess } from "../../support/neatCli.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { selfSignedCertificate } from "../../support/selfSignedCertificate.js"
import { testWiring } from "../../support/testWiring.js"

const serve = (args: ReadonlyArray<string>) =>
  runCommandInProcess(makeServeCommand(testWiring(new InMemoryCloud(twoHostSetup()))), [
    ...(args.includes("--mode") ? [] : ["--mode", "memory"]),
    "--os-admin-password",
    "x",
    "--placement",
    "test/bfd",
    ...args
  ])

const refusal = async (args: ReadonlyArray<string>): Promise<string> =>
  describeError((await Effect.runPromise(Effect.flip(serve(args)))) as { readonly _tag: string })

describe("neat serve's dashboard token", () => {
  it("is refused at start when shorter than 16 characters", async () => {
    expect(await refusal(["--global-manager-port", "0", "--dashboard-token", "short-token"])).toBe(
      "configuration: dashboard_token: must be at least 16 characters (got 11): a short token is guessed; generate one with: openssl rand -hex 16"
    )
  })
})

const certificate = selfSignedCertificate()

describeWithRequirement("neat serve over TLS", certificate, (tls) => {
  afterAll(() => rmSync(tls.directory, { recursive: true, force: true }))

  it("serves the API over TLS with --global-manager-tls-cert and --global-manager-tls-key", async () => {
    const port = await freePort()
    const fiber = Effect.runFork(
      serve([
        "--global-manager-port",
        String(port),
        "--global-manager-tls-cert",
        tls.certFile,
        "--global-manager-tls-key",
        tls.keyFile
      ])
    )
    try {
      let status = 0
      for (let attempt = 0; attempt < 150 && status !== 200; attempt++) {
        status = await new Promise<number>((resolve) => {
          const req = request(`https://127.0.0.1:${port}/healthz`, { ca: tls.cert }, (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          req.on("error", () => setTimeout(() => resolve(0), 20))
          req.end()
        })
      }
      expect(status).toBe(200)
    } finally {
      await Effect.runPromise(Fiber.interrupt(fiber))
    }
  })

  it("reads the files from neat.conf and refuses a bad pair, naming the option and the files", async () => {
    const conf = join(tls.directory, "neat.conf")
    writeFileSync(
      conf,
      `[DEFAULT]\nglobal_manager_tls_cert = ${tls.certFile}\nglobal_manager_tls_key = ${tls.certFile}\n`
    )
    const text = await refusal(["--config", conf, "--global-manager-port", "0"])
    expect(text).toMatch(
      new RegExp(
        `^configuration: global_manager_tls_cert: ${tls.certFile} and ${tls.certFile} are not a usable PEM certificate and matching private key: `
      )
    )
  })

  it.each([
    [
      (f: { certFile: string; keyFile: string }) => ["--global-manager-tls-cert", f.certFile],
      "configuration: global_manager_tls_key: is required with global_manager_tls_cert: TLS needs both"
    ],
    [
      (f: { certFile: string; keyFile: string }) => ["--global-manager-tls-key", f.keyFile],
      "configuration: global_manager_tls_cert: is required with global_manager_tls_key: TLS needs both"
    ],
    [
      (f: { certFile: string; keyFile: string }) => [
        "--global-manager-tls-cert",
        join(f.certFile, "..", "missing.pem"),
        "--global-manager-tls-key",
        f.keyFile
      ],
      /^configuration: global_manager_tls_cert: cannot read .*missing\.pem/
    ],
    [
      (f: { certFile: string; keyFile: string }) => [
        "--global-manager-tls-cert",
        f.certFile,
        "--global-manager-tls-key",
        f.keyFile,
        "--mode",
        "sim"
      ],
      "configuration: global_manager_tls_cert: TLS is served with --mode openstack; the simulated cloud's local managers speak plain HTTP"
    ]
  ])("refuses an incomplete or unreadable pair (%#)", async (args, message) => {
    const text = await refusal(["--global-manager-port", "0", ...args(tls)])
    if (typeof message === "string") expect(text).toBe(message)
    else expect(text).toMatch(message)
  })
})
