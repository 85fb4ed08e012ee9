/**
 * What the `serve` and `local-manager` commands need from the rest of Neat: the algorithm
 * factories (the registry), the clouds they can drive, and the decision log. The command provides
 * the central store (`sql_connection`) to both. `defaultWiring` is what this build offers; tests
 * pass their own.
 */
import { Either, type Layer } from "effect"
import { makeDetector, makePlacer, makeSelector } from "../../algorithms/registry.js"
import type { AlgorithmContext, Detector, VmPlacer, VmSelector } from "../../algorithms/types.js"
import type { Cloud } from "../../core/Cloud.js"
import { DecisionLog } from "../../core/control/DecisionLog.js"
import { ConfigError } from "../../core/errors.js"
import type { NeatConfig } from "../config/NeatConfig.js"
import type { Store } from "../db/Store.js"
import { openStackCloud } from "../live/openStackCloud.js"
import { StoreDecisionLog } from "../live/StoreDecisionLog.js"
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
  /** `openstack` or `sim` (neat.conf's `mode`, `serve --mode`); test wirings add their own kinds. */
  readonly kind: string
  /** A trace for the simulated cloud. */
  readonly trace: string | undefined
  /** The loaded configuration (Neat's defaults, the operator's file, the environment). */
  readonly config: NeatConfig
}

/** A cloud built for a choice; it may use the central store, which the command provides. */
export type CloudLayer = Layer.Layer<Cloud, ConfigError, Store>

export interface Wiring {
  readonly algorithms: AlgorithmFactories
  /** The values `serve --mode` accepts; openstack and sim unless told. */
  readonly cloudModes?: ReadonlyArray<string>
  readonly cloud: (choice: CloudChoice) => Either.Either<CloudLayer, ConfigError>
  /** Where decisions, migrations and host states go; it may use the central store. */
  readonly decisionLog: Layer.Layer<DecisionLog, ConfigError, Store>
}

/**
 * The simulated cloud for `--mode sim`: the trace-driven simulator behind the `Cloud` interface,
 * with an accelerated clock. `choice.trace` names the trace, `choice.config` holds the
 * algorithms and intervals. Builds that include the simulator's cloud pass it to `makeDefaultWiring`.
 */
export type SimCloudFactory = (choice: CloudChoice) => Either.Either<CloudLayer, ConfigError>

/** Until the simulator's cloud is wired in, `--mode sim` is refused with a clear message. */
export const simCloudUnavailable: SimCloudFactory = () =>
  Either.left(new ConfigError({ field: "mode", message: "the simulated cloud (sim) is not part of this build" }))

/** This build's wiring: the algorithm registry, OpenStack or the simulator, decisions in the store. */
export const makeDefaultWiring = (simCloud: SimCloudFactory): Wiring => ({
  algorithms: { makeDetector, makeSelector, makePlacer },
  cloud: (choice) => {
    switch (choice.kind) {
      case "openstack":
        return Either.right(openStackCloud(choice.config))
      case "sim":
        return simCloud(choice)
      default:
        return Either.left(
          new ConfigError({ field: "mode", message: `unknown cloud "${choice.kind}"; expected openstack or sim` })
        )
    }
  },
  decisionLog: StoreDecisionLog
})

export const defaultWiring: Wiring = makeDefaultWiring((choice) => Either.right(simulatedCloudLayer(choice.trace)))

/** Decisions in memory, for tests and one-off runs that need no store. */
export const memoryDecisionLog: Layer.Layer<DecisionLog> = DecisionLog.memory
