/**
 * What the store recorded over a window of time, as the what-if reads it: the hosts, the CPU
 * samples of hosts and VMs, where each VM ran, the power changes and the migrations. Times are
 * epoch milliseconds, CPU in MHz, memory in MB. The replay records what its simulated collectors
 * see in the same shape (`replayWindow.ts`), so that one function (`windowResult.ts`) computes the
 * metrics of both sides.
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
  /**
   * The host's own CPU use (hypervisor overhead: its total minus its VMs'), as Neat's collector
   * writes `host_resource_usage`, oldest first. The host's total is this plus the use of the VMs
   * on it at the time (`windowResult.ts`).
   */
  readonly ownCpu: ReadonlyArray<TimedValue>
  /** Power changes within the window (1 active, 0 suspended), oldest first. */
  readonly states: ReadonlyArray<TimedValue>
}

/** A record of where a VM ran: a collector found it on `host`, or the global manager moved it there. */
export interface VmMove {
  readonly timeMs: number
  readonly host: string
  /**
   * A collector's placement counts from its instant on (it is written with the samples measured
   * there); a migration only after its instant (the samples of that instant were measured on the
   * source, before the decision).
   */
  readonly kind: "placement" | "migration"
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
   * recorded host); undefined when the store never recorded one. The replay starts from it.
   */
  readonly hostAtStart: string | undefined
  /** Every placement and migration before the window's end, oldest first (placement first on a tie). */
  readonly moves: ReadonlyArray<VmMove>
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
  /** Duration of one live migration, seconds (VM memory over the migration bandwidth), for PDM. */
  readonly migrationSec: number
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
  const found = indexAt(samples, timeMs)
  return found < 0 ? fallback : samples[found]!.value
}

/**
 * The sample in force at `timeMs` while its series goes on; `none` (0) before the first sample and
 * once the last one is an interval old or more (a VM deleted or ended, a collector stopped). A gap
 * between two samples keeps the older value.
 */
export const liveValueAt = (
  samples: ReadonlyArray<TimedValue>,
  timeMs: number,
  intervalMs: number,
  none = 0
): number => {
  const found = indexAt(samples, timeMs)
  if (found < 0) return none
  const sample = samples[found]!
  return found < samples.length - 1 || timeMs - sample.timeMs < intervalMs ? sample.value : none
}

const indexAt = (samples: ReadonlyArray<TimedValue>, timeMs: number): number => {
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
  return found
}

/** Orders moves by time, a placement before a migration of the same instant. */
export const byMoveTime = (a: VmMove, b: VmMove): number =>
  a.timeMs - b.timeMs || (a.kind === b.kind ? 0 : a.kind === "placement" ? -1 : 1)
