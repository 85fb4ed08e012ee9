/**
 * A workload trace: the CPU demand of every VM at regular instants. Every trace format
 * (PlanetLab directories, CSV, the synthetic generator) loads into this one shape, which the
 * simulator reads in its hot loop.
 */
export interface Trace {
  /** One name per VM, in VM index order. */
  readonly names: ReadonlyArray<string>
  /** Seconds between two samples (300 for PlanetLab). */
  readonly intervalSec: number
  /** Samples per VM (288 for a PlanetLab day). */
  readonly samples: number
  /** `cpu[v * samples + k]`: VM v's CPU use at sample k, a fraction 0..1 of the VM's capacity. */
  readonly cpu: Float64Array
  /** Optional memory per VM, MB. */
  readonly ramMb?: Float64Array | undefined
  /**
   * Optional CPU capacity per VM, MIPS (a data set's own VM sizes: Azure's core buckets, a GWA
   * file's provisioned MHz). Absent: the simulator assigns its VM types as CloudSim does.
   */
  readonly vmMips?: Float64Array | undefined
  /**
   * Optional lifetimes, in samples: VM v exists from sample `arrival[v]` (inclusive) to sample
   * `departure[v]` (exclusive). Absent: every VM lives the whole run, as in PlanetLab.
   */
  readonly lifetimes?: TraceLifetimes | undefined
}

/** When each VM of a trace arrives and leaves, in samples (see `Trace.lifetimes`). */
export interface TraceLifetimes {
  readonly arrival: Int32Array
  readonly departure: Int32Array
}

/** VM v's CPU use at sample k. */
export const traceCpu = (trace: Trace, vm: number, sample: number): number =>
  trace.cpu[vm * trace.samples + sample] ?? 0
