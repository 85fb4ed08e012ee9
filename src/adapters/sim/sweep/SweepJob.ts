/** The shapes of a parameter sweep: its grid, its jobs, and the runner that executes one job. */
import type { SimulationMetrics } from "../SimulationResult.js"

/** A parameter value as given on the command line or in a grid file. */
export type ParamValue = string | number | boolean

/** Policies × parameter values × traces: every combination is one job. */
export interface SweepGrid {
  /** Control policies, e.g. "cloudsim", "neat", "npa", "dvfs". */
  readonly policies: ReadonlyArray<string>
  /** Each parameter with the values to try, e.g. `{ overload: ["thr:0.8", "lr:1.2"], selection: ["mmt", "mc"] }`. */
  readonly parameters: Readonly<Record<string, ReadonlyArray<ParamValue>>>
  /** Trace specs (a PlanetLab day directory, a CSV file, a synthetic spec), one per trace day. */
  readonly traces: ReadonlyArray<string>
  /** The content hash of each user algorithm module named in the parameters (`MODULE#EXPORT` → `sha256:…`). */
  readonly modules?: Readonly<Record<string, string>> | undefined
}

/** One simulation to run. */
export interface SweepJob {
  /** Identifies the job by its content (policy, parameters, trace), whatever the grid around it. */
  readonly key: string
  /** Position in the whole grid's job list. */
  readonly index: number
  readonly policy: string
  readonly params: Readonly<Record<string, ParamValue>>
  readonly trace: string
  /** The user algorithm modules the job runs (`MODULE#EXPORT` → content hash), when it names any. */
  readonly modules?: Readonly<Record<string, string>> | undefined
}

/**
 * Runs one job and returns its metrics. It executes in a worker thread, so it is named by module
 * and export (`RunnerRef`), not passed as a function; the module may cache traces between jobs.
 */
export type SweepRunner = (job: SweepJob) => SimulationMetrics | Promise<SimulationMetrics>

/** Where a worker finds the runner: a module (file path or file: URL, .ts or .js) and the export's name. */
export interface RunnerRef {
  readonly module: string
  readonly exportName: string
}

/** A finished job as stored and exported. */
export interface SweepResult {
  readonly job: SweepJob
  readonly metrics: SimulationMetrics
}
