/**
 * What the `serve` and `local-manager` commands need from the rest of Neat: the algorithm
 * factories (the registry), the clouds they can drive, and the decision store. `defaultWiring` is
 * what this build offers; tests pass their own.
 */
import { Either, type Layer } from "effect"
import { makeDetector, makePlacer, makeSelector } from "../../algorithms/registry.js"
import type { AlgorithmContext, Detector, VmPlacer, VmSelector } from "../../algorithms/types.js"
import type { Cloud } from "../../core/Cloud.js"
import { DecisionLog } from "../../core/control/DecisionLog.js"
import { ConfigError } from "../../core/errors.js"
import { simulatedCloudLayer } from "../simulated/SimulatedCloudLayer.js"

/** The algorithm registry's factories (names as in the registry, or Neat's dotted factory names). */
export interface AlgorithmFactories {
  readonly makeDetector: (
    family: "underload" | "overload",
    name: string,
    params: unknown,
    ctx: AlgorithmContext
  ) => Either.Either<Detector, ConfigError>
  readonly makeSelector: (
    name: string,
    params: unknown,
    ctx: AlgorithmContext
  ) => Either.Either<VmSelector, ConfigError>
  readonly makePlacer: (name: string, params: unknown, ctx: AlgorithmContext) => Either.Either<VmPlacer, ConfigError>
}

export interface CloudChoice {
  /** `sim` for the simulator; adapters add their own kinds. */
  readonly kind: string
  /** A trace for the simulated cloud. */
  readonly trace: string | undefined
}

export interface Wiring {
  readonly algorithms: AlgorithmFactories
  readonly cloud: (choice: CloudChoice) => Either.Either<Layer.Layer<Cloud, ConfigError>, ConfigError>
  readonly decisionLog: Layer.Layer<DecisionLog, ConfigError>
}

/** This build's wiring: the algorithm registry; decisions kept in memory. */
export const defaultWiring: Wiring = {
  algorithms: { makeDetector, makeSelector, makePlacer },
  cloud: (choice) =>
    choice.kind === "sim"
      ? Either.right(simulatedCloudLayer(choice.trace))
      : Either.left(new ConfigError({ field: "cloud", message: `unknown cloud "${choice.kind}" (known: sim)` })),
  decisionLog: DecisionLog.memory
}

/** Parses an algorithm's JSON parameters, naming the option when they are not JSON. */
export const parseParams = (field: string, text: string): Either.Either<unknown, ConfigError> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (error) {
    return Either.left(
      new ConfigError({ field, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` })
    )
  }
}
