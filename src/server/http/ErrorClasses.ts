/**
 * The errors the global manager met, by class, each with how many and its latest messages, for
 * operators (the dashboard; `neat_errors_total{class}` in `/metrics`):
 * - `auth`: failed authentications (scheme, reason, client address, method and path);
 * - `cloud`: the cloud (Nova, libvirt, IPMI, the simulator) failed: a read, a migration, a wake, a suspend;
 * - `store`: the store could not record a decision;
 * - `placement`: the placement algorithm failed;
 * - `request`: a request was refused as malformed, conflicting or unknown (4xx other than auth);
 * - `server`: the manager answered 5xx (busy or failing store, unreachable cloud, a defect).
 */

export type ErrorClass = "auth" | "cloud" | "store" | "placement" | "request" | "server"

export const errorClasses: ReadonlyArray<ErrorClass> = ["auth", "cloud", "store", "placement", "request", "server"]

/** Latest messages kept per class. */
export const latestKept = 10

export interface ErrorEntry {
  readonly at_ms: number
  /** A short code: the HTTP error, the failed step, the auth scheme and reason. */
  readonly type: string
  readonly message: string
}

export interface ErrorClassView {
  readonly class: ErrorClass
  readonly count: number
  /** Newest first. */
  readonly latest: ReadonlyArray<ErrorEntry>
}

/** The class of an HTTP error answer that the answer's own source did not already record. */
export const httpErrorClass = (status: number): ErrorClass | undefined =>
  status === 401 || status === 403 || status === 429
    ? "auth"
    : status >= 500
      ? "server"
      : status >= 400
        ? "request"
        : undefined

/** The class of a failed decision step (`ServerMetrics`' error types). */
export const decisionErrorClass = (type: string): ErrorClass =>
  type === "placementError" ? "placement" : type === "unrecorded" ? "store" : "cloud"

export class ErrorClasses {
  private readonly counts = new Map<ErrorClass, number>()
  private readonly latest = new Map<ErrorClass, Array<ErrorEntry>>()

  /** Counts an error of `errorClass`; `message` (when given) joins its latest. */
  record(errorClass: ErrorClass, type: string, message: string | undefined, atMs: number): void {
    this.counts.set(errorClass, (this.counts.get(errorClass) ?? 0) + 1)
    if (message === undefined) return
    const entries = this.latest.get(errorClass) ?? []
    entries.unshift({ at_ms: atMs, type, message })
    if (entries.length > latestKept) entries.length = latestKept
    this.latest.set(errorClass, entries)
  }

  /** Every class met so far, in the order of `errorClasses`. */
  view(): ReadonlyArray<ErrorClassView> {
    return errorClasses
      .filter((errorClass) => (this.counts.get(errorClass) ?? 0) > 0)
      .map((errorClass) => ({
        class: errorClass,
        count: this.counts.get(errorClass) ?? 0,
        latest: [...(this.latest.get(errorClass) ?? [])]
      }))
  }
}
