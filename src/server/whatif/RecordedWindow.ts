/**
 * What the store recorded over a window of time, as the what-if replay reads it: the hosts, the
 * CPU samples of hosts and VMs, the power changes and the migrations. Times are epoch
 * milliseconds, CPU in MHz, memory in MB.
 */
import type { PowerTable } from "../../adapters/sim/PowerModel.js"

export interface TimedValue {
  readonly timeMs: number
  readonly value: number
}

export interface RecordedHost {
  readonly name: string
  /** Total CPU capacity, MHz (cores × MHz per core). */
  readonly cpuMhz: number
  readonly cores: number
  readonly ramMb: number
  /** Watts at 0 %, 10 %, ..., 100 % CPU, for the energy estimate. */
  readonly power: PowerTable
  /** Powered on when the window starts. */
  readonly activeAtStart: boolean
  /** Total CPU use samples (the collector's host rows), oldest first. */
  readonly cpu: ReadonlyArray<TimedValue>
  /** Power changes within the window (1 active, 0 suspended), oldest first. */
  readonly states: ReadonlyArray<TimedValue>
}

export interface RecordedVm {
  readonly uuid: string
  /** The VM's CPU capacity, MHz (its vCPUs × the host's MHz per core). */
  readonly capacityMhz: number
  readonly ramMb: number
  /** CPU use samples, oldest first. */
  readonly cpu: ReadonlyArray<TimedValue>
  /**
   * The host it ran on when the window started (for a VM first seen within the window, its first
   * recorded host); undefined when the store never recorded one.
   */
  readonly hostAtStart: string | undefined
}

export interface RecordedMigration {
  readonly vm: string
  /** Destination host. */
  readonly host: string
  readonly timeMs: number
}

export interface RecordedWindow {
  readonly startMs: number
  readonly endMs: number
  /** Seconds between decisions (the local managers' interval). */
  readonly intervalSec: number
  readonly hosts: ReadonlyArray<RecordedHost>
  readonly vms: ReadonlyArray<RecordedVm>
  readonly migrations: ReadonlyArray<RecordedMigration>
}

/** Decision steps in the window: one every `intervalSec`, from its start. */
export const stepsOf = (window: RecordedWindow): number =>
  Math.max(0, Math.floor((window.endMs - window.startMs) / (window.intervalSec * 1000)))

/**
 * The value in force at `timeMs`: the newest sample at or before it (samples sorted oldest first),
 * or `fallback` when there is none.
 */
export const valueAt = (samples: ReadonlyArray<TimedValue>, timeMs: number, fallback: number): number => {
  let low = 0
  let high = samples.length - 1
  let found = -1
  while (low <= high) {
    const mid = (low + high) >> 1
    if (samples[mid]!.timeMs <= timeMs) {
      found = mid
      low = mid + 1
    } else high = mid - 1
  }
  return found < 0 ? fallback : samples[found]!.value
}
