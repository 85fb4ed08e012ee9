/**
 * The dashboard login's brake on guessing: a client (by address) that fails `maxFailures` times
 * within `windowMs` must wait until its oldest failure leaves the window before it may try again,
 * and is told how long (429 with Retry-After). A success clears its record. The memory is bounded:
 * past `maxClients`, expired records are dropped, then the oldest.
 */

/** Failed logins a client may make per window. */
export const loginFailuresPerMinute = 5

export class LoginThrottle {
  /** client → times of its failures within the window, oldest first. */
  private readonly failures = new Map<string, Array<number>>()

  constructor(
    readonly maxFailures: number = loginFailuresPerMinute,
    readonly windowMs: number = 60_000,
    readonly maxClients: number = 10_000
  ) {}

  /** Milliseconds before `client` may try again; 0 when it may try now. */
  waitMs(client: string, nowMs: number): number {
    const times = this.live(client, nowMs)
    if (times.length < this.maxFailures) return 0
    return times[times.length - this.maxFailures]! + this.windowMs - nowMs
  }

  failed(client: string, nowMs: number): void {
    const times = this.live(client, nowMs)
    times.push(nowMs)
    // Only the latest failures decide the wait.
    if (times.length > this.maxFailures) times.splice(0, times.length - this.maxFailures)
    this.failures.delete(client)
    this.failures.set(client, times)
    if (this.failures.size > this.maxClients) this.prune(nowMs)
  }

  succeeded(client: string): void {
    this.failures.delete(client)
  }

  get clients(): number {
    return this.failures.size
  }

  private live(client: string, nowMs: number): Array<number> {
    const times = this.failures.get(client) ?? []
    while (times.length > 0 && times[0]! + this.windowMs <= nowMs) times.shift()
    return times
  }

  private prune(nowMs: number): void {
    for (const [client, times] of this.failures) {
      if (times.length === 0 || times[times.length - 1]! + this.windowMs <= nowMs) this.failures.delete(client)
    }
    // Still full: the least recently failing clients go first (the map keeps insertion order).
    for (const client of this.failures.keys()) {
      if (this.failures.size <= this.maxClients) break
      this.failures.delete(client)
    }
  }
}
