/**
 * `--arrivals rate=R,...` for sweeps: the synthetic workload's VMs that come and go, as `neat sim
 * --arrivals` takes them (`traces/syntheticArrivals.ts`). Checked before anything runs (the spec,
 * and that every trace of the grid is the synthetic workload), then written out with every setting
 * (`rate=40,lifetime=exponential,mean=24`), so that two spellings of one model are one job key.
 */
import { Effect, Either } from "effect"
import { ConfigError } from "../../../core/errors.js"
import { parseArrivalsSpec, type SyntheticArrivals } from "../traces/syntheticArrivals.js"
import type { SweepGrid } from "./SweepJob.js"

/** Every setting of an arrival model, in `--arrivals`' own syntax. */
export const arrivalsText = (arrivals: SyntheticArrivals): string =>
  [
    `rate=${arrivals.ratePerHour}`,
    `lifetime=${arrivals.lifetime}`,
    `mean=${arrivals.meanHours}`,
    ...(arrivals.lifetime === "lognormal" ? [`sigma=${arrivals.sigma}`] : []),
    ...(arrivals.seed === undefined ? [] : [`seed=${arrivals.seed}`])
  ].join(",")

const isSynthetic = (trace: string): boolean => /^synthetic(:|$)/.test(trace.trim())

/** The grid's arrivals written out, or undefined when it has none; a ConfigError names a bad spec or trace. */
export const gridArrivals = (grid: SweepGrid): Effect.Effect<string | undefined, ConfigError> =>
  Effect.gen(function* () {
    if (grid.arrivals === undefined) return undefined
    const parsed = yield* parseArrivalsSpec(grid.arrivals)
    const other = grid.traces.find((trace) => !isSynthetic(trace))
    if (other !== undefined) {
      return yield* new ConfigError({
        field: "arrivals",
        message: "applies to the synthetic workload only (a data set's trace carries its own lifetimes)",
        source: other
      })
    }
    return arrivalsText(parsed)
  })

/** A job's arrivals, parsed back (they were checked when the sweep started). */
export const jobArrivals = (text: string | undefined): SyntheticArrivals | undefined => {
  if (text === undefined) return undefined
  const parsed = parseArrivalsSpec(text)
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right
}
