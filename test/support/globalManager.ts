/** Starts a real global manager on 127.0.0.1 (a free port) over an in-memory cloud, for tests and benchmarks. */
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import type { VmPlacer } from "../../src/algorithms/types.js"
import { DecisionLog, type DecisionLogApi } from "../../src/core/control/DecisionLog.js"
import { Store } from "../../src/server/db/Store.js"
import { globalManagerLayer, serverPort } from "../../src/server/http/GlobalManager.js"
import { defaultGlobalManagerOptions, type GlobalManagerOptions } from "../../src/server/http/GlobalManagerOptions.js"
import { StoreDecisionLog } from "../../src/server/live/StoreDecisionLog.js"
import { bestFitDecreasing } from "./algorithms.js"
import { fourHostSetup } from "./cloudFixtures.js"
import { InMemoryCloud } from "./InMemoryCloud.js"

export interface RunningGlobalManager {
  readonly url: string
  readonly port: number
  readonly log: DecisionLogApi
  readonly close: () => Promise<void>
}

export const testSecret = "test-secret-0123456789"

export const testOptions: GlobalManagerOptions = {
  ...defaultGlobalManagerOptions,
  global_manager_host: "127.0.0.1",
  global_manager_port: 0,
  os_admin_user: "admin",
  os_admin_password: "s3cret",
  request_signing_secret: testSecret,
  data_collector_data_length: 10
}

export const startGlobalManager = async (
  cloud: InMemoryCloud,
  options: Partial<GlobalManagerOptions> = {},
  placer: VmPlacer = bestFitDecreasing(),
  logging: Layer.Layer<never> = Logger.minimumLogLevel(LogLevel.Error),
  decisionLog: Layer.Layer<DecisionLog> = DecisionLog.memory
): Promise<RunningGlobalManager> => {
  // Decisions are logged at info level (warnings for partial ones); tests and benchmarks read them
  // from the log instead, unless they pass their own logging.
  const layer = globalManagerLayer({ ...testOptions, ...options }, placer).pipe(
    Layer.provideMerge(Layer.merge(cloud.layer, decisionLog)),
    Layer.provide(logging)
  )
  const runtime = ManagedRuntime.make(layer)
  const port = await runtime.runPromise(serverPort)
  const log = await runtime.runPromise(DecisionLog)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () => runtime.dispose()
  }
}

/** Runs an Effect that reads the log (its services need no context). */
export const read = <A>(effect: Effect.Effect<A>): Promise<A> => Effect.runPromise(effect)

/**
 * The global manager over four in-memory hosts recording in the SQLite file `file` (quiet logs), as
 * the store-fault tests run it: their own connection to the same file can then hold its lock.
 */
export const sqliteGlobalManagerRuntime = (file: string) =>
  ManagedRuntime.make(
    globalManagerLayer(testOptions, bestFitDecreasing()).pipe(
      Layer.provideMerge(Layer.merge(new InMemoryCloud(fourHostSetup()).layer, StoreDecisionLog)),
      Layer.provide(Store.layer(`sqlite:///${file}`)),
      Layer.provide(Logger.minimumLogLevel(LogLevel.Error))
    )
  )
