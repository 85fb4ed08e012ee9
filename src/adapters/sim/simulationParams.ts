/**
 * Simulation options from loosely typed parameters (a sweep grid, a config file, the command line):
 * `policy` and `{ overload: "lr:1.2", selection: "mc", seed: 3, hosts: 800 }` (for the `cloudsim`
 * policy any catalogue detector or selection too: `overload: "mhod:0.2"`); for the `neat` policy, `underload`, `overload`, `selection` and `placement` are registry algorithms
 * `NAME[:NUMBER or :JSON]` ("mhod:0.2", "threshold:{\"threshold\":0.9}"). Every mistake is a
 * ConfigError naming the parameter.
 */
import { Either, Option } from "effect"
import { algorithmNames, findAlgorithm, makeDetector, makeSelector } from "../../algorithms/registry.js"
import { ConfigError } from "../../core/errors.js"
import { parseOverload } from "./parseOverload.js"
import {
  type NeatAlgorithmChoice,
  type NeatAlgorithmChoices,
  type NeatAlgorithmOption,
  parseNeatAlgorithm
} from "./policies/NeatAlgorithms.js"
import {
  type CloudsimOverloadName,
  type CloudsimSelectionName,
  cloudsimOverloadNames,
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

/**
 * CloudSim's own detectors with at most a number (`thr`, `lr:1.2`) take the `cloudsim` policy's
 * optimised path, bit for bit CloudSim's; any other name (`mhod`, `otf:0.2`, `thr:{"threshold":0.9}`,
 * a user's `MODULE#EXPORT`) is a catalogue algorithm.
 */
const isCloudsimOverload = (text: string): boolean => {
  const [name = "", param, ...rest] = text.trim().split(":")
  const numeric = param === undefined || param.trim() === "" || Number.isFinite(Number(param))
  return (
    rest.length === 0 && numeric && cloudsimOverloadNames.includes(name.trim().toLowerCase() as CloudsimOverloadName)
  )
}

/** CloudSim's own selections (`mmt`, `mu`, `mc`, `rs`) take the optimised path; any other name is a catalogue one. */
const isCloudsimSelection = (text: string): boolean =>
  cloudsimSelectionNames.includes(text.trim().toLowerCase() as CloudsimSelectionName)

/**
 * `NAME[:NUMBER|:JSON]` of a catalogue algorithm (`parseNeatAlgorithm`), its name checked first so
 * that a misspelt one is called unknown whatever follows it. References to a user's module
 * (`MODULE#EXPORT`) are left to the registry.
 */
const parseCatalogue = (
  option: "overload" | "selection",
  text: string
): Either.Either<NeatAlgorithmChoice, ConfigError> => {
  const name = text.trim().split(":")[0]!.trim()
  if (!name.includes("#") && findAlgorithm(name) === undefined && findAlgorithm(`${option}/${name}`) === undefined) {
    // CloudSim's own names are catalogue entries too, so one list names every choice.
    const known = algorithmNames
      .filter((known) => known.startsWith(`${option}/`))
      .map((known) => known.slice(option.length + 1))
    return Either.left(
      new ConfigError({
        field: option,
        message: `unknown ${option === "overload" ? "detector" : "selection"} "${name}": expected one of ${known.join(", ")}, or a MODULE#EXPORT of your own (neat algorithms lists them)`
      })
    )
  }
  return parseNeatAlgorithm(option, text)
}

/** A catalogue choice, built once to check its name and parameters up front (errors name the option). */
const checked = (
  option: "overload" | "selection",
  trace: Trace,
  choice: NeatAlgorithmChoice
): Either.Either<NeatAlgorithmChoice, ConfigError> => {
  const ctx = { timeStepSec: trace.intervalSec, migrationTimeSec: 0 }
  const failure =
    option === "overload"
      ? Either.getLeft(makeDetector("overload", choice.name, choice.params, ctx))
      : Either.getLeft(makeSelector(choice.name, choice.params, ctx))
  return Option.isSome(failure)
    ? Either.left(new ConfigError({ field: option, message: `${failure.value.field}: ${failure.value.message}` }))
    : Either.right(choice)
}

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
    const overloadText = params.overload === undefined ? undefined : String(params.overload)
    const ownOverload = overloadText !== undefined && isCloudsimOverload(overloadText)
    const overload = ownOverload ? yield* parseOverload(overloadText) : undefined
    const overloadAlgorithm =
      overloadText === undefined || ownOverload
        ? undefined
        : yield* checked("overload", trace, yield* parseCatalogue("overload", overloadText))
    const selectionText = params.selection === undefined ? undefined : String(params.selection)
    const ownSelection = selectionText !== undefined && isCloudsimSelection(selectionText)
    const selectionAlgorithm =
      selectionText === undefined || ownSelection
        ? undefined
        : yield* checked("selection", trace, yield* parseCatalogue("selection", selectionText))
    return {
      trace,
      policy: policy as PolicyName,
      overload,
      selection: ownSelection ? (selectionText.trim().toLowerCase() as CloudsimSelectionName) : undefined,
      overloadAlgorithm,
      selectionAlgorithm,
      seed,
      hosts
    }
  })
