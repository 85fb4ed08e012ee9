/**
 * Keystone v3: password authentication scoped to a project. The token (from the
 * `X-Subject-Token` header) and the compute endpoint (from the catalog) are cached until shortly
 * before the token expires; a caller that meets a 401 asks for a renewal once.
 */
import { HttpClient } from "@effect/platform"
import { Clock, Context, Effect, Layer, Option, Redacted, Ref, Schedule } from "effect"
import { isTransient, KeystoneAuthError, OpenStackDecodeError, type OpenStackError } from "./errors.js"
import { exchangeJson, headerOf, httpErrorOf } from "./OpenStackHttp.js"

/** What Keystone needs to know. Names in comments are Neat's configuration options. */
export interface KeystoneOptions {
  /** os_auth_url: the Keystone v3 URL, e.g. http://controller:5000/v3 */
  readonly authUrl: string
  /** os_admin_user */
  readonly username: string
  /** os_admin_password */
  readonly password: Redacted.Redacted<string>
  /** os_admin_tenant_name: the project the token is scoped to. */
  readonly projectName: string
  /** Domain (name) of the user and of the project; "Default" unless set. */
  readonly userDomainName: string
  readonly projectDomainName: string
  /** Which catalog endpoint to use: "public", "internal" or "admin". */
  readonly endpointInterface: "public" | "internal" | "admin"
  /** Region of the compute endpoint; the first compute endpoint with the interface when unset. */
  readonly region?: string | undefined
  /** Seconds before `expires_at` at which a cached token is renewed. */
  readonly renewMarginSec: number
  /** Seconds to wait for each answer. */
  readonly requestTimeoutSec: number
  /** Extra attempts after a 5xx or a transport failure, with a short backoff. */
  readonly retries: number
}

/** A project-scoped token and the compute endpoint it was issued with. */
export interface KeystoneSession {
  readonly token: Redacted.Redacted<string>
  /** When Keystone says the token stops working, epoch ms. */
  readonly expiresAtMs: number
  /** The compute endpoint from the catalog, without a trailing slash. */
  readonly computeUrl: string
}

export interface KeystoneApi {
  /** A valid session: the cached one, or a new one when none is cached or it is about to expire. */
  readonly session: Effect.Effect<KeystoneSession, OpenStackError>
  /** A new session after `stale` was refused (401); if another caller renewed it already, that one. */
  readonly renew: (stale: KeystoneSession) => Effect.Effect<KeystoneSession, OpenStackError>
}

export class Keystone extends Context.Tag("neat/nova/Keystone")<Keystone, KeystoneApi>() {}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The compute endpoint of a token's catalog, or a message saying why there is none. */
export const computeEndpointOf = (
  catalog: unknown,
  endpointInterface: string,
  region: string | undefined
): string | { readonly missing: string } => {
  if (!Array.isArray(catalog)) return { missing: "the token has no catalog" }
  for (const service of catalog) {
    if (!isRecord(service) || service.type !== "compute" || !Array.isArray(service.endpoints)) continue
    for (const endpoint of service.endpoints) {
      if (!isRecord(endpoint) || endpoint.interface !== endpointInterface || typeof endpoint.url !== "string") continue
      if (region !== undefined && endpoint.region_id !== region && endpoint.region !== region) continue
      return endpoint.url.replace(/\/+$/, "")
    }
  }
  return {
    missing: `the catalog has no compute endpoint with interface ${endpointInterface}${region === undefined ? "" : ` in region ${region}`}`
  }
}

/** Builds the Keystone client over an HttpClient. */
export const makeKeystone = (options: KeystoneOptions): Effect.Effect<KeystoneApi, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const cached = yield* Ref.make(Option.none<KeystoneSession>())
    const lock = yield* Effect.makeSemaphore(1)
    const url = `${options.authUrl.replace(/\/+$/, "")}/auth/tokens`

    const issue: Effect.Effect<KeystoneSession, OpenStackError> = Effect.gen(function* () {
      const answer = yield* exchangeJson(client, {
        method: "POST",
        url,
        timeoutSec: options.requestTimeoutSec,
        body: {
          auth: {
            identity: {
              methods: ["password"],
              password: {
                user: {
                  name: options.username,
                  domain: { name: options.userDomainName },
                  password: Redacted.value(options.password)
                }
              }
            },
            scope: { project: { name: options.projectName, domain: { name: options.projectDomainName } } }
          }
        }
      })
      if (answer.status === 401 || answer.status === 403) {
        return yield* new KeystoneAuthError({
          request: answer.request,
          status: answer.status,
          message: `user ${options.username} on project ${options.projectName} was refused: ${httpErrorOf(answer).message}`
        })
      }
      if (answer.status !== 201 && answer.status !== 200) return yield* httpErrorOf(answer)
      const token = headerOf(answer, "X-Subject-Token")
      if (Option.isNone(token)) {
        return yield* new OpenStackDecodeError({ request: answer.request, message: "no X-Subject-Token header" })
      }
      const body = answer.json
      const tokenBody = isRecord(body) && isRecord(body.token) ? body.token : undefined
      const expiresAtMs = typeof tokenBody?.expires_at === "string" ? Date.parse(tokenBody.expires_at) : Number.NaN
      if (tokenBody === undefined || Number.isNaN(expiresAtMs)) {
        return yield* new OpenStackDecodeError({ request: answer.request, message: "token.expires_at is missing" })
      }
      const endpoint = computeEndpointOf(tokenBody.catalog, options.endpointInterface, options.region)
      if (typeof endpoint !== "string") {
        return yield* new KeystoneAuthError({
          request: answer.request,
          status: answer.status,
          message: endpoint.missing
        })
      }
      return { token: Redacted.make(token.value), expiresAtMs, computeUrl: endpoint }
    }).pipe(
      Effect.retry({
        times: options.retries,
        schedule: Schedule.exponential("200 millis"),
        while: (error) => error._tag !== "KeystoneAuthError" && isTransient(error)
      })
    )

    const store = (session: KeystoneSession) => Ref.set(cached, Option.some(session)).pipe(Effect.as(session))

    const session = lock.withPermits(1)(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const current = yield* Ref.get(cached)
        if (Option.isSome(current) && current.value.expiresAtMs - options.renewMarginSec * 1000 > now) {
          return current.value
        }
        return yield* Effect.flatMap(issue, store)
      })
    )

    const renew = (stale: KeystoneSession) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const current = yield* Ref.get(cached)
          if (Option.isSome(current) && current.value.token !== stale.token) return current.value
          return yield* Effect.flatMap(issue, store)
        })
      )

    return { session, renew }
  })

export const KeystoneLive = (options: KeystoneOptions): Layer.Layer<Keystone, never, HttpClient.HttpClient> =>
  Layer.effect(Keystone, makeKeystone(options))
