/**
 * Checks the configured algorithms against the algorithm registry: the name must exist in the
 * option's family and the parameters must suit the algorithm. Pass it to loadNeatConfig so a bad
 * algorithm is reported with the other configuration problems, at start.
 */
import { Either } from "effect"
import { makeDetector, makePlacer, makeSelector } from "../../algorithms/registry.js"
import type { AlgorithmContext } from "../../algorithms/types.js"
import type { ConfigError } from "../../core/errors.js"
import type { AlgorithmValidator } from "./NeatConfig.js"

const reason = (error: ConfigError): string =>
  error.field === "algorithm" || error.field === "" ? error.message : `${error.field}: ${error.message}`

/** A validator building each algorithm with `ctx` (time step and expected migration time, seconds). */
export const registryAlgorithmValidator =
  (ctx: AlgorithmContext): AlgorithmValidator =>
  (role, spec) => {
    const made: Either.Either<unknown, ConfigError> =
      role === "underload" || role === "overload"
        ? makeDetector(role, spec.name, spec.params, ctx)
        : role === "selection"
          ? makeSelector(spec.name, spec.params, ctx)
          : makePlacer(spec.name, spec.params, ctx)
    return Either.mapLeft(made, reason)
  }
