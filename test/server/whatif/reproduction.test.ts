/**
 * What-if of the policy that actually ran, on its own recorded history, reproduces what happened.
 * `neat serve --mode sim` (its code, in process: `serveSimulated`, a real global manager on
 * 127.0.0.1, decisions and collector readings in a SQLite file) runs a stated number of intervals
 * of a synthetic trace with a given policy; then the what-if reads that history from the file and
 * replays the same algorithms over it. Both sides are measured by one definition (`windowResult`);
 * energy, SLATAH and migrations must agree within the tolerances below (docs/operations.md
 * explains them). Two policies: Neat's threshold detectors set to saturate a host now and then,
 * and Neat's defaults (last-n-average underload, MHOD overload, minimum migration time selection).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect, Either, Layer, Logger, LogLevel } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrationSeconds } from "../../../src/adapters/sim/Datacenter.js"
import { hpProLiantMl110G5 } from "../../../src/adapters/sim/PowerModel.js"
import { buildNeatAlgorithms, type NeatAlgorithmChoices } from "../../../src/adapters/sim/policies/NeatAlgorithms.js"
import { neatControlOptions } from "../../../src/adapters/sim/policies/NeatPolicy.js"
import { parseStoreConnection } from "../../../src/core/StoreConnection.js"
import { openDatabase } from "../../../src/server/db/openDatabase.js"
import { Store } from "../../../src/server/db/Store.js"
import { storePlanBookLayer } from "../../../src/server/db/StorePlanBook.js"
import { readTime } from "../../../src/server/db/storeQueries.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { serveSimulated } from "../../../src/server/simulated/serveSimulated.js"
import type { RecordedWindow } from "../../../src/server/whatif/RecordedWindow.js"
import { readRecordedWindow } from "../../../src/server/whatif/readRecordedWindow.js"
import { type Replay, replayWindow } from "../../../src/server/whatif/replayWindow.js"
import { windowResult } from "../../../src/server/whatif/windowResult.js"
import { testOptions } from "../../support/globalManager.js"

/**
 * The run: 40 PlanetLab hosts (HP ProLiant G4 and G5), 60 VMs of the synthetic trace all of one
 * type (1800 MHz, 870 MB: what-if assumes one size for every VM, as Neat's store keeps none),
 * 120 intervals of 300 s (10 hours): enough to consolidate and suspend hosts.
 */
const intervals = 120
const intervalSec = 300
const hosts = 40
const vm = { name: "alike", mhz: 1800, ramMb: 870, bandwidthMbps: 100 }
/** What the algorithms are told, as `serve --mode sim` tells its local managers (one VM size). */
const ctx = { timeStepSec: intervalSec, migrationTimeSec: migrationSeconds(vm.ramMb, 1000) }

/**
 * The stated tolerance (docs/operations.md, "Like with like"): energy within 0.5 %, SLATAH within
 * 0.5 percentage points, migrations within 5 % (at least 2). Measured on these runs: every
 * migration and power change at the same step, energy 0.003 % apart, SLATAH equal.
 */
const tolerance = { energy: 0.005, slatahPoints: 0.5, migrations: 0.05 }

const roots: Array<string> = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

