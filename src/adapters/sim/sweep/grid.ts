/** Expands a sweep grid into its deterministic job list. */
import { createHash } from "node:crypto"
import type { ParamValue, SweepGrid, SweepJob } from "./SweepJob.js"

/** The key of a job: a hash of its policy, its parameters (sorted by name) and its trace. */
export const jobKey = (policy: string, params: Readonly<Record<string, ParamValue>>, trace: string): string => {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  return createHash("sha256")
    .update(JSON.stringify([policy, sorted, trace]))
    .digest("hex")
    .slice(0, 20)
}

/**
 * Every combination, traces outermost, then policies, then parameters in the order given (the
 * last one varying fastest). The same grid always gives the same list, keys and indices.
 */
export const expandGrid = (grid: SweepGrid): ReadonlyArray<SweepJob> => {
  const names = Object.keys(grid.parameters)
  let combinations: Array<Record<string, ParamValue>> = [{}]
  for (const name of names) {
    const values = grid.parameters[name] ?? []
    combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value })))
  }
  const jobs: Array<SweepJob> = []
  for (const trace of grid.traces) {
    for (const policy of grid.policies) {
      for (const params of combinations) {
        jobs.push({ key: jobKey(policy, params, trace), index: jobs.length, policy, params, trace })
      }
    }
  }
  return jobs
}

/** A short label for a job, e.g. `cloudsim overload=lr:1.2 selection=mmt @ 20110303`. */
export const jobLabel = (job: SweepJob): string => {
  const params = Object.entries(job.params).map(([name, value]) => `${name}=${String(value)}`)
  const trace =
    job.trace
      .split(/[\\/]/)
      .filter((part) => part !== "")
      .pop() ?? job.trace
  return [job.policy, ...params, "@", trace].join(" ")
}
