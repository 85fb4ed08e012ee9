/** How a daemon's command settles each setting: a flag wins over neat.conf, which wins over the built-in default. */
import { Option } from "effect"
import type { NeatConfig } from "../config/NeatConfig.js"

/** A flag, else the configuration's value (when there is a configuration), else the built-in default. */
export const flagOrConfig = <A>(
  flag: Option.Option<A>,
  config: NeatConfig | undefined,
  fromConfig: (c: NeatConfig) => A,
  fallback: A
): A => Option.getOrElse(flag, () => (config === undefined ? fallback : fromConfig(config)))
