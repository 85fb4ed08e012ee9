/** Expands a sweep grid into its deterministic job list. */
import { createHash } from "node:crypto"
import type { ParamValue, SweepGrid, SweepJob } from "./SweepJob.js"

/**
 * The key of a job: a hash of its policy, its parameters (sorted by name), its trace and, when it
 * runs user algorithms, their modules' content hashes (so edited code is run again, not reused).
 */
export const jobKey = (
  policy: string,
  params: Readonly<Record<string, ParamValue>>,
  trace: string,
  modules?: Readonly<Record<string, string>>
): string => {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  const identity: Array<unknown> = [policy, sorted, trace]
  if (modules !== undefined)
    identity.push(
      Object.keys(modules)
        .sort()
        .map((ref) => [ref, modules[ref]])
    )
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 20)
}

/** The user modules (of `grid.modules`) a job's parameters name, or undefined when none. */
const modulesOf = (
  modules: Readonly<Record<string, string>> | undefined,
  params: Readonly<Record<string, ParamValue>>
): Readonly<Record<string, string>> | undefined => {
  if (modules === undefined) return undefined
  const used: Record<string, string> = {}
  for (const value of Object.values(params)) {
    if (typeof value !== "string") continue
    for (const [ref, hash] of Object.entries(modules)) {
      if (value.trim() === ref || value.trim().startsWith(`${ref}:`)) used[ref] = hash
    }
  }
  return Object.keys(used).length === 0 ? undefined : used
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
        const modules = modulesOf(grid.modules, params)
        const key = jobKey(policy, params, trace, modules)
        jobs.push({ key, index: jobs.length, policy, params, trace, ...(modules === undefined ? {} : { modules }) })
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
