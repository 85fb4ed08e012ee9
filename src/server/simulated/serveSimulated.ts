/**
 * `neat serve --mode sim`: the whole live stack on a simulated cloud with an accelerated clock.
 * The global manager (HTTP, as configured) drives the simulated cloud; one simulated interval passes
 * every `stepSeconds` real seconds, after which the simulated data collector writes each active
 * host's local files and the hosts' local managers (in process, Neat's default algorithms) send
 * their requests to the global manager. At the end of the trace the run's metrics are printed.
 *
 * The store records the run as it would a real cloud's, in simulated time (`simulatedClock.ts`):
 * the collectors' readings (`recordReadings.ts`), the decisions, migrations and power changes, each
 * interval n stamped anchor + n × interval, the anchor chosen so that the run's last planned
 * interval falls at the moment it started. `neat whatif` can then replay it.
 */
import { randomBytes } from "node:crypto"
import { FileSystem, type HttpServerError, type Path } from "@effect/platform"
import { Clock, Context, Effect, Layer } from "effect"
import type { VmType } from "../../adapters/sim/Datacenter.js"
import { formatMetricsTable } from "../../adapters/sim/formatMetrics.js"
import {
  buildNeatAlgorithms,
  type NeatAlgorithmChoice,
  type NeatAlgorithmChoices,
  neatDefaultAlgorithms
} from "../../adapters/sim/policies/NeatAlgorithms.js"
import { neatAlgorithmContext } from "../../adapters/sim/policies/NeatPolicy.js"
import type { VmPlacer } from "../../algorithms/types.js"
import { Cloud } from "../../core/Cloud.js"
import type { DecisionLog } from "../../core/control/DecisionLog.js"
import { ConfigError, describeError } from "../../core/errors.js"
import { Store } from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"
import { globalManagerLayer, serverPort } from "../http/GlobalManager.js"
import type { GlobalManagerOptions } from "../http/GlobalManagerOptions.js"
import { logListening } from "../http/listeningLog.js"
import { PlanBook } from "../http/PlanBook.js"
import { printReport } from "../logFormat.js"
import { makeReadingsRecorder } from "./recordReadings.js"
import { makeSimulatedCloud } from "./SimulatedCloudLayer.js"
import { runSimulatedStack } from "./SimulatedStack.js"
import { simulatedClock, storeOnClock } from "./simulatedClock.js"

export interface SimulatedServeSettings {
  /** Trace spec: a PlanetLab directory, a CSV file or `synthetic[:...]`. */
  readonly trace: string | undefined
  readonly hosts?: number | undefined
  /** Real seconds per simulated interval (0: as fast as possible). */
  readonly stepSeconds?: number | undefined
  /** Simulated seconds per real second; the interval over it gives `stepSeconds`. */
  readonly speedup?: number | undefined
  /** The local managers' algorithms (Neat's neat.conf defaults). */
  readonly algorithms?: NeatAlgorithmChoices | undefined
  /** The global manager's placement, as named, for the report of the run. */
  readonly placement?: NeatAlgorithmChoice | undefined
  /** Stop after this many intervals (default: at the end of the trace). */
  readonly intervals?: number | undefined
  /**
   * Whether the simulated collectors write their readings to the store (default true). A store in
   * memory ends with the run, and nothing could replay it: `serve` turns it off then, which saves
   * a few hundred milliseconds an interval with a thousand hosts.
   */
  readonly recordHistory?: boolean | undefined
  /** The VMs' types instead of CloudSim's PlanetLab four (a single type makes every VM alike). */
  readonly vmTypes?: ReadonlyArray<VmType> | undefined
}

/** The configuration of the run in one line, printed above its metrics. */
const describeConfiguration = (settings: SimulatedServeSettings, hosts: number): string => {
  const reference = (choice: NeatAlgorithmChoice | undefined) =>
    choice === undefined ? "default" : `${choice.name}:${JSON.stringify(choice.params)}`
  const local = settings.algorithms ?? {}
  return [
    `underload ${reference(local.underload ?? neatDefaultAlgorithms.underload)}`,
    `overload ${reference(local.overload ?? neatDefaultAlgorithms.overload)}`,
    `selection ${reference(local.selection ?? neatDefaultAlgorithms.selection)}`,
    `placement ${reference(settings.placement)}`,
    `hosts ${hosts}`,
    `trace ${settings.trace ?? ""}`
  ].join(", ")
}

/** Seconds between simulated intervals from `--step-seconds` or `--speedup` (default: one a second). */
export const stepSecondsOf = (
  settings: SimulatedServeSettings,
  intervalSec: number
): Effect.Effect<number, ConfigError> => {
  const { stepSeconds, speedup } = settings
  if (stepSeconds !== undefined && speedup !== undefined) {
    return Effect.fail(
      new ConfigError({ field: "step-seconds", message: "give --step-seconds or --speedup, not both" })
    )
  }
  if (stepSeconds !== undefined) {
    return Number.isFinite(stepSeconds) && stepSeconds >= 0
      ? Effect.succeed(stepSeconds)
      : Effect.fail(
          new ConfigError({ field: "step-seconds", message: `must be 0 or more seconds, got ${stepSeconds}` })
        )
  }
  if (speedup !== undefined) {
    return Number.isFinite(speedup) && speedup > 0
      ? Effect.succeed(intervalSec / speedup)
      : Effect.fail(new ConfigError({ field: "speedup", message: `must be a positive factor, got ${speedup}` }))
  }
  return Effect.succeed(1)
}

