/** The shapes of a parameter sweep: its grid, its jobs, and the runner that executes one job. */
import type { SampledTimeline } from "../report/sampledTimeline.js"
import type { SimulationMetrics } from "../SimulationResult.js"

/** A parameter value as given on the command line or in a grid file. */
export type ParamValue = string | number | boolean

/** Policies × parameter values: every combination is one configuration. */
export interface SweepBlock {
  /** Control policies, e.g. "cloudsim", "neat", "npa", "dvfs". */
  readonly policies: ReadonlyArray<string>
  /** Each parameter with the values to try, e.g. `{ overload: ["thr:0.8", "lr:1.2"], selection: ["mmt", "mc"] }`. */
  readonly parameters: Readonly<Record<string, ReadonlyArray<ParamValue>>>
}

/** Policies × parameter values × traces (plus further blocks on the same traces): every combination is one job. */
export interface SweepGrid extends SweepBlock {
  /** Trace specs (a PlanetLab day directory, a CSV file, a synthetic spec), one per trace day. */
  readonly traces: ReadonlyArray<string>
  /**
   * Further policy × parameter blocks run on the same traces after the first, for configurations
   * that are not one product (e.g. baselines without parameters: `[{ policies: ["npa", "dvfs"] }]`).
   */
  readonly also?: ReadonlyArray<SweepBlock> | undefined
  /** VM orders as given (`DIR` of `<day>.csv` files, or `DAY=FILE`), resolved per trace by `resolveVmOrders`. */
  readonly vmOrder?: ReadonlyArray<string> | undefined
  /** The content hash of each user algorithm module named in the parameters (`MODULE#EXPORT` → `sha256:…`). */
  readonly modules?: Readonly<Record<string, string>> | undefined
  /**
   * The hosts (`--hosts`): a number of CloudSim's G4/G5 hosts, the default of every job whose
   * parameters name no `hosts`, or a hosts file (`FILE.json`, `HostsFile.ts`), resolved by
   * `resolveHostsFile`. CloudSim's 800 hosts (or the `hosts` parameter) when absent.
   */
  readonly hosts?: number | string | undefined
  /**
   * VMs arriving and leaving during the run (`--arrivals rate=R,...`, as `neat sim` takes it), for
   * synthetic traces only; every VM lives the whole run when absent.
   */
  readonly arrivals?: string | undefined
}

/** The VM order a job's trace is numbered in (`--vm-order`), when it is not the default one. */
export interface VmOrderRef {
  /** The order file's name, recorded with the result. */
  readonly file: string
  /** The SHA-256 of its content, in hex: part of the job's key. */
  readonly sha256: string
  /**
   * Where the runner reads it. Not recorded (the same order may sit elsewhere on another
   * machine), so absent from results read back from a store or a sweep.json.
   */
  readonly path?: string | undefined
}

/** The hosts file a job's data centre is built from (`--hosts FILE.json`). */
export interface HostsFileRef {
  /** The file's name, recorded with the result. */
  readonly file: string
  /** The SHA-256 of its content, in hex: part of the job's key. */
  readonly sha256: string
  /** How many hosts it describes. */
  readonly hosts: number
  /** Where the runner reads it; not recorded, so absent from results read back from a store or a sweep.json. */
  readonly path?: string | undefined
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
  /** The trace's VM order; the default order (sorted file names) when absent. */
  readonly vmOrder?: VmOrderRef | undefined
  /** The user algorithm modules the job runs (`MODULE#EXPORT` → content hash), when it names any. */
  readonly modules?: Readonly<Record<string, string>> | undefined
  /** The hosts file of the data centre; CloudSim's G4/G5 hosts (`params.hosts` of them, 800 by default) when absent. */
  readonly hostsFile?: HostsFileRef | undefined
  /**
   * The synthetic workload's arrivals, every setting written out (`rate=40,lifetime=exponential,mean=6`,
   * `sweepArrivals.ts`); none (every VM there all along) when absent.
   */
  readonly arrivals?: string | undefined
}

/**
 * Runs one job and returns its metrics. It executes in a worker thread, so it is named by module
 * and export (`RunnerRef`), not passed as a function; the module may cache traces between jobs.
 */
export type SweepRunner = (job: SweepJob) => SweepRunnerOutput | Promise<SweepRunnerOutput>

/** A runner's metrics, optionally carrying the run's sampled timeline (for the report's mean timelines). */
export type SweepRunnerOutput = SimulationMetrics & { readonly timeline?: SampledTimeline | undefined }

/** Where a worker finds the runner: a module (file path or file: URL, .ts or .js) and the export's name. */
export interface RunnerRef {
  readonly module: string
  readonly exportName: string
}

/** A finished job as stored and exported. */
export interface SweepResult {
  readonly job: SweepJob
  readonly metrics: SimulationMetrics
  /** The run's sampled timeline, when its runner produced one (kept in the store and sweep.json). */
  readonly timeline?: SampledTimeline | undefined
}
