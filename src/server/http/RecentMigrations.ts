/**
 * The end times of the migrations executed recently, which the cap on migrations per interval
 * counts. Times are kept oldest first, one entry per millisecond with its count, and dropped once
 * they leave the window, so that noting and counting cost O(1) however busy the server is. A
 * count is asked at the worker's clock, never earlier than a migration it noted as ended: what
 * has left the window then has left it for good.
 */
export class RecentMigrations {
  private times: Array<number> = []
  private counts: Array<number> = []
  private head = 0
  /** Sum of `counts` from `head` on. */
  private total = 0

  /** Notes `count` migrations that ended at `atMs`, keeping what a window of `windowSec` still counts. */
  add(count: number, atMs: number, windowSec: number): void {
    if (count <= 0) return
    // Clocks may step back: an older time goes to its place, so the list stays sorted.
    let at = this.times.length
    while (at > this.head && this.times[at - 1]! > atMs) at--
    if (at > this.head && this.times[at - 1] === atMs) this.counts[at - 1]! += count
    else {
      this.times.splice(at, 0, atMs)
      this.counts.splice(at, 0, count)
    }
    this.total += count
    this.prune(atMs, windowSec)
  }

  /** Migrations that ended within the `windowSec` seconds up to `nowMs`. */
  count(nowMs: number, windowSec: number): number {
    this.prune(nowMs, windowSec)
    // Ends after `nowMs` (a clock that stepped back) are not counted yet; normally there are none.
    let total = this.total
    for (let i = this.times.length - 1; i >= this.head && this.times[i]! > nowMs; i--) total -= this.counts[i]!
    return total
  }

  private prune(nowMs: number, windowSec: number): void {
    const horizon = nowMs - windowSec * 1000
    while (this.head < this.times.length && this.times[this.head]! <= horizon) {
      this.total -= this.counts[this.head]!
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.counts = this.counts.slice(this.head)
      this.head = 0
    }
  }
}
