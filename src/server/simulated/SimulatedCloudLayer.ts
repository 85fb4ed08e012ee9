/**
 * The simulated cloud for the live commands (`neat serve --mode sim --trace SPEC`): a trace loaded
 * by spec (PlanetLab directory, CSV, `synthetic[:...]`), CloudSim's PlanetLab data centre, and Neat's
 * collector view of it (whole MHz, hosts' own use per interval).
 */
import { Effect, Layer } from "effect"
import type { VmType } from "../../adapters/sim/Datacenter.js"
import { makeNeatCloudView, type NeatCloudView } from "../../adapters/sim/policies/NeatCloudView.js"
import { makeSimCloud, type SimCloudControlApi } from "../../adapters/sim/SimCloud.js"
import type { Trace } from "../../adapters/sim/Trace.js"
import { loadTrace } from "../../adapters/sim/traces/loadTrace.js"
import { loadPlanetLab } from "../../adapters/sim/traces/planetLab.js"
import { Cloud } from "../../core/Cloud.js"
import { ConfigError, describeError } from "../../core/errors.js"

export interface SimulatedCloud {
  readonly trace: Trace
  readonly view: NeatCloudView
  readonly control: SimCloudControlApi
}

/**
 * Loads the trace and builds the simulated cloud; every problem is a ConfigError naming `trace` or
 * `hosts`. `vmTypes` replaces CloudSim's four PlanetLab VM types (one type: every VM alike).
 */
export const makeSimulatedCloud = (
  spec: string | undefined,
  hosts?: number | undefined,
  vmTypes?: ReadonlyArray<VmType> | undefined
): Effect.Effect<SimulatedCloud, ConfigError> =>
  Effect.gen(function* () {
    if (spec === undefined || spec.trim() === "") {
      return yield* new ConfigError({
        field: "trace",
        message: "the sim cloud needs --trace (a PlanetLab directory, a CSV file or synthetic[:vms=N,seed=S])"
      })
    }
    const trace = yield* loadTrace(spec, { planetLab: loadPlanetLab }).pipe(
      Effect.mapError((error) =>
        error._tag === "ConfigError" ? error : new ConfigError({ field: "trace", message: describeError(error) })
      )
    )
    const { cloud, control } = yield* makeSimCloud({ trace, hosts, vmTypes })
    return { trace, view: makeNeatCloudView(cloud, control), control }
  })

/** A `Cloud` layer over a simulated cloud whose clock is not driven (for commands that only read it). */
export const simulatedCloudLayer = (spec: string | undefined): Layer.Layer<Cloud, ConfigError> =>
  Layer.effect(
    Cloud,
    Effect.map(makeSimulatedCloud(spec), (simulated) => simulated.view.cloud)
  )
