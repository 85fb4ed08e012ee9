/**
 * Neat's `PUT /` parameters checked in Neat's order (401 missing credentials, 403 wrong ones, 400
 * bad parameters, 412 stale or dated ahead), as a pure function: the Effect handler and the form
 * fast path both answer through it, so they cannot disagree. Replays are refused by
 * `SeenRequests`, which needs memory, after this check.
 */
import type { ReallocationReason, ReallocationRequest } from "../../core/control/ReallocationRequest.js"
import { reasonFromCode } from "../../core/control/ReallocationRequest.js"
import { constantTimeMatcher, sha1Hex } from "./RequestSigning.js"

/** The request's parameters as text (a form field, or a JSON value turned into text). */
export interface NeatParams {
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly time?: string | undefined
  readonly host?: string | undefined
  readonly reason?: string | undefined
  readonly vm_uuids?: string | undefined
}

/** Why an authentication failed, as counted in `/metrics` and logged (never a secret). */
export type NeatAuthFailure =
  | "neat_auth_disabled"
  | "missing_credentials"
  | "wrong_credentials"
  | "stale"
  | "dated_ahead"
  | "replayed"

/**
 * Why a request is refused: the HTTP status, the error's tag in the body, what was wrong, and, when
 * the refusal is an authentication failure, its reason.
 */
export interface NeatRejection {
  readonly status: 400 | 401 | 403 | 409 | 412 | 503
  readonly tag: "BadRequest" | "Unauthorized" | "Forbidden" | "Conflict" | "PreconditionFailed" | "ServiceUnavailable"
  readonly message: string
  readonly authFailure?: NeatAuthFailure | undefined
}

export interface NeatRequestChecks {
  /** Whether the request carried a valid signature (then credentials and `time` are not needed). */
  readonly signed: boolean
  /** Seconds since the epoch now. */
  readonly nowSec: number
}

export interface NeatAuthSettings {
  readonly os_admin_user: string
  readonly os_admin_password: string
  readonly neat_compatible_auth: boolean
  readonly request_freshness_window: number
}

const splitUuids = (value: string | undefined): Array<string> =>
  value === undefined
    ? []
    : value
        .split(",")
        .map((uuid) => uuid.trim())
        .filter((uuid) => uuid !== "")

const number = (value: string | undefined): number =>
  value === undefined || value.trim() === "" ? Number.NaN : Number(value)

/**
 * Seconds since the epoch as Neat's local managers send them (Python's `str(time.time())`): plain
 * decimal digits with an optional fraction. Hex, exponents, signs and NaN are refused, so a time
 * cannot be pushed out of range by its notation.
 */
const decimalSeconds = /^\d{1,12}(\.\d{1,9})?$/

const seconds = (value: string | undefined): number =>
  value !== undefined && decimalSeconds.test(value.trim()) ? Number(value.trim()) : Number.NaN

/**
 * The checker for one configuration: the SHA-1 digests Neat's local managers send are computed
 * once, and compared in constant time.
 */
export const neatRequestChecker = (settings: NeatAuthSettings) => {
  const userMatches = constantTimeMatcher(sha1Hex(settings.os_admin_user))
  const passwordMatches = constantTimeMatcher(sha1Hex(settings.os_admin_password))
  const window = settings.request_freshness_window
  return (params: NeatParams, checks: NeatRequestChecks): ReallocationRequest | NeatRejection => {
    if (!checks.signed) {
      if (!settings.neat_compatible_auth) {
        return {
          status: 401,
          tag: "Unauthorized",
          message: "Neat-compatible credentials are switched off on this server: sign the request",
          authFailure: "neat_auth_disabled"
        }
      }
      if (params.username === undefined || params.password === undefined) {
        return {
          status: 401,
          tag: "Unauthorized",
          message: "user credentials are missing: username and password",
          authFailure: "missing_credentials"
        }
      }
      // Both compared every time, so the answer's timing says nothing about which one was wrong.
      const userOk = userMatches(params.username.toLowerCase())
      const passwordOk = passwordMatches(params.password.toLowerCase())
      if (!(userOk && passwordOk)) {
        return {
          status: 403,
          tag: "Forbidden",
          message: "user credentials do not match the ones in the configuration (send SHA-1 hex digests)",
          authFailure: "wrong_credentials"
        }
      }
    }
    const reason: ReallocationReason | undefined = reasonFromCode(number(params.reason))
    if (reason === undefined)
      return { status: 400, tag: "BadRequest", message: "reason must be 0 (underload) or 1 (overload)" }
    const host = params.host
    if (host === undefined || host === "") return { status: 400, tag: "BadRequest", message: "host is required" }
    const time = seconds(params.time)
    if (!checks.signed && !Number.isFinite(time)) {
      return {
        status: 400,
        tag: "BadRequest",
        message: "time must be the sending time in seconds since the epoch, in decimal digits (e.g. 1733580000.25)"
      }
    }
    const vmUuids = splitUuids(params.vm_uuids)
    if (reason === "overload" && vmUuids.length === 0) {
      return { status: 400, tag: "BadRequest", message: "vm_uuids is required for an overload (comma-separated UUIDs)" }
    }
    if (!checks.signed && time + window < checks.nowSec) {
      return {
        status: 412,
        tag: "PreconditionFailed",
        message: `the request was sent more than ${window} s ago; the states of the hosts and VMs may have changed: retry`,
        authFailure: "stale"
      }
    }
    if (!checks.signed && time - window > checks.nowSec) {
      return {
        status: 412,
        tag: "PreconditionFailed",
        message: `the request is dated more than ${window} s ahead of this server's clock: check the sender's clock`,
        authFailure: "dated_ahead"
      }
    }
    return { host, reason, vmUuids }
  }
}

/** Whether the checker refused the request. */
export const isRejection = (result: ReallocationRequest | NeatRejection): result is NeatRejection => "status" in result
