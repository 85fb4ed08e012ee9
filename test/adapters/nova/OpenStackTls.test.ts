/**
 * TLS towards Keystone: Node's default trust refuses a self-signed certificate; the CA bundle
 * (os_cacert) or os_insecure lets the token request through. Certificates are made per run.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:https"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Redacted } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { makeKeystone } from "../../../src/adapters/nova/Keystone.js"
import { openStackHttpClient } from "../../../src/adapters/nova/OpenStackCloudLive.js"
import type { TlsOptions } from "../../../src/adapters/nova/OpenStackConfig.js"

describe("TLS options", () => {
  const scratch = mkdtempSync(join(tmpdir(), "neat-tls-"))
  const certPath = join(scratch, "cert.pem")
  let server: Server
  let url = ""

  beforeAll(async () => {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(scratch, "key.pem"),
        "-out",
        certPath
      ],
      { stdio: "ignore" }
    )
    server = createServer(
      { key: readFileSync(join(scratch, "key.pem")), cert: readFileSync(certPath) },
      (request, response) => {
        request.resume()
        request.on("end", () => {
          response.writeHead(201, { "content-type": "application/json", "x-subject-token": "tls-token" })
          response.end(
            JSON.stringify({
              token: {
                expires_at: new Date(Date.now() + 3600_000).toISOString(),
                catalog: [{ type: "compute", endpoints: [{ interface: "public", url: "https://127.0.0.1:1/v2.1" }] }]
              }
            })
          )
        })
      }
    )
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const address = server.address()
    url = `https://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/v3`
  })

  afterAll(() => {
    server.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  const token = (tls: TlsOptions) =>
    Effect.runPromise(
      Effect.either(
        Effect.flatMap(
          makeKeystone({
            authUrl: url,
            username: "admin",
            password: Redacted.make("admin"),
            projectName: "admin",
            userDomainName: "Default",
            projectDomainName: "Default",
            endpointInterface: "public",
            renewMarginSec: 60,
            requestTimeoutSec: 5,
            retries: 0
          }),
          (keystone) => keystone.session
        ).pipe(Effect.provide(openStackHttpClient(tls)))
      )
    )

  it("refuses a certificate nobody vouches for", async () => {
    const result = await token({ insecure: false })
    assert.isTrue(Either.isLeft(result) && result.left._tag === "OpenStackTransportError", JSON.stringify(result))
    if (Either.isLeft(result) && result.left._tag === "OpenStackTransportError")
      assert.match(result.left.message, /self.signed|certificate/i)
  })

  it("trusts the configured CA bundle", async () => {
    const result = await token({ insecure: false, caBundlePath: certPath })
    assert.isTrue(Either.isRight(result), JSON.stringify(result))
  })

  it("accepts any certificate when insecure", async () => {
    const result = await token({ insecure: true })
    assert.isTrue(Either.isRight(result), JSON.stringify(result))
  })

  it("names os_cacert when the bundle cannot be read", async () => {
    const result = await token({ insecure: false, caBundlePath: join(scratch, "missing.pem") })
    assert.isTrue(Either.isLeft(result) && result.left._tag === "ConfigError" && result.left.field === "os_cacert")
  })
})
