/**
 * How a local manager talks to the global manager: a signed `POST /v1/reallocations` when a shared
 * secret is configured, otherwise Neat's form-encoded `PUT /` with SHA-1 hashed admin credentials.
 */
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
}

export interface GlobalManagerResponse {
  readonly status: number
  readonly body: string
}

export const baseUrl = (options: ClientOptions): string => {
  const host = options.global_manager_host.includes(":")
    ? `[${options.global_manager_host}]`
    : options.global_manager_host
  return `http://${host}:${options.global_manager_port}`
}

const send = (url: string, init: RequestInit, timeoutSec: number) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, {
        ...init,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutSec * 1000)])
      })
      return { status: response.status, body: await response.text() }
    },
    catch: (error) =>
      new GlobalManagerUnreachable({
        url,
        message:
          error instanceof Error
            ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}`
            : String(error)
      })
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
      return yield* send(`${baseUrl(options)}${path}`, { method: "POST", headers, body }, timeout)
    }
    const form = new URLSearchParams({
      username: sha1Hex(options.os_admin_user),
      password: sha1Hex(options.os_admin_password),
      time: String(nowSec),
      host: request.host,
      reason: String(reasonCode(request.reason))
    })
    if (request.reason === "overload") form.set("vm_uuids", request.vmUuids.join(","))
    return yield* send(`${baseUrl(options)}/`, { method: "PUT", body: form }, timeout)
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
    const response = yield* send(url, { method: "GET", headers }, options.request_timeout ?? 30)
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
