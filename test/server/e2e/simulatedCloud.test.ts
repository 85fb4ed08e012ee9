/**
 * The live stack on the simulated cloud: a real global manager (HTTP on 127.0.0.1, decisions in the
 * SQL store) plus a simulated data collector and a local manager per host, over a few hundred
 * accelerated intervals of a synthetic trace. VMs are consolidated, hosts suspended and woken,
 * every migration is in the store, and the decisions are exactly those of the simulator's `neat`
 * policy on the same trace and configuration; likewise with a user's placement and overload
 * detection, loaded from TypeScript modules outside src/.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect, Either, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { NeatAlgorithmChoices } from "../../../src/adapters/sim/policies/NeatAlgorithms.js"
import { makeNeatCloudView } from "../../../src/adapters/sim/policies/NeatCloudView.js"
import {
  neatAlgorithmsFor,
  neatControlOptions,
  neatHistoryLength,
  runNeatPolicy
} from "../../../src/adapters/sim/policies/NeatPolicy.js"
import { makeSimCloud } from "../../../src/adapters/sim/SimCloud.js"
import { syntheticTrace } from "../../../src/adapters/sim/traces/synthetic.js"
import { preloadAlgorithmRefs } from "../../../src/algorithms/catalogue/preload.js"
import { Cloud } from "../../../src/core/Cloud.js"
import type { RecordedDecision } from "../../../src/core/control/Decision.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { Store } from "../../../src/server/db/Store.js"
import { globalManagerLayer, serverPort } from "../../../src/server/http/GlobalManager.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { runSimulatedStack } from "../../../src/server/simulated/SimulatedStack.js"
import { testOptions, testSecret } from "../../support/globalManager.js"
import { writeUserModules } from "../../support/userModules.js"

const trace = Effect.runSync(syntheticTrace({ vms: 30, seed: 5, samples: 200 }))
const hosts = 16
/** Thresholds that make this workload overload hosts now and then, so that suspended hosts are woken. */
const choices: NeatAlgorithmChoices = {
  underload: { name: "threshold", params: { threshold: 0.6 } },
  overload: { name: "threshold", params: { threshold: 0.7 } }
}

/**
 * A decision without its timings. An underload request over HTTP carries no VM list (Neat's
 * protocol: the global manager takes the host's VMs), so only the host and reason are compared.
 * The migrations of one plan start together, so they are compared as a set (by VM): the global
 * manager lists the host's VMs in the cloud's order, which puts VMs that arrived during the round
 * in their order of arrival, `controlStep` in its snapshot's order.
 */
const summary = (decision: Pick<RecordedDecision, "request" | "status" | "outcome" | "plan" | "execution">) => ({
  request:
    decision.request.reason === "underload"
      ? { host: decision.request.host, reason: decision.request.reason }
      : decision.request,
  status: decision.status,
  outcome: decision.outcome,
  plan: { ...decision.plan, migrations: [...decision.plan.migrations].sort((a, b) => a.vm.localeCompare(b.vm)) },
  migrated: decision.execution.migrations.filter((m) => m._tag === "Migrated").length,
  suspended: decision.execution.suspended,
  woken: decision.execution.woken
})

const userModules = writeUserModules()
afterAll(() => userModules.remove())

/** Runs the live stack with `choices` and checks it against the simulator's neat policy. */
const liveMatchesSimulator = async (choices: NeatAlgorithmChoices, wakes = true) => {
  // The simulator's neat policy: the reference decisions and metrics.
  const reference: Array<ReturnType<typeof summary>> = []
  const simulated = runNeatPolicy({
    trace,
    hosts,
    algorithms: choices,
    onStep: (_, step) => {
      for (const decision of step.decisions) reference.push(summary(decision))
    }
  })

  // The live stack over an identical simulated cloud.
  const { cloud: sim, control } = await Effect.runPromise(makeSimCloud({ trace, hosts }))
  const view = makeNeatCloudView(sim, control)
  const algorithms = Either.getOrThrow(neatAlgorithmsFor(view.cloud, { trace, algorithms: choices }))
  const store = Store.layer(":memory:")
  const layer = globalManagerLayer(
    {
      ...testOptions,
      data_collector_data_length: neatControlOptions.vmHistoryLength,
      host_cpu_usable_by_vms: neatControlOptions.hostCpuUsableByVms
    },
    algorithms.placer
  ).pipe(
    Layer.provideMerge(
      Layer.mergeAll(Layer.succeed(Cloud, view.cloud), StoreDecisionLog.pipe(Layer.provideMerge(store)))
    ),
    Layer.provide(Logger.minimumLogLevel(LogLevel.Error))
  )
  const runtime = ManagedRuntime.make(layer)
  const root = await mkdtemp(join(tmpdir(), "neat-simulated-"))
  try {
    const port = await runtime.runPromise(serverPort)
    const report = await Effect.runPromise(
      runSimulatedStack(view, {
        globalManager: {
          global_manager_host: "127.0.0.1",
          global_manager_port: port,
          os_admin_user: testOptions.os_admin_user,
          os_admin_password: testOptions.os_admin_password,
          request_signing_secret: testSecret
        },
        algorithms,
        dataDirectory: root,
        historyLength: neatHistoryLength,
        stepSeconds: 0
      }).pipe(Effect.provide(NodeContext.layer))
    )
    expect(report.steps).toBe(trace.samples - 1)
    expect(report.rejected).toEqual([])
    expect(report.accepted).toBe(report.requests)

    const decisions = await runtime.runPromise(Effect.flatMap(DecisionLog, (log) => log.selectDecisions(100_000)))
    expect(decisions.map(summary)).toEqual(reference)

    // Consolidated: migrations, hosts suspended and woken again.
    const migrated = decisions.reduce(
      (n, d) => n + d.execution.migrations.filter((m) => m._tag === "Migrated").length,
      0
    )
    expect(migrated).toBeGreaterThan(10)
    expect(decisions.some((d) => d.execution.suspended.length > 0)).toBe(true)
    if (wakes) expect(decisions.some((d) => d.execution.woken.length > 0)).toBe(true)
    // Every migration is in the store's vm_migrations.
    const stored = await runtime.runPromise(Effect.flatMap(Store, (s) => s.countMigrations()))
    expect(stored).toBe(migrated)

    // The simulated data centre ends in the same state: same energy and migrations.
    const live = await Effect.runPromise(control.result)
    expect(live.metrics.migrations).toBe(simulated.metrics.migrations)
    expect(live.metrics.energyKwh).toBe(simulated.metrics.energyKwh)
    expect(live.metrics.hostShutdowns).toBe(simulated.metrics.hostShutdowns)
  } finally {
    await runtime.dispose()
    await rm(root, { recursive: true, force: true })
  }
}

describe("the live stack on a simulated cloud", () => {
  it("consolidates, records every migration in the store, and decides as neat sim does", async () => {
    await liveMatchesSimulator(choices)
  }, 180_000)

  it("runs a user's placement and overload detection as neat sim does", async () => {
    const placement = `${userModules.firstFit}#firstFit`
    const overload = `${userModules.thr}#thr`
    await Effect.runPromise(preloadAlgorithmRefs([placement, overload]))
    await liveMatchesSimulator(
      {
        ...choices,
        overload: { name: overload, params: { threshold: 0.7 } },
        placement: { name: placement, params: { cpu_threshold: 0.9 } }
      },
      false
    )
  }, 180_000)
})
