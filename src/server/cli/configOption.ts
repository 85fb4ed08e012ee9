/**
 * The `--config FILE` option every daemon command takes; loadCliConfig.ts loads the configuration
 * it names (apart, so that defining the option loads no configuration code).
 */
import { Options } from "@effect/cli"

/** Where OpenStack Neat looks for the operator's configuration. */
export const systemConfigFile = "/etc/neat/neat.conf"

export const configOption = Options.file("config").pipe(
  Options.withDescription(
    `neat.conf to read after Neat's defaults (config/neat.conf); without it, ${systemConfigFile} if present. NEAT_<OPTION> environment variables override both`
  ),
  Options.optional
)
