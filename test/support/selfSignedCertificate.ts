/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, made with the openssl command
 * (node:crypto cannot make certificates; .ci/services/openssl.sh installs it under CI). Without
 * openssl, TLS tests skip with a message (fail under CI).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Requirement } from "./requirement.js"

export interface SelfSignedCertificate {
  readonly directory: string
  readonly certFile: string
  readonly keyFile: string
  /** PEM texts; the certificate is also the CA a client trusts. */
  readonly cert: string
  readonly key: string
}

/** Makes a certificate in a fresh temporary directory (the caller removes it). */
export const selfSignedCertificate = (): Requirement<SelfSignedCertificate> => {
  const directory = mkdtempSync(join(tmpdir(), "neat-tls-"))
  const certFile = join(directory, "cert.pem")
  const keyFile = join(directory, "key.pem")
  const made = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost"
    ],
    { encoding: "utf8", timeout: 30_000 }
  )
  if (made.error !== undefined || made.status !== 0) {
    const why = made.error !== undefined ? made.error.message : made.stderr.trim().split("\n").pop()
    return { ok: false, message: `openssl cannot make a test certificate (${why}): install openssl` }
  }
  return {
    ok: true,
    value: { directory, certFile, keyFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") }
  }
}
