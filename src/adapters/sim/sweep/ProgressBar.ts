/**
 * Sweep progress on stderr: a bar redrawn in place on a terminal, or a plain line every 10 % when
 * the output is a file or a pipe (logs, Kubernetes pods).
 */

export interface ProgressStream {
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
  write(text: string): unknown
}

const clock = (seconds: number): string => {
  const whole = Math.max(0, Math.round(seconds))
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = whole % 60
  const mm = String(m).padStart(2, "0")
  const ss = String(s).padStart(2, "0")
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}

export class ProgressBar {
  private done = 0
  private failed = 0
  private lastDraw = 0
  private lastDecile = -1
  private readonly started: number

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => performance.now()
  ) {
    this.started = now()
  }

  /** One more job finished (or failed). */
  tick(failed = false): void {
    this.done++
    if (failed) this.failed++
    this.draw(this.done === this.total)
  }

  /** The status line, e.g. `[#####-----] 20/40 50% 1 failed 00:12 elapsed, ~00:12 left`. */
  line(width = 24): string {
    const fraction = this.total === 0 ? 1 : this.done / this.total
    const filled = Math.round(fraction * width)
    const elapsed = (this.now() - this.started) / 1000
    const left =
      this.done > 0 && this.done < this.total
        ? `, ~${clock((elapsed / this.done) * (this.total - this.done))} left`
        : ""
    const failures = this.failed > 0 ? ` ${this.failed} failed` : ""
    return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.done}/${this.total} ${Math.floor(fraction * 100)}%${failures} ${clock(elapsed)} elapsed${left}`
  }

  /** Draws the first state. */
  start(): void {
    this.draw(this.total === 0)
  }

  private draw(final: boolean): void {
    if (this.stream.isTTY === true) {
      const now = this.now()
      if (!final && now - this.lastDraw < 100) return
      this.lastDraw = now
      this.stream.write(`\r\x1b[2Ksweep ${this.line()}${final ? "\n" : ""}`)
      return
    }
    const decile = this.total === 0 ? 10 : Math.floor((this.done / this.total) * 10)
    if (decile === this.lastDecile && !final) return
    if (final && decile === this.lastDecile && this.done !== this.total) return
    this.lastDecile = decile
    this.stream.write(`sweep ${this.line()}\n`)
  }
}
