/** Wiring for CLI tests: the test algorithms by name and one in-memory cloud. */
import { Either, Layer } from "effect"
import type { Detector } from "../../src/algorithms/types.js"
import { Cloud } from "../../src/core/Cloud.js"
import { DecisionLog } from "../../src/core/control/DecisionLog.js"
import { ConfigError } from "../../src/core/errors.js"
import type { Wiring } from "../../src/server/cli/wiring.js"
import { bestFitDecreasing, busiestVm, overloadAbove, underloadBelow } from "./algorithms.js"
import type { InMemoryCloud } from "./InMemoryCloud.js"

const threshold = (params: unknown): number =>
  typeof params === "object" && params !== null && "threshold" in params && typeof params.threshold === "number"
    ? params.threshold
    : 0.5

export const testWiring = (cloud: InMemoryCloud): Wiring => ({
  algorithms: {
    makeDetector: (family, name, params): Either.Either<Detector, ConfigError> =>
      name === "test/threshold"
        ? Either.right(family === "underload" ? underloadBelow(threshold(params)) : overloadAbove(threshold(params)))
        : Either.left(new ConfigError({ field: `algorithm_${family}_detection_factory`, message: `unknown: ${name}` })),
    makeSelector: (name) =>
      name === "test/busiest"
        ? Either.right(busiestVm)
        : Either.left(new ConfigError({ field: "algorithm_vm_selection_factory", message: `unknown: ${name}` })),
    makePlacer: (name) =>
      name === "test/bfd"
        ? Either.right(bestFitDecreasing())
        : Either.left(new ConfigError({ field: "algorithm_vm_placement_factory", message: `unknown: ${name}` }))
  },
  cloud: (choice) =>
    choice.kind === "memory"
      ? Either.right(Layer.succeed(Cloud, cloud.api))
      : Either.left(new ConfigError({ field: "mode", message: `unknown cloud "${choice.kind}"` })),
  cloudModes: ["openstack", "sim", "memory"],
  decisionLog: DecisionLog.memory
})

/** `neat local-manager` flags choosing the test algorithms: underloaded below 0.2, overloaded above 0.9, the busiest VM goes. */
export const testLocalManagerAlgorithmFlags: ReadonlyArray<string> = [
  "--underload",
  'test/threshold:{"threshold": 0.2}',
  "--overload",
  'test/threshold:{"threshold": 0.9}',
  "--selection",
  "test/busiest"
]
