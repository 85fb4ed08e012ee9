/** Loading the configuration that `--config` names (configOption.ts). */
import { dirname, resolve } from "node:path"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import { preloadAlgorithmRefsLeniently } from "../../algorithms/catalogue/preload.js"
import type { InvalidConfig } from "../config/InvalidConfig.js"
import { type AlgorithmValidator, loadNeatConfig, type NeatConfig } from "../config/NeatConfig.js"
import { systemConfigFile } from "./configOption.js"

/**
 * Neat's defaults, then the file given with --config (else /etc/neat/neat.conf if present), then the
 * environment. A user's algorithm (`MODULE#EXPORT`) in an `algorithm_*_factory` option is loaded
 * first, a relative MODULE from the configuration file's folder; a module that cannot be loaded is
 * reported with the option, beside the file's other problems, by the validator.
 */
export const loadCliConfig = (
  file: Option.Option<string>,
  validateAlgorithm?: AlgorithmValidator
): Effect.Effect<NeatConfig, InvalidConfig, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const configFile = Option.isSome(file)
      ? file.value
      : (yield* fs.exists(systemConfigFile).pipe(Effect.orElseSucceed(() => false)))
        ? systemConfigFile
        : undefined
    // A first pass only gathers the algorithm names (whatever else is wrong) to load the user's modules.
    const named: Array<string> = []
    yield* Effect.either(
      loadNeatConfig({
        configFile,
        validateAlgorithm: (_, spec) => {
          named.push(spec.name)
          return Either.right(undefined)
        }
      })
    )
    yield* preloadAlgorithmRefsLeniently(named, configFile === undefined ? process.cwd() : dirname(resolve(configFile)))
    return yield* loadNeatConfig({ configFile, validateAlgorithm })
  })
