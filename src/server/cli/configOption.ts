/** The `--config FILE` option every daemon command takes, and loading the configuration it names. */
import { Options } from "@effect/cli"
import type { FileSystem } from "@effect/platform"
import { type Effect, Option } from "effect"
import type { InvalidConfig } from "../config/InvalidConfig.js"
import { type AlgorithmValidator, loadNeatConfig, type NeatConfig } from "../config/NeatConfig.js"

export const configOption = Options.file("config").pipe(
  Options.withDescription(
    "neat.conf to read after Neat's defaults (config/neat.conf); NEAT_<OPTION> environment variables override both"
  ),
  Options.optional
)

/** Neat's defaults, then the file given with --config (if any), then the environment. */
export const loadCliConfig = (
  file: Option.Option<string>,
  validateAlgorithm?: AlgorithmValidator
): Effect.Effect<NeatConfig, InvalidConfig, FileSystem.FileSystem> =>
  loadNeatConfig({ configFile: Option.getOrUndefined(file), validateAlgorithm })
