/** Expands a sweep grid into its deterministic job list. */
import { createHash } from "node:crypto"
import type { HostsFileRef, ParamValue, SweepBlock, SweepGrid, SweepJob, VmOrderRef } from "./SweepJob.js"

/**
 * The key of a job: a hash of its policy, its parameters (sorted by name), its trace and, when it
 * is not the default, its VM order's content hash, and, when it runs user algorithms, their
 * modules' content hashes (so edited code is run again, not reused), and, when its hosts come from
 * a hosts file, that file's content hash (so results on other machines are never taken for these).
 */
export const jobKey = (
  policy: string,
  params: Readonly<Record<string, ParamValue>>,
  trace: string,
  vmOrder?: Pick<VmOrderRef, "sha256"> | undefined,
  modules?: Readonly<Record<string, string>> | undefined,
  hostsFile?: Pick<HostsFileRef, "sha256"> | undefined,
  arrivals?: string | undefined
): string => {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  const identity: Array<unknown> =
    vmOrder === undefined ? [policy, sorted, trace] : [policy, sorted, trace, vmOrder.sha256]
  if (modules !== undefined)
    identity.push(
      Object.keys(modules)
        .sort()
        .map((ref) => [ref, modules[ref]])
    )
  if (hostsFile !== undefined) identity.push({ hosts_file: hostsFile.sha256 })
  if (arrivals !== undefined) identity.push({ arrivals })
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

const combinations = (block: SweepBlock): Array<Record<string, ParamValue>> => {
  let out: Array<Record<string, ParamValue>> = [{}]
  for (const name of Object.keys(block.parameters)) {
    const values = block.parameters[name] ?? []
    out = out.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value })))
  }
  return out
}

/** The grid's blocks: its own policies × parameters, then `also`. */
export const gridBlocks = (grid: SweepGrid): ReadonlyArray<SweepBlock> => [
  { policies: grid.policies, parameters: grid.parameters },
  ...(grid.also ?? [])
]

/** Every parameter name of the grid, in the order of first appearance. */
export const gridParameterNames = (grid: SweepGrid): ReadonlyArray<string> => [
  ...new Set(gridBlocks(grid).flatMap((block) => Object.keys(block.parameters)))
]

/**
 * Every combination, traces outermost, then the blocks (the grid's own, then `also`), then
 * policies, then parameters in the order given (the last one varying fastest). The same grid
 * always gives the same list, keys and indices. `vmOrders` gives the VM order of some traces;
 * `hostsFile` the data centre of every job when the grid's `hosts` is a file (a number of hosts
 * there is the `hosts` parameter of the jobs that name none, as `neat sim --hosts` is);
 * `arrivals` the synthetic arrivals of every job, every setting written out.
 */
export const expandGrid = (
  grid: SweepGrid,
  vmOrders?: ReadonlyMap<string, VmOrderRef> | undefined,
  resolved: { readonly hostsFile?: HostsFileRef | undefined; readonly arrivals?: string | undefined } = {}
): ReadonlyArray<SweepJob> => {
  const { hostsFile, arrivals } = resolved
  const hostCount = typeof grid.hosts === "number" ? grid.hosts : undefined
  const blocks = gridBlocks(grid).map((block) => ({
    policies: block.policies,
    combinations: combinations(block).map((params) =>
      hostCount === undefined || params.hosts !== undefined ? params : { hosts: hostCount, ...params }
    )
  }))
  const jobs: Array<SweepJob> = []
  for (const trace of grid.traces) {
    const vmOrder = vmOrders?.get(trace)
    for (const block of blocks) {
      for (const policy of block.policies) {
        for (const params of block.combinations) {
          const modules = modulesOf(grid.modules, params)
          const key = jobKey(policy, params, trace, vmOrder, modules, hostsFile, arrivals)
          jobs.push({
            key,
            index: jobs.length,
            policy,
            params,
            trace,
            ...(vmOrder === undefined ? {} : { vmOrder }),
            ...(modules === undefined ? {} : { modules }),
            ...(hostsFile === undefined ? {} : { hostsFile }),
            ...(arrivals === undefined ? {} : { arrivals })
          })
        }
      }
    }
  }
  return jobs
}

/** A trace's day: the last part of its path (`../planetlab/20110303/` → `20110303`). */
export const traceDay = (trace: string): string =>
  trace
    .split(/[\\/]/)
    .filter((part) => part !== "")
    .pop() ?? trace

/** A short label for a job, e.g. `cloudsim overload=lr:1.2 selection=mmt @ 20110303`. */
export const jobLabel = (job: SweepJob): string => {
  const params = Object.entries(job.params).map(([name, value]) => `${name}=${String(value)}`)
  return [job.policy, ...params, "@", traceDay(job.trace)].join(" ")
}
