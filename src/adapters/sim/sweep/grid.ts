/** Expands a sweep grid into its deterministic job list. */
import { createHash } from "node:crypto"
import type { ParamValue, SweepBlock, SweepGrid, SweepJob, VmOrderRef } from "./SweepJob.js"

/**
 * The key of a job: a hash of its policy, its parameters (sorted by name), its trace and, when it
 * is not the default, its VM order's content hash.
 */
export const jobKey = (
  policy: string,
  params: Readonly<Record<string, ParamValue>>,
  trace: string,
  vmOrder?: Pick<VmOrderRef, "sha256"> | undefined
): string => {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  const identity = vmOrder === undefined ? [policy, sorted, trace] : [policy, sorted, trace, vmOrder.sha256]
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 20)
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
 * always gives the same list, keys and indices. `vmOrders` gives the VM order of some traces.
 */
export const expandGrid = (
  grid: SweepGrid,
  vmOrders?: ReadonlyMap<string, VmOrderRef> | undefined
): ReadonlyArray<SweepJob> => {
  const blocks = gridBlocks(grid).map((block) => ({ policies: block.policies, combinations: combinations(block) }))
  const jobs: Array<SweepJob> = []
  for (const trace of grid.traces) {
    const vmOrder = vmOrders?.get(trace)
    for (const block of blocks) {
      for (const policy of block.policies) {
        for (const params of block.combinations) {
          const key = jobKey(policy, params, trace, vmOrder)
          jobs.push(
            vmOrder === undefined
              ? { key, index: jobs.length, policy, params, trace }
              : { key, index: jobs.length, policy, params, trace, vmOrder }
          )
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