/** Where the in-process local managers reach the global manager. */
const connectHost = (listen: string): string =>
  listen === "0.0.0.0" || listen === "" ? "127.0.0.1" : listen === "::" ? "::1" : listen

/**
 * Runs the stack until the trace ends (or `settings.intervals`). `records` holds the decision log
 * and the recommended plans, over `store`, which they share with the simulated collectors.
 */
export const serveSimulated = (
  options: GlobalManagerOptions,
  placer: VmPlacer,
  records: Layer.Layer<DecisionLog | PlanBook, ConfigError | StoreError, Store>,
  store: Layer.Layer<Store, ConfigError | StoreError>,
  settings: SimulatedServeSettings
): Effect.Effect<void, ConfigError | StoreError | HttpServerError.ServeError, FileSystem.FileSystem | Path.Path> =>
  Effect.scoped(
    Effect.gen(function* () {
      const simulated = yield* makeSimulatedCloud(settings.trace, settings.hosts, settings.vmTypes)
      const stepSeconds = yield* stepSecondsOf(settings, simulated.trace.intervalSec)
      const intervals = settings.intervals
      if (intervals !== undefined && !(Number.isInteger(intervals) && intervals > 0)) {
        return yield* new ConfigError({ field: "intervals", message: `must be a positive integer, got ${intervals}` })
      }
      const intervalMs = simulated.trace.intervalSec * 1000
      const planned = Math.min(intervals ?? Number.POSITIVE_INFINITY, Math.max(0, simulated.trace.samples - 1))
      const anchorMs = (yield* Clock.currentTimeMillis) - planned * intervalMs
      const reads = simulated.control.reads
      const clock = simulatedClock(() => anchorMs + reads.updates() * intervalMs)
      const onSimulatedTime = storeOnClock(Context.get(yield* Layer.build(store), Store), clock)
      const recordsOnSimulatedTime = records.pipe(Layer.provide(Layer.succeed(Store, onSimulatedTime)))
      const algorithms = yield* buildNeatAlgorithms(
        settings.algorithms ?? {},
        neatAlgorithmContext(simulated.view.cloud, simulated.trace.intervalSec)
      )
      // The in-process local managers sign their requests; without a configured secret, one for this run.
      const secret = options.request_signing_secret ?? randomBytes(32).toString("hex")
      const managerOptions = { ...options, request_signing_secret: secret }
      const server = logListening({ tls: false, dashboard: options.dashboard_token !== undefined }).pipe(
        Layer.provideMerge(globalManagerLayer(managerOptions, placer, recordsOnSimulatedTime)),
        Layer.provideMerge(Layer.merge(Layer.succeed(Cloud, simulated.view.cloud), recordsOnSimulatedTime))
      )
      const context = yield* Layer.build(server)
      const port = yield* Effect.provide(serverPort, context)
      const fs = yield* FileSystem.FileSystem
      const dataDirectory = yield* fs
        .makeTempDirectoryScoped({ prefix: "neat-sim-" })
        .pipe(Effect.mapError((error) => new ConfigError({ field: "local_data_directory", message: error.message })))
      yield* Effect.logInfo(
        `simulated cloud: ${simulated.trace.names.length} VMs, one ${simulated.trace.intervalSec} s interval every ${stepSeconds} s`
      )
      // The window that replays the whole run: from the anchor (before the first interval) to just past the last.
      const iso = (ms: number) => new Date(ms).toISOString()
      const windowSec = ((planned + 1) * intervalMs) / 1000
      const recordHistory = settings.recordHistory ?? true
      yield* Effect.logInfo(
        "the store is in memory: the collectors' readings are not recorded (give --sql-connection to replay the run with neat whatif)"
      ).pipe(Effect.when(() => !recordHistory))
      yield* Effect.logInfo(
        `the store records the run in simulated time, interval n at ${iso(anchorMs)} + n × ${simulated.trace.intervalSec} s; ` +
          `replay it with neat whatif --since ${windowSec}s --until ${iso(anchorMs + windowSec * 1000)} ` +
          `(local_manager_interval = ${simulated.trace.intervalSec})`
      ).pipe(Effect.when(() => recordHistory))
      const report = yield* runSimulatedStack(simulated.view, {
        globalManager: {
          global_manager_host: connectHost(options.global_manager_host),
          global_manager_port: port,
          os_admin_user: options.os_admin_user,
          os_admin_password: options.os_admin_password,
          request_signing_secret: secret
        },
        algorithms,
        dataDirectory,
        historyLength: options.data_collector_data_length,
        stepSeconds,
        // The simulated intervals are the control intervals: each one's recommendations make one plan.
        onInterval: Context.get(context, PlanBook).beginInterval,
        maxSteps: intervals,
        record: recordHistory ? makeReadingsRecorder(onSimulatedTime) : undefined
      }).pipe(Effect.mapError((error) => new ConfigError({ field: "cloud", message: describeError(error) })))
      const result = yield* simulated.control.result
      yield* printReport(
        `${report.steps} intervals, ${report.requests} requests (${report.accepted} accepted)\n` +
          `${describeConfiguration(settings, result.metrics.hosts)}\n${formatMetricsTable(result.metrics)}`,
        { intervals: report.steps, requests: report.requests, accepted: report.accepted }
      )
    })
  )
