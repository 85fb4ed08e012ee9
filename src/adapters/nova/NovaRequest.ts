/**
 * An authenticated request to Nova at an explicit microversion. A 401 renews the Keystone token
 * once and resends; reads (GET) are retried a bounded number of times after 5xx answers and
 * transport failures. Writes are never resent here: whether a write took effect is for the
 * caller to find out.
 */
import type { HttpClient } from "@effect/platform"
import { Effect, Redacted, Schedule } from "effect"
import { isTransient, type OpenStackError } from "./errors.js"
import type { KeystoneApi } from "./Keystone.js"
import { exchangeJson, httpErrorOf, type JsonAnswer } from "./OpenStackHttp.js"

export interface NovaRequestOptions {
  /** The compute API microversion sent with every call, e.g. "2.79". */
  readonly microversion: string
  readonly requestTimeoutSec: number
  /** Extra attempts of a read after a 5xx or transport failure. */
  readonly readRetries: number
  /** First backoff between read attempts, seconds (doubles each time). */
  readonly readBackoffSec: number
}

export interface NovaCall {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** Path under the compute endpoint, starting with "/", query string included. */
  readonly path: string
  readonly body?: unknown
}

/** Sends `call` and returns the answer when its status is below 400; an error otherwise. */
export type NovaSend = (call: NovaCall) => Effect.Effect<JsonAnswer, OpenStackError>

export const makeNovaSend =
  (client: HttpClient.HttpClient, keystone: KeystoneApi, options: NovaRequestOptions): NovaSend =>
  (call) => {
    const once = Effect.gen(function* () {
      const send = (token: Redacted.Redacted<string>, computeUrl: string) =>
        exchangeJson(client, {
          method: call.method,
          url: `${computeUrl}${call.path}`,
          timeoutSec: options.requestTimeoutSec,
          body: call.body,
          headers: {
            "X-Auth-Token": Redacted.value(token),
            "X-OpenStack-Nova-API-Version": options.microversion,
            "OpenStack-API-Version": `compute ${options.microversion}`
          }
        })
      const session = yield* keystone.session
      let answer = yield* send(session.token, session.computeUrl)
      if (answer.status === 401) {
        const renewed = yield* keystone.renew(session)
        answer = yield* send(renewed.token, renewed.computeUrl)
      }
      if (answer.status >= 400) return yield* httpErrorOf(answer)
      return answer
    })
    if (call.method !== "GET" || options.readRetries <= 0) return once
    return once.pipe(
      Effect.retry({
        times: options.readRetries,
        schedule: Schedule.exponential(`${Math.max(1, Math.round(options.readBackoffSec * 1000))} millis`),
        while: isTransient
      })
    )
  }
