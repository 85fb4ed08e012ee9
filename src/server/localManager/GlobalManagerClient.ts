/**
 * How a local manager talks to the global manager: a signed `POST /v1/reallocations` when a shared
 * secret is configured, otherwise Neat's form-encoded `PUT /` with SHA-1 hashed admin credentials.
 * Over HTTPS when the global manager serves TLS, trusting the system's CAs and NODE_EXTRA_CA_CERTS,
 * or the system's and the configured ones (`global_manager_tls_ca`).
 */
import { request as httpsRequest } from "node:https"
import { rootCertificates } from "node:tls"
import { Clock, Data, Effect } from "effect"
import { type ReallocationRequest, reasonCode } from "../../core/control/ReallocationRequest.js"
import { sha1Hex, signedHeaders } from "../http/RequestSigning.js"

/** The global manager could not be reached (refused, timed out, reset). */
export class GlobalManagerUnreachable extends Data.TaggedError("GlobalManagerUnreachable")<{
  readonly url: string
  readonly message: string
}> {}

export interface ClientOptions {
  readonly global_manager_host: string
  readonly global_manager_port: number
  readonly os_admin_user: string
  readonly os_admin_password: string
  /** When set, requests are signed with it; otherwise Neat's credentials are sent. */
  readonly request_signing_secret: string | undefined
  /** Give up on a request after this many seconds. */
  readonly request_timeout?: number | undefined
  /** Reach the global manager over TLS (it serves `global_manager_tls_cert`); absent: plain HTTP. */
  readonly global_manager_tls?: GlobalManagerTrust | undefined
}

export interface GlobalManagerTrust {
  /**
   * PEM certificates trusted for the global manager besides the system's CAs (`global_manager_tls_ca`);
   * absent: the system's CAs and NODE_EXTRA_CA_CERTS, as any Node client.
   */
  readonly ca?: string | undefined
}

export interface GlobalManagerResponse {
  readonly status: number
  readonly body: string
  /** The response's headers, names in lower case. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

export const baseUrl = (options: ClientOptions): string => {
  const host = options.global_manager_host.includes(":")
    ? `[${options.global_manager_host}]`
    : options.global_manager_host
  return `${options.global_manager_tls === undefined ? "http" : "https"}://${host}:${options.global_manager_port}`
}

export interface Outgoing {
  readonly method: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | URLSearchParams
}

const describeCause = (error: unknown): string =>
  error instanceof Error
    ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}`
    : String(error)

/** One request with `ca` trusted besides the system's CAs (fetch cannot be given a CA). */
const sendTrusting = (url: string, init: Outgoing, timeoutSec: number, ca: string) =>
  Effect.async<GlobalManagerResponse, GlobalManagerUnreachable>((resume, signal) => {
    const form = init.body instanceof URLSearchParams
    const body = init.body === undefined ? undefined : init.body.toString()
    const headers: Record<string, string> = {
      ...init.headers,
      ...(form ? { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" } : {}),
      ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) })
    }
    const fail = (message: string) => resume(Effect.fail(new GlobalManagerUnreachable({ url, message })))
    const req = httpsRequest(url, { method: init.method, headers, ca: [...rootCertificates, ca], signal }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("error", (error) => fail(describeCause(error)))
      res.on("end", () =>
        resume(
          Effect.succeed({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([name, value]) => [
                name,
                Array.isArray(value) ? value.join(", ") : String(value)
              ])
            )
          })
        )
      )
    })
    req.setTimeout(timeoutSec * 1000, () => req.destroy(new Error(`no answer within ${timeoutSec} s`)))
    req.on("error", (error) => fail(describeCause(error)))
    req.end(body)
  })

/** One request to the global manager, trusting `trust.ca` when given. */
export const send = (url: string, init: Outgoing, timeoutSec: number, trust?: GlobalManagerTrust) =>
  trust?.ca !== undefined ? sendTrusting(url, init, timeoutSec, trust.ca) : sendFetch(url, init, timeoutSec)

const sendFetch = (url: string, init: Outgoing, timeoutSec: number) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, {
        ...init,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutSec * 1000)])
      })
      return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) }
    },
    catch: (error) => new GlobalManagerUnreachable({ url, message: describeCause(error) })
  })

/** Sends one reallocation request and returns the global manager's answer, whatever its status. */
export const sendReallocation = (
  options: ClientOptions,
  request: ReallocationRequest
): Effect.Effect<GlobalManagerResponse, GlobalManagerUnreachable> =>
  Effect.gen(function* () {
    const nowSec = (yield* Clock.currentTimeMillis) / 1000
    const timeout = options.request_timeout ?? 600
    const secret = options.request_signing_secret
    if (secret !== undefined && secret !== "") {
      const path = "/v1/reallocations"
      const body = JSON.stringify({
        host: request.host,
        reason: request.reason,
        ...(request.reason === "overload" ? { vm_uuids: request.vmUuids } : {})
      })
      const headers = { ...signedHeaders(secret, "POST", path, body, nowSec), "content-type": "application/json" }
      return yield* send(
        `${baseUrl(options)}${path}`,
        { method: "POST", headers, body },
        timeout,
        options.global_manager_tls
      )
    }
    const form = new URLSearchParams({
      username: sha1Hex(options.os_admin_user),
      password: sha1Hex(options.os_admin_password),
      time: String(nowSec),
      host: request.host,
      reason: String(reasonCode(request.reason))
    })
    if (request.reason === "overload") form.set("vm_uuids", request.vmUuids.join(","))
    return yield* send(`${baseUrl(options)}/`, { method: "PUT", body: form }, timeout, options.global_manager_tls)
  })

/** Asks the global manager (signed) for the memory of every VM, MB by UUID. */
export const fetchVmRam = (
  options: ClientOptions & { readonly request_signing_secret: string }
): Effect.Effect<ReadonlyMap<string, number>, GlobalManagerUnreachable> =>
  Effect.gen(function* () {
    const nowSec = (yield* Clock.currentTimeMillis) / 1000
    const path = "/v1/vms"
    const url = `${baseUrl(options)}${path}`
    const headers = signedHeaders(options.request_signing_secret, "GET", path, "", nowSec)
    const response = yield* send(
      url,
      { method: "GET", headers },
      options.request_timeout ?? 30,
      options.global_manager_tls
    )
    if (response.status !== 200) {
      return yield* new GlobalManagerUnreachable({ url, message: `status ${response.status}: ${response.body}` })
    }
    const rows = yield* Effect.try({
      try: () => JSON.parse(response.body) as unknown,
      catch: () => new GlobalManagerUnreachable({ url, message: "the VM list is not JSON" })
    })
    const ram = new Map<string, number>()
    if (Array.isArray(rows)) {
      for (const row of rows) {
        if (typeof row === "object" && row !== null && "uuid" in row && "ram_mb" in row) {
          const { uuid, ram_mb } = row
          if (typeof uuid === "string" && typeof ram_mb === "number") ram.set(uuid, ram_mb)
        }
      }
    }
    return ram
  })

/** A signed `GET` of `path` at `base` (`http[s]://host:port`): the answer, whatever its status. */
export const signedGet = (
  base: string,
  secret: string,
  path: string,
  timeoutSec: number,
  trust?: GlobalManagerTrust
): Effect.Effect<GlobalManagerResponse, GlobalManagerUnreachable> =>
  Effect.gen(function* () {
    const nowSec = (yield* Clock.currentTimeMillis) / 1000
    const headers = signedHeaders(secret, "GET", path, "", nowSec)
    return yield* send(`${base}${path}`, { method: "GET", headers }, timeoutSec, trust)
  })
