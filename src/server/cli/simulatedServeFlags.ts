/** The flags of `neat serve --mode sim`: the simulated data centre and its accelerated clock. */
import { Options } from "@effect/cli"
import { Option } from "effect"
import type { SimulatedServeSettings } from "../simulated/serveSimulated.js"

export const simulatedServeFlags = {
  hosts: Options.integer("hosts").pipe(
    Options.optional,
    Options.withDescription("--mode sim: number of simulated hosts (800, CloudSim's PlanetLab data centre)")
  ),
  stepSeconds: Options.float("step-seconds").pipe(
    Options.withPseudoName("SECONDS"),
    Options.optional,
    Options.withDescription("--mode sim: real seconds per simulated interval (0: as fast as possible; default 1)")
  ),
  intervals: Options.integer("intervals").pipe(
    Options.withPseudoName("N"),
    Options.optional,
    Options.withDescription("--mode sim: stop after N simulated intervals (default: at the end of the trace)")
  ),
  speedup: Options.float("speedup").pipe(
    Options.withPseudoName("FACTOR"),
    Options.optional,
    Options.withDescription("--mode sim: simulated seconds per real second (300 runs one PlanetLab interval a second)")
  )
}

/** The simulated run's settings from the parsed flags. */
export const simulatedServeSettings = (flags: {
  readonly trace: Option.Option<string>
  readonly hosts: Option.Option<number>
  readonly stepSeconds: Option.Option<number>
  readonly speedup: Option.Option<number>
  readonly intervals: Option.Option<number>
}): SimulatedServeSettings => ({
  trace: Option.getOrUndefined(flags.trace),
  hosts: Option.getOrUndefined(flags.hosts),
  stepSeconds: Option.getOrUndefined(flags.stepSeconds),
  speedup: Option.getOrUndefined(flags.speedup),
  intervals: Option.getOrUndefined(flags.intervals)
})
