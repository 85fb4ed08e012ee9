/**
 * A sweep's configurations: its results grouped by policy and parameters, each with one result per
 * trace day. The VM order is not part of a configuration (a day without an order file keeps the
 * default), but it is recorded in the configuration's `config`.
 */
import { Either } from "effect"
import { ConfigError } from "../../../../core/errors.js"
import { traceDay } from "../grid.js"
import type { ParamValue, SweepJob, SweepResult } from "../SweepJob.js"

export interface Configuration {
  readonly label: string
  readonly policy: string
  readonly params: Readonly<Record<string, ParamValue>>
  /**
   * `{ policy, ...params }`, plus `vm_order: { DAY: { file, sha256 } }` when some day ran in a given
   * order, `hosts_file: { file, sha256, hosts }` when the hosts came from a hosts file, and
   * `arrivals` when the synthetic workload's VMs came and went.
   */
  readonly config: Readonly<Record<string, unknown>>
  /** One result per trace, in the order they came. */
  readonly byTrace: ReadonlyMap<string, SweepResult>
}

/** `cloudsim overload=thr:0.8 selection=mmt`: the policy, then each parameter as NAME=VALUE. */
export const configurationLabel = (job: Pick<SweepJob, "policy" | "params">): string =>
  [job.policy, ...Object.entries(job.params).map(([name, value]) => `${name}=${String(value)}`)].join(" ")

const identity = (job: SweepJob): string =>
  JSON.stringify([
    job.policy,
    Object.keys(job.params)
      .sort()
      .map((name) => [name, job.params[name]])
  ])

/**
 * Groups results into configurations, in order of first appearance. Two results of one
 * configuration on one trace (a store holding runs in two VM orders) are refused.
 */
export const groupConfigurations = (
  results: ReadonlyArray<SweepResult>
): Either.Either<ReadonlyArray<Configuration>, ConfigError> => {
  const groups = new Map<string, { job: SweepJob; byTrace: Map<string, SweepResult> }>()
  for (const result of results) {
    const id = identity(result.job)
    let group = groups.get(id)
    if (group === undefined) {
      group = { job: result.job, byTrace: new Map() }
      groups.set(id, group)
    }
    const earlier = group.byTrace.get(result.job.trace)
    if (earlier !== undefined) {
      const order = (job: SweepJob) =>
        [
          job.vmOrder === undefined ? "the default VM order" : job.vmOrder.file,
          job.hostsFile === undefined ? "" : `, hosts ${job.hostsFile.file}`
        ].join("")
      return Either.left(
        new ConfigError({
          field: "results",
          message:
            `two results of '${configurationLabel(result.job)}' on ${result.job.trace} ` +
            `(${order(earlier.job)} and ${order(result.job)}); report from the sweep's sweep.json instead`
        })
      )
    }
    group.byTrace.set(result.job.trace, result)
  }
  return Either.right(
    [...groups.values()].map(({ job, byTrace }) => {
      const orders = [...byTrace.values()].flatMap(({ job: { trace, vmOrder } }) =>
        vmOrder === undefined ? [] : [[traceDay(trace), { file: vmOrder.file, sha256: vmOrder.sha256 }] as const]
      )
      const config: Record<string, unknown> = { policy: job.policy, ...job.params }
      if (orders.length > 0) config.vm_order = Object.fromEntries(orders)
      const hostsFile = [...byTrace.values()].find((result) => result.job.hostsFile !== undefined)?.job.hostsFile
      if (hostsFile !== undefined) {
        config.hosts_file = { file: hostsFile.file, sha256: hostsFile.sha256, hosts: hostsFile.hosts }
      }
      const arrivals = [...byTrace.values()].find((result) => result.job.arrivals !== undefined)?.job.arrivals
      if (arrivals !== undefined) config.arrivals = arrivals
      return { label: configurationLabel(job), policy: job.policy, params: job.params, config, byTrace }
    })
  )
}

/** Splits `NAME=VALUE NAME=VALUE` (whitespace between pairs). */
const parsePairs = (spec: string): ReadonlyArray<readonly [string, string]> | undefined => {
  const parts = spec.trim().split(/\s+/)
  const pairs = parts.map((part) => {
    const equals = part.indexOf("=")
    return equals <= 0 ? undefined : ([part.slice(0, equals), part.slice(equals + 1)] as const)
  })
  return pairs.every((pair) => pair !== undefined) ? pairs : undefined
}

/**
 * The baseline a `--baseline` names: a configuration's label exactly, or `NAME=VALUE` pairs
 * (`policy=` included, as in `--param`) that only one configuration has (when several do, the one
 * with no other parameter).
 */
export const findBaseline = (
  spec: string,
  configurations: ReadonlyArray<Configuration>
): Either.Either<Configuration, ConfigError> => {
  const fail = (message: string) => Either.left(new ConfigError({ field: "baseline", message, source: spec }))
  const known = () => {
    const labels = configurations.map((c) => `'${c.label}'`)
    return labels.length <= 8 ? labels.join(", ") : `${labels.slice(0, 8).join(", ")} and ${labels.length - 8} more`
  }
  const exact = configurations.find((c) => c.label === spec.trim())
  if (exact !== undefined) return Either.right(exact)
  const pairs = parsePairs(spec)
  if (pairs === undefined) return fail(`no configuration is labelled so; the configurations are ${known()}`)
  const matches = configurations.filter((c) =>
    pairs.every(([name, value]) =>
      name === "policy" ? c.policy === value : c.params[name] !== undefined && String(c.params[name]) === value
    )
  )
  const named = new Set(pairs.map(([name]) => name).filter((name) => name !== "policy"))
  const whole = matches.filter((c) => Object.keys(c.params).every((name) => named.has(name)))
  const [only] = matches.length === 1 ? matches : whole.length === 1 ? whole : []
  if (only !== undefined) return Either.right(only)
  if (matches.length === 0) return fail(`no configuration has these values; the configurations are ${known()}`)
  return fail(
    `${matches.length} configurations match (${matches
      .slice(0, 5)
      .map((c) => `'${c.label}'`)
      .join(", ")}${matches.length > 5 ? ", ..." : ""}); name more parameters`
  )
}
