/**
 * The two ways a caller proves who it is to the global manager.
 *
 * - Neat's scheme: `username` and `password` parameters holding the SHA-1 hex digests of the
 *   configured admin user and password (what OpenStack Neat's local managers send).
 * - Signed requests: HMAC-SHA256 with a shared secret over the method, the path, the timestamp,
 *   the nonce and the body, sent in the `X-Neat-Timestamp`, `X-Neat-Nonce` and `X-Neat-Signature`
 *   headers (hex). A nonce is accepted once within the freshness window, so a replay is refused.
 *
 * Every comparison of secrets is constant-time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto"

export const timestampHeader = "x-neat-timestamp"
export const nonceHeader = "x-neat-nonce"
export const signatureHeader = "x-neat-signature"

/** Whether a request carries any of the signature headers (then it is checked as a signed request). */
export const hasSignatureHeaders = (headers: Readonly<Record<string, unknown>>): boolean =>
  headers[timestampHeader] !== undefined || headers[nonceHeader] !== undefined || headers[signatureHeader] !== undefined

/** SHA-1 hex digest of a UTF-8 string, as Neat hashes its admin credentials. */
export const sha1Hex = (text: string): string => createHash("sha1").update(text, "utf8").digest("hex")

/** Constant-time equality of two strings (different lengths compare unequal, also in constant time). */
export const constantTimeEqual = (a: string, b: string): boolean => {
  const left = createHash("sha256").update(a, "utf8").digest()
  const right = createHash("sha256").update(b, "utf8").digest()
  return timingSafeEqual(left, right) && a.length === b.length
}

/**
 * `constantTimeEqual` against a fixed secret, with the secret's digest computed once: each check
 * hashes only the candidate.
 */
export const constantTimeMatcher = (expected: string): ((candidate: string) => boolean) => {
  const digest = createHash("sha256").update(expected, "utf8").digest()
  return (candidate) =>
    timingSafeEqual(createHash("sha256").update(candidate, "utf8").digest(), digest) &&
    candidate.length === expected.length
}

/** The text that is signed: one field per line, the body last and verbatim. */
export const canonicalRequest = (
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: string
): string => `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${body}`

/** The hex HMAC-SHA256 signature of a request. */
export const signRequest = (
  secret: string,
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: string
): string =>
  createHmac("sha256", secret)
    .update(canonicalRequest(method, path, timestamp, nonce, body), "utf8")
    .digest("hex")

/** A fresh random nonce (128 bits, hex). */
export const newNonce = (): string => randomBytes(16).toString("hex")

/** The three headers of a signed request, for a client. `nowSec` is the current time in seconds. */
export const signedHeaders = (
  secret: string,
  method: string,
  path: string,
  body: string,
  nowSec: number,
  nonce: string = newNonce()
): Record<string, string> => {
  const timestamp = nowSec.toFixed(3)
  return {
    [timestampHeader]: timestamp,
    [nonceHeader]: nonce,
    [signatureHeader]: signRequest(secret, method, path, timestamp, nonce, body)
  }
}

/** Why a signed request was refused; `status` is the HTTP status to answer with. */
export interface SignatureRejection {
  readonly status: 401 | 403 | 412
  readonly message: string
  /** A short code for `/metrics` and the log. */
  readonly reason:
    | "missing_signature_headers"
    | "bad_timestamp"
    | "bad_nonce"
    | "bad_signature"
    | "stale"
    | "dated_ahead"
    | "replayed"
}

export interface SignedRequest {
  readonly method: string
  readonly path: string
  readonly body: string
  readonly headers: Readonly<Record<string, string | undefined>>
}

/**
 * Remembers the nonces of accepted requests until they leave the freshness window. Not thread-safe
 * by design: JavaScript runs one check at a time.
 */
export class NonceCache {
  private readonly expiries = new Map<string, number>()
  private nextPurgeSec = 0

  /** Records `nonce` until `expiresAtSec`; false when it is already known. */
  remember(nonce: string, nowSec: number, expiresAtSec: number): boolean {
    if (nowSec >= this.nextPurgeSec) {
      for (const [known, expiry] of this.expiries) if (expiry < nowSec) this.expiries.delete(known)
      this.nextPurgeSec = nowSec + 1
    }
    const known = this.expiries.get(nonce)
    if (known !== undefined && known >= nowSec) return false
    this.expiries.set(nonce, expiresAtSec)
    return true
  }

  get size(): number {
    return this.expiries.size
  }
}

const nonceShape = /^[A-Za-z0-9_-]{16,128}$/
const timestampShape = /^\d{1,12}(\.\d{1,6})?$/

/**
 * Verifies a signed request: all three headers present (401 otherwise), a well-formed timestamp
 * within `windowSec` of `nowSec` (412 otherwise), a valid signature and an unused nonce (403).
 * The nonce is remembered only once the signature is valid.
 */
export const verifySignedRequest = (
  request: SignedRequest,
  secret: string,
  nowSec: number,
  windowSec: number,
  nonces: NonceCache
): SignatureRejection | undefined => {
  const timestamp = request.headers[timestampHeader]
  const nonce = request.headers[nonceHeader]
  const signature = request.headers[signatureHeader]
  if (timestamp === undefined || nonce === undefined || signature === undefined) {
    return {
      status: 401,
      message: `a signed request needs the ${timestampHeader}, ${nonceHeader} and ${signatureHeader} headers`,
      reason: "missing_signature_headers"
    }
  }
  if (!timestampShape.test(timestamp))
    return { status: 403, message: `${timestampHeader} must be seconds since the epoch`, reason: "bad_timestamp" }
  if (!nonceShape.test(nonce))
    return { status: 403, message: `${nonceHeader} must be 16 to 128 characters [A-Za-z0-9_-]`, reason: "bad_nonce" }
  const expected = signRequest(secret, request.method, request.path, timestamp, nonce, request.body)
  if (!constantTimeEqual(expected, signature.toLowerCase()))
    return { status: 403, message: "the signature does not match", reason: "bad_signature" }
  const sentSec = Number(timestamp)
  if (sentSec + windowSec < nowSec) {
    return {
      status: 412,
      message: `the request was signed more than ${windowSec} s ago; retry with a fresh one`,
      reason: "stale"
    }
  }
  if (sentSec - windowSec > nowSec)
    return { status: 412, message: `the request is dated more than ${windowSec} s ahead`, reason: "dated_ahead" }
  if (!nonces.remember(nonce, nowSec, sentSec + windowSec)) {
    return { status: 403, message: "this nonce was already used: replayed request", reason: "replayed" }
  }
  return undefined
}