/** Runs `serve --mode sim` with `choices`, reads its history back and replays the same policy on it. */
const runAndReplay = async (
  choices: NeatAlgorithmChoices
): Promise<{ readonly window: RecordedWindow; readonly replay: Replay }> => {
  const algorithms = Either.getOrThrow(buildNeatAlgorithms(choices, ctx))
  const root = await mkdtemp(join(tmpdir(), "neat-whatif-"))
  roots.push(root)
  const sqlConnection = `sqlite:///${join(root, "neat.db")}`
  await Effect.runPromise(
    serveSimulated(
      {
        ...testOptions,
        data_collector_data_length: neatControlOptions.vmHistoryLength,
        host_cpu_usable_by_vms: neatControlOptions.hostCpuUsableByVms
      },
      algorithms.placer,
      Layer.merge(StoreDecisionLog, storePlanBookLayer),
      Store.layer(sqlConnection),
      {
        trace: "synthetic:vms=60,seed=5,days=1",
        hosts,
        stepSeconds: 0,
        intervals,
        algorithms: choices,
        vmTypes: [vm]
      }
    ).pipe(Effect.provide(NodeContext.layer), Effect.provide(Logger.minimumLogLevel(LogLevel.Error)))
  )
  // The history from just before the first interval to just after the last.
  const window = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const db = yield* openDatabase(Either.getOrThrow(parseStoreConnection(sqlConnection)))
        const first = yield* Effect.promise(() =>
          db.selectFrom("vm_resource_usage").select("timestamp").orderBy("id").limit(1).executeTakeFirstOrThrow()
        )
        const startMs = readTime(first.timestamp).getTime() - intervalSec * 1000
        return yield* readRecordedWindow(db, startMs, startMs + (intervals + 1) * intervalSec * 1000, {
          intervalSec,
          power: hpProLiantMl110G5,
          vmCapacityMhz: vm.mhz,
          vmRamMb: vm.ramMb,
          migrationBandwidthMBps: 10
        })
      })
    )
  )
  return { window, replay: await Effect.runPromise(replayWindow(window, algorithms, neatControlOptions)) }
}

const expectReproduced = (window: RecordedWindow, replay: Replay) => {
  const recorded = windowResult(window).metrics
  const replayed = replay.result.metrics
  const report = JSON.stringify({ recorded, replayed })
  expect(Math.abs(replayed.energyKwh - recorded.energyKwh) / recorded.energyKwh, report).toBeLessThan(tolerance.energy)
  expect(Math.abs(replayed.slatahPct - recorded.slatahPct), report).toBeLessThan(tolerance.slatahPoints)
  expect(Math.abs(replayed.migrations - recorded.migrations), report).toBeLessThanOrEqual(
    Math.max(2, tolerance.migrations * recorded.migrations)
  )
  // The runs are not trivial: consolidated, hosts suspended.
  expect(recorded.migrations).toBeGreaterThan(20)
  expect(recorded.hostShutdowns).toBeGreaterThan(10)
  return recorded
}

describe("what-if of the policy that ran, on its own history: threshold detectors", () => {
  let run: { readonly window: RecordedWindow; readonly replay: Replay }
  beforeAll(async () => {
    run = await runAndReplay({
      underload: { name: "threshold", params: { threshold: 0.7 } },
      overload: { name: "threshold", params: { threshold: 0.95 } }
    })
  }, 300_000)

  it("reads the whole run from the store: every host, VM, interval and migration", () => {
    const { window } = run
    expect(window.hosts).toHaveLength(hosts)
    // VMs whose use is exactly 0 from the start end at once (CloudSim), unrecorded: the others.
    expect(window.vms.length).toBeGreaterThan(40)
    // One sample per VM and interval, stamped in simulated time, 300 s apart.
    const samples = window.vms.reduce(
      (longest, vm) => (vm.cpu.length > longest.length ? vm.cpu : longest),
      [] as RecordedWindow["vms"][number]["cpu"]
    )
    expect(samples).toHaveLength(intervals)
    expect(samples[1]!.timeMs - samples[0]!.timeMs).toBe(intervalSec * 1000)
    expect(window.migrations.length).toBeGreaterThan(10)
    expect(window.hosts.some((host) => host.states.some((state) => state.value === 0))).toBe(true)
  })

  it("reproduces energy, SLATAH and migrations within the stated tolerance", () => {
    const recorded = expectReproduced(run.window, run.replay)
    // A host saturated now and then: SLATAH is compared on something.
    expect(recorded.slatahPct).toBeGreaterThan(0)
  })
})

describe("what-if of the policy that ran, on its own history: Neat's defaults (MHOD)", () => {
  it("reproduces energy, SLATAH and migrations within the stated tolerance", async () => {
    const { window, replay } = await runAndReplay({})
    expectReproduced(window, replay)
  }, 300_000)
})
