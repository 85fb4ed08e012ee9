/**
 * CloudSim's host overload detectors (THR, IQR, MAD, LR, LRR) as catalogue `Detector`s, so that the
 * `neat` policy and the live stack can name them (`thr`, `iqr`, `mad`, `lr`, `lrr`).
 *
 * The detector reads the newest 30 values of the utilisation history it is given (CloudSim's
 * `PowerVm.HISTORY_LENGTH`), zeros at the oldest end cut as CloudSim cuts them; the newest value is
 * the utilisation compared with the threshold. LR's migration horizon is
 * `ceil(migrationTimeSec / timeStepSec)` intervals (CloudSim: the longest migration of the host's
 * VMs). Under the `cloudsim` policy these names with a plain number take CloudSim's own optimised
 * path instead (docs/simulation.md).
 */
import { Schema } from "effect"
import { NonNegativeNumber } from "../../schemaFields.js"
import { type NoState, noState } from "../../stateless.js"
import type { AlgorithmContext, Detector } from "../../types.js"
import { makeHostLoad, trimmedLength } from "../HostLoad.js"
import { cloudsimOverloadDetector } from "./OverloadDetector.js"

/** Values CloudSim keeps per VM, and so per host history. */
const cloudsimHistoryLength = 30

export const CloudsimThrParamsSchema = Schema.Struct({
  /** Overloaded when the newest utilisation is strictly above this fraction of capacity. */
  threshold: Schema.optionalWith(NonNegativeNumber, { default: () => 0.8 })
})

const safetyParams = (fallback: number) =>
  Schema.Struct({
    /** The safety parameter s (IQR, MAD: threshold 1 − s·spread; LR, LRR: forecast × s ≥ 1). */
    safety: Schema.optionalWith(NonNegativeNumber, { default: () => fallback })
  })

export const CloudsimIqrParamsSchema = safetyParams(1.5)
export const CloudsimMadParamsSchema = safetyParams(2.5)
export const CloudsimLrParamsSchema = safetyParams(1.2)

type CloudsimDetectorName = "thr" | "iqr" | "mad" | "lr" | "lrr"

const asDetector = (name: CloudsimDetectorName, param: number, ctx: AlgorithmContext): Detector<NoState> => {
  const detector = cloudsimOverloadDetector(name, param)
  const load = makeHostLoad(cloudsimHistoryLength)
  load.totalMips = 1
  load.intervalSec = ctx.timeStepSec
  load.maxMigrationSec = ctx.migrationTimeSec
  return {
    initialState: noState,
    decide: (utilization, state) => {
      const length = utilization.length
      if (length === 0) return [false, state]
      const n = Math.min(length, cloudsimHistoryLength)
      // Newest first, as CloudSim's host history.
      for (let i = 0; i < n; i++) load.history[i] = utilization[length - 1 - i]!
      load.historyLength = trimmedLength(load.history, n)
      load.requestedMips = utilization[length - 1]!
      return [detector.isOverloaded(load), state]
    }
  }
}

export const cloudsimThr = (params: typeof CloudsimThrParamsSchema.Type, ctx: AlgorithmContext) =>
  asDetector("thr", params.threshold, ctx)
export const cloudsimIqr = (params: typeof CloudsimIqrParamsSchema.Type, ctx: AlgorithmContext) =>
  asDetector("iqr", params.safety, ctx)
export const cloudsimMad = (params: typeof CloudsimMadParamsSchema.Type, ctx: AlgorithmContext) =>
  asDetector("mad", params.safety, ctx)
export const cloudsimLr = (params: typeof CloudsimLrParamsSchema.Type, ctx: AlgorithmContext) =>
  asDetector("lr", params.safety, ctx)
export const cloudsimLrr = (params: typeof CloudsimLrParamsSchema.Type, ctx: AlgorithmContext) =>
  asDetector("lrr", params.safety, ctx)
