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
}

/** VM v's CPU use at sample k. */
export const traceCpu = (trace: Trace, vm: number, sample: number): number =>
  trace.cpu[vm * trace.samples + sample] ?? 0
