/** What CloudSim's host overload detectors read about a host. */
export class HostLoad {
  /** Host CPU capacity, MHz. */
  totalMips: number
  /** Current CPU demand of the VMs on the host, MHz (may exceed capacity). */
  requestedMips: number
  /**
   * Utilisation history rebuilt from the resident VMs' own histories, newest first, as fractions
   * of host capacity, with trailing zeros (the oldest end) cut: `history[0..historyLength)`.
   */
  readonly history: Float64Array
  historyLength: number
  /** Longest live migration of a resident VM, seconds. */
  maxMigrationSec: number
  /** Seconds between decisions. */
  intervalSec: number
  /** The host's index (for detectors that keep a state per host). */
  host: number
  /**
   * Whether this test is the host's decision of the round (the host as it is, at the start of a
   * round), whose returned state a stateful detector keeps; every other test (a re-test during
   * selection, the "after allocation" test of placement) is tentative.
   */
  commit: boolean

  constructor(capacity: number) {
    this.totalMips = 0
    this.requestedMips = 0
    this.history = new Float64Array(capacity)
    this.historyLength = 0
    this.maxMigrationSec = 0
    this.intervalSec = 300
    this.host = -1
    this.commit = false
  }
}

/** An empty load with room for `capacity` history values. */
export const makeHostLoad = (capacity: number): HostLoad => new HostLoad(capacity)

/** CloudSim's trimZeroTail: the length up to the last non-zero value, at least 1. */
export const trimmedLength = (values: Float64Array, length: number): number => {
  let i = length - 1
  while (i >= 0) {
    if (values[i--] !== 0) break
  }
  return i + 2
}
