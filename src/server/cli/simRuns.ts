/**
 * The runs of one `neat sim`: a single run as before, every combination of repeated `--overload`
 * and `--selection` values on one trace, or every job of a sweep grid file (`--grid`), so that
 * algorithms can be compared on the same day in one report.
 */
import { Effect, Option } from "effect"
import { dayName } from "../../adapters/sim/report/sweepModel.js"
import { expandGrid } from "../../adapters/sim/sweep/grid.js"
import { readGridFile } from "../../adapters/sim/sweep/gridSpec.js"
import type { ParamValue } from "../../adapters/sim/sweep/SweepJob.js"
import { ConfigError, type InputError } from "../../core/errors.js"
import { DEFAULT_POLICY, DEFAULT_TRACE } from "./simDefaults.js"

export interface SimRun {
  /** E.g. `cloudsim lr:1.2 mmt` (from the options) or `cloudsim overload=lr:1.2 selection=mmt` (from a grid). */
  readonly label: string
  readonly policy: string
  readonly params: Readonly<Record<string, ParamValue>>
  readonly trace: string
  /** The trace's last path component, e.g. 20110303. */
  readonly day: string
}

export interface SimRunOptions {
  readonly trace: Option.Option<string>
  readonly vmOrder: Option.Option<string>
  readonly hosts: number
  readonly policy: Option.Option<string>
  readonly overload: ReadonlyArray<string>
  readonly selection: ReadonlyArray<string>
  readonly underload: Option.Option<string>
  readonly placement: Option.Option<string>
  readonly seed: Option.Option<number>
  readonly grid: Option.Option<string>
}

export { DEFAULT_POLICY, DEFAULT_TRACE } from "./simDefaults.js"

const repeatedOnce = (name: string, values: ReadonlyArray<string>): ConfigError | undefined => {
  const seen = new Set<string>()
  for (const value of values) {
    if (seen.has(value)) return new ConfigError({ field: name, message: `'${value}' given twice` })
    seen.add(value)
  }
  return undefined
}

const fromGrid = (
  file: string,
  options: SimRunOptions
): Effect.Effect<ReadonlyArray<SimRun>, ConfigError | InputError> =>
  Effect.gen(function* () {
    const given = [
      ["--trace", Option.isSome(options.trace)],
      ["--vm-order", Option.isSome(options.vmOrder)],
      ["--policy", Option.isSome(options.policy)],
      ["--overload", options.overload.length > 0],
      ["--selection", options.selection.length > 0],
      ["--underload", Option.isSome(options.underload)],
      ["--placement", Option.isSome(options.placement)],
      ["--seed", Option.isSome(options.seed)]
    ]
      .filter(([, present]) => present)
      .map(([name]) => name)
    if (given.length > 0) {
      return yield* new ConfigError({
        field: "grid",
        message: `the grid file names the policies, parameters and traces; drop ${given.join(", ")} (only --hosts applies as a default)`
      })
    }
    const grid = yield* readGridFile(file)
    return expandGrid(grid).map((job) => {
      const params = job.params.hosts === undefined ? { hosts: options.hosts, ...job.params } : job.params
      const label = [job.policy, ...Object.entries(job.params).map(([name, value]) => `${name}=${String(value)}`)].join(
        " "
      )
      return { label, policy: job.policy, params, trace: job.trace, day: dayName(job.trace) }
    })
  })

/** The runs the options ask for, in the order given (overloads outer, selections inner). */
export const planSimRuns = (options: SimRunOptions): Effect.Effect<ReadonlyArray<SimRun>, ConfigError | InputError> =>
  Effect.gen(function* () {
    if (Option.isSome(options.grid)) return yield* fromGrid(options.grid.value, options)
    const twice = repeatedOnce("overload", options.overload) ?? repeatedOnce("selection", options.selection)
    if (twice !== undefined) return yield* twice
    const policy = Option.getOrElse(options.policy, () => DEFAULT_POLICY)
    const trace = Option.getOrElse(options.trace, () => DEFAULT_TRACE)
    const overloads: ReadonlyArray<string | undefined> = options.overload.length > 0 ? options.overload : [undefined]
    const selections: ReadonlyArray<string | undefined> = options.selection.length > 0 ? options.selection : [undefined]
    const runs: Array<SimRun> = []
    for (const overload of overloads) {
      for (const selection of selections) {
        const params: Record<string, ParamValue> = { hosts: options.hosts }
        const chosen: Array<string> = []
        const set = (name: string, value: string | undefined) => {
          if (value === undefined) return
          params[name] = value
          chosen.push(value)
        }
        set("overload", overload)
        set("selection", selection)
        set("underload", Option.getOrUndefined(options.underload))
        if (Option.isSome(options.placement)) params.placement = options.placement.value
        if (Option.isSome(options.seed)) params.seed = options.seed.value
        const label = chosen.length === 0 ? policy : `${policy} ${chosen.join(" ")}`
        runs.push({ label, policy, params, trace, day: dayName(trace) })
      }
    }
    return runs
  })

/**
 * What produced a run, as every output states it: the policy, each algorithm as a reference
 * (`NAME[:PARAMS]`, the policy's default when none was given; null where the policy has none of
 * its own choosing: CloudSim's underload rule and placement, the baselines' fixed behaviour), the
 * seed, the hosts, the trace and the VM order (null: the trace's files in sorted order).
 */
export interface RunConfiguration {
  readonly policy: string
  readonly overload: string | null
  readonly selection: string | null
  readonly underload: string | null
  readonly placement: string | null
  readonly seed: number | null
  readonly hosts: number | null
  readonly trace: string
  readonly vm_order: string | null
}

const policyDefaults: Readonly<
  Record<string, Partial<Record<"overload" | "selection" | "underload" | "placement", string>>>
> = {
  cloudsim: { overload: "thr:0.8", selection: "mmt" },
  neat: {
    underload: "last_n_average_threshold",
    overload: "mhod",
    selection: "minimum_migration_time_max_cpu",
    placement: "best_fit_decreasing"
  }
}

export const runConfiguration = (run: SimRun, vmOrder: string | undefined): RunConfiguration => {
  const defaults = policyDefaults[run.policy] ?? {}
  const algorithm = (name: "overload" | "selection" | "underload" | "placement") => {
    const given = run.params[name]
    return given === undefined ? (defaults[name] ?? null) : String(given)
  }
  const number = (value: ParamValue | undefined) => (typeof value === "number" ? value : null)
  return {
    policy: run.policy,
    overload: algorithm("overload"),
    selection: algorithm("selection"),
    underload: algorithm("underload"),
    placement: algorithm("placement"),
    seed: number(run.params.seed),
    hosts: number(run.params.hosts),
    trace: run.trace,
    vm_order: vmOrder ?? null
  }
}

/** The configuration in one line, for the table: `policy cloudsim, overload lr:1.2, ...`. */
export const describeRunConfiguration = (configuration: RunConfiguration): string =>
  Object.entries(configuration)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key.replace("_", " ")} ${String(value)}`)
    .join(", ")
