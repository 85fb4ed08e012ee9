/** The migration time expressed in decision steps, as Neat's factories derive it. */
import { ConfigError } from "../../core/errors.js"
import type { AlgorithmContext } from "../types.js"

/**
 * `migrationTimeSec / timeStepSec`. Throws a ConfigError when the context cannot give a
 * meaningful ratio (Neat would divide by zero or compute with negative times).
 */
export const migrationTimeSteps = (ctx: AlgorithmContext): number => {
  if (!Number.isFinite(ctx.timeStepSec) || ctx.timeStepSec <= 0)
    throw new ConfigError({
      field: "time_step",
      message: `must be a positive number of seconds, got ${ctx.timeStepSec}`
    })
  if (!Number.isFinite(ctx.migrationTimeSec) || ctx.migrationTimeSec < 0)
    throw new ConfigError({
      field: "migration_time",
      message: `must be a non-negative number of seconds, got ${ctx.migrationTimeSec}`
    })
  return ctx.migrationTimeSec / ctx.timeStepSec
}
