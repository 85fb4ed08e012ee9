/**
 * Simulation options from loosely typed parameters (a sweep grid, a config file): `policy` and
 * `{ overload: "lr:1.2", selection: "mc", seed: 3, hosts: 800 }`. Every mistake is a ConfigError
 * naming the parameter.
 */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import { parseOverload } from "./parseOverload.js"
import {
  type CloudsimSelectionName,
  cloudsimSelectionNames,
  type PolicyName,
  policyNames,
  type SimulationOptions
} from "./SimulationOptions.js"
import type { Trace } from "./Trace.js"

/** Parameter names `simulationOptionsFromParams` understands. */
export const simulationParamNames: ReadonlyArray<string> = ["overload", "selection", "seed", "hosts"]

const positiveInteger = (field: string, value: string | number | boolean): Either.Either<number, ConfigError> => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN
  return Number.isInteger(n) && n > 0
    ? Either.right(n)
    : Either.left(new ConfigError({ field, message: `must be a positive integer, got ${String(value)}` }))
}

export const simulationOptionsFromParams = (
  policy: string,
  params: Readonly<Record<string, string | number | boolean>>,
  trace: Trace
): Either.Either<SimulationOptions, ConfigError> =>
  Either.gen(function* () {
    if (!policyNames.includes(policy as PolicyName)) {
      return yield* Either.left(
        new ConfigError({
          field: "policy",
          message: `unknown policy "${policy}": expected one of ${policyNames.join(", ")}`
        })
      )
    }
    for (const name of Object.keys(params)) {
      if (!simulationParamNames.includes(name)) {
        return yield* Either.left(
          new ConfigError({
            field: name,
            message: `unknown parameter: expected one of ${simulationParamNames.join(", ")}`
          })
        )
      }
    }
    const overload = params.overload === undefined ? undefined : yield* parseOverload(String(params.overload))
    const selectionText = params.selection === undefined ? undefined : String(params.selection).toLowerCase()
    if (selectionText !== undefined && !cloudsimSelectionNames.includes(selectionText as CloudsimSelectionName)) {
      return yield* Either.left(
        new ConfigError({
          field: "selection",
          message: `unknown selection "${selectionText}": expected one of ${cloudsimSelectionNames.join(", ")}`
        })
      )
    }
    const seed = params.seed === undefined ? undefined : yield* positiveInteger("seed", params.seed)
    const hosts = params.hosts === undefined ? undefined : yield* positiveInteger("hosts", params.hosts)
    return {
      trace,
      policy: policy as PolicyName,
      overload,
      selection: selectionText as CloudsimSelectionName | undefined,
      seed,
      hosts
    }
  })
