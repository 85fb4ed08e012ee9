/**
 * The memory that refuses a replayed Neat request. Neat's scheme has no nonce: a request is its
 * credentials, its time and its parameters, so the same bytes sent again within the freshness
 * window would be executed again. The digest of every accepted request is kept until its time
 * leaves the window (after which the request is refused as stale anyway).
 *
 * The memory is bounded: at `capacity` live digests (far beyond what a global manager executes in
 * one window), a new request is refused rather than an old digest forgotten, so a flood can delay
 * requests but never open the door to a replay.
 */
import { createHash } from "node:crypto"
import { Context, Layer } from "effect"
import type { NeatParams, NeatRejection } from "./NeatRequest.js"

/** What became of a request offered to the memory. */
export type Sighting = "first" | "replayed" | "full"

/** Live digests kept at most, by default: about 100 bytes each. */
export const defaultSeenCapacity = 100_000

/** The digest of a request's parameters (SHA-256 over each field, length-prefixed so fields cannot run together). */
export const neatRequestDigest = (params: NeatParams): string => {
  const hash = createHash("sha256")
  for (const value of [params.username, params.password, params.time, params.host, params.reason, params.vm_uuids]) {
    const text = value ?? ""
    hash.update(value === undefined ? "-" : `${text.length}:`, "utf8")
    hash.update(text, "utf8")
  }
  return hash.digest("base64")
}

export class SeenRequestMemory {
  private readonly expiries = new Map<string, number>()
  private nextPurgeSec = Number.NEGATIVE_INFINITY

  constructor(readonly capacity: number = defaultSeenCapacity) {}

  /** Records `digest` until `expiresAtSec`, unless it is already live (a replay) or the memory is full. */
  sight(digest: string, nowSec: number, expiresAtSec: number): Sighting {
    const known = this.expiries.get(digest)
    if (known !== undefined && known >= nowSec) return "replayed"
    if (nowSec >= this.nextPurgeSec || this.expiries.size >= this.capacity) this.purge(nowSec)
    if (this.expiries.size >= this.capacity) return "full"
    this.expiries.set(digest, expiresAtSec)
    return "first"
  }

  get size(): number {
    return this.expiries.size
  }

  private purge(nowSec: number): void {
    for (const [digest, expiry] of this.expiries) if (expiry < nowSec) this.expiries.delete(digest)
    this.nextPurgeSec = nowSec + 1
  }
}

/** The global manager's one memory, shared by the form fast path and the declared endpoint. */
export class SeenRequests extends Context.Tag("neat/SeenRequests")<SeenRequests, SeenRequestMemory>() {
  static readonly layer: Layer.Layer<SeenRequests> = Layer.sync(SeenRequests, () => new SeenRequestMemory())
}

/**
 * The refusal of a request the memory has already seen (409, not executed again), or of any new one
 * while it is full (503); undefined when the request is new. Call it only for an accepted request,
 * so that a forged one cannot fill the memory.
 */
export const refuseReplay = (
  memory: SeenRequestMemory,
  params: NeatParams,
  nowSec: number,
  windowSec: number
): NeatRejection | undefined => {
  const sentSec = Number(params.time)
  switch (memory.sight(neatRequestDigest(params), nowSec, sentSec + windowSec)) {
    case "first":
      return undefined
    case "replayed":
      return {
        status: 409,
        tag: "Conflict",
        message: "this request was already received (same credentials, time and parameters): a replay is not executed",
        authFailure: "replayed"
      }
    case "full":
      return {
        status: 503,
        tag: "ServiceUnavailable",
        message: `more than ${memory.capacity} requests within ${windowSec} s: retry in a moment`
      }
  }
}
