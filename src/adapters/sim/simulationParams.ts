/**
 * Simulation options from loosely typed parameters (a sweep grid, a config file, the command line):
 * `policy` and `{ overload: "lr:1.2", selection: "mc", seed: 3, hosts: 800 }`; for the `neat`
 * policy, `underload`, `overload`, `selection` and `placement` are registry algorithms
 * `NAME[:NUMBER or :JSON]` ("mhod:0.2", "threshold:{\"threshold\":0.9}"). Every mistake is a
 * ConfigError naming the parameter.
 */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import { parseOverload } from "./parseOverload.js"
import { type NeatAlgorithmChoices, type NeatAlgorithmOption, parseNeatAlgorithm } from "./policies/NeatAlgorithms.js"
import {
  type CloudsimSelectionName,
  cloudsimSelectionNames,
  type PolicyName,
  policyNames,
  type SimulationOptions
} from "./SimulationOptions.js"
import type { Trace } from "./Trace.js"

/** Parameter names `simulationOptionsFromParams` understands. */
export const simulationParamNames: ReadonlyArray<string> = [
  "overload",
  "selection",
  "seed",
  "hosts",
  "underload",
  "placement"
]

const neatOptions: ReadonlyArray<NeatAlgorithmOption> = ["underload", "overload", "selection", "placement"]

/** The `neat` policy's algorithms from the parameters. */
const neatChoices = (
  params: Readonly<Record<string, string | number | boolean>>
): Either.Either<NeatAlgorithmChoices, ConfigError> =>
  Either.gen(function* () {
    const choices: { -readonly [K in NeatAlgorithmOption]?: NeatAlgorithmChoices[K] } = {}
    for (const option of neatOptions) {
      const value = params[option]
      if (value !== undefined) choices[option] = yield* parseNeatAlgorithm(option, String(value))
    }
    return choices
  })

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
    const seed = params.seed === undefined ? undefined : yield* positiveInteger("seed", params.seed)
    const hosts = params.hosts === undefined ? undefined : yield* positiveInteger("hosts", params.hosts)
    if (policy === "neat") {
      if (params.seed !== undefined) {
        return yield* Either.left(
          new ConfigError({ field: "seed", message: "the neat policy draws no random numbers" })
        )
      }
      return { trace, policy: "neat" as const, neat: yield* neatChoices(params), hosts }
    }
    for (const option of ["underload", "placement"] as const) {
      if (params[option] !== undefined) {
        return yield* Either.left(
          new ConfigError({ field: option, message: `only the neat policy takes it (policy is "${policy}")` })
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
    return {
      trace,
      policy: policy as PolicyName,
      overload,
      selection: selectionText as CloudsimSelectionName | undefined,
      seed,
      hosts
    }
  })
