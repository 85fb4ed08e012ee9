/**
 * The `cloudsim` policy runs any catalogue algorithm: a user's THR and MMT, written outside `src/`
 * against the public algorithm types, give exactly the metrics of CloudSim's own on a PlanetLab
 * day (CloudSim's VM order), and Neat's OTF and MHOD run there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { runSimulation } from "../../../../src/adapters/sim/runSimulation.js"
import type { SimulationMetrics } from "../../../../src/adapters/sim/SimulationResult.js"
import { simulationOptionsFromParams } from "../../../../src/adapters/sim/simulationParams.js"
import type { Trace } from "../../../../src/adapters/sim/Trace.js"
import { readPlanetLabTrace } from "../../../../src/adapters/sim/traces/planetLab.js"
import { parseVmOrder } from "../../../../src/adapters/sim/traces/vmOrder.js"
import { preloadAlgorithmRefs } from "../../../../src/algorithms/catalogue/preload.js"
import type { Detector, VmSelector } from "../../../../src/algorithms/types.js"
import { InputError } from "../../../../src/core/errors.js"
import { projectRoot } from "../../../support/projectRoot.js"
import { describeWithRequirement, sharedMaterial } from "../../../support/requirement.js"
import { writeUserModules } from "../../../support/userModules.js"

const material = sharedMaterial("traces/planetlab/20110303", "reference/cloudsim-file-order-20110303.csv")

const typesPath = resolve(projectRoot, "src/algorithms/types.ts")

/** A user's THR: overloaded when the newest utilisation exceeds the threshold. */
const userThr = `
import type { AlgorithmContext, Detector } from ${JSON.stringify(typesPath)}

export const thr = (params: { threshold: number }, _ctx: AlgorithmContext): Detector<null> => ({
  initialState: null,
  decide: (utilization, state) => [utilization[utilization.length - 1]! > params.threshold, state]
})
`

/** A user's MMT: the VM with the least memory, the first of equals. */
const userMmt = `
import type { AlgorithmContext, VmSelector } from ${JSON.stringify(typesPath)}

export const mmt = (_params: unknown, _ctx: AlgorithmContext): VmSelector<null> => ({
  initialState: null,
  select: (vms, state) => {
    let best: { uuid: string; ramMb: number } | undefined
    for (const vm of vms) if (best === undefined || vm.ramMb < best.ramMb) best = vm
    return [best === undefined ? [] : [best.uuid], state]
  }
})
`

type Factory<A> = (params: unknown, ctx: { timeStepSec: number; migrationTimeSec: number }) => A

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

/** Every metric but the run's own duration. */
const comparable = (metrics: SimulationMetrics): Record<string, unknown> => {
  const { wallSeconds: _, ...rest } = metrics as SimulationMetrics & { wallSeconds?: number }
  return rest
}

describeWithRequirement(
  "the cloudsim policy with catalogue algorithms, day 20110303",
  material,
  ([dayDir, orderCsv]) => {
    let trace: Trace
    let dir: string
    let thr: Factory<Detector>
    let mmt: Factory<VmSelector>

    beforeAll(async () => {
      const order = parseVmOrder(readFileSync(orderCsv, "utf8"), orderCsv)
      if (Either.isLeft(order)) throw new Error(order.left.message)
      const loaded = readPlanetLabTrace(dayDir, { order: order.right })
      if (loaded instanceof InputError) throw new Error(loaded.message)
      trace = loaded
      dir = mkdtempSync(join(tmpdir(), "neat-user-algorithms-"))
      writeFileSync(join(dir, "thr.ts"), userThr)
      writeFileSync(join(dir, "mmt.ts"), userMmt)
      thr = (await import(pathToFileURL(join(dir, "thr.ts")).href)).thr
      mmt = (await import(pathToFileURL(join(dir, "mmt.ts")).href)).mmt
    })

    afterAll(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    })

    it("a user's THR gives exactly the metrics of CloudSim's THR 0.8 (MMT)", () => {
      const builtIn = runSimulation({ trace, overload: { name: "thr", param: 0.8 }, selection: "mmt" }).metrics
      const user = runSimulation({
        trace,
        overloadAlgorithm: { built: thr({ threshold: 0.8 }, ctx), label: "user thr" },
        selection: "mmt"
      }).metrics
      expect(builtIn.migrations).toBe(27728)
      expect(comparable(user)).toEqual(comparable(builtIn))
    })

    it("a user's MMT gives exactly the metrics of CloudSim's MMT (LR 1.2, which re-tests after each removal)", () => {
      const builtIn = runSimulation({ trace, overload: { name: "lr", param: 1.2 }, selection: "mmt" }).metrics
      const user = runSimulation({
        trace,
        overload: { name: "lr", param: 1.2 },
        selectionAlgorithm: { built: mmt({}, ctx), label: "user mmt" }
      }).metrics
      expect(builtIn.migrations).toBe(27649)
      expect(comparable(user)).toEqual(comparable(builtIn))
    })

    it("both together match CloudSim's THR-MMT-1.0 (hosts filled to the brim)", () => {
      const builtIn = runSimulation({ trace, overload: { name: "thr", param: 1 }, selection: "mmt" }).metrics
      const user = runSimulation({
        trace,
        overloadAlgorithm: { built: thr({ threshold: 1 }, ctx), label: "user thr" },
        selectionAlgorithm: { built: mmt({}, ctx), label: "user mmt" }
      }).metrics
      expect(builtIn.migrations).toBe(47987)
      expect(comparable(user)).toEqual(comparable(builtIn))
    })

    it("MODULE#EXPORT references importing neat/algorithms, as a user names them, give CloudSim's THR-MMT-0.8 and LR-MMT-1.2", async () => {
      const modules = writeUserModules()
      try {
        const thrRef = `${modules.thr}#thr`
        const mmtRef = `${modules.mmt}#mmt`
        await Effect.runPromise(preloadAlgorithmRefs([thrRef, mmtRef]))
        const run = (params: Record<string, string>) => {
          const options = simulationOptionsFromParams("cloudsim", params, trace)
          if (Either.isLeft(options)) throw new Error(options.left.message)
          return comparable(runSimulation(options.right).metrics)
        }
        expect(run({ overload: `${thrRef}:0.8`, selection: mmtRef })).toEqual(
          run({ overload: "thr:0.8", selection: "mmt" })
        )
        expect(run({ overload: "lr:1.2", selection: mmtRef })).toEqual(run({ overload: "lr:1.2", selection: "mmt" }))
      } finally {
        modules.remove()
      }
    })

    for (const [overload, selection] of [
      ["otf", "mmt"],
      ["mhod:0.2", "minimum_migration_time"]
    ] as const) {
      it(`--overload ${overload} --selection ${selection} runs a PlanetLab day, deterministically`, () => {
        const options = simulationOptionsFromParams("cloudsim", { overload, selection }, trace)
        if (Either.isLeft(options)) throw new Error(options.left.message)
        const first = runSimulation(options.right).metrics
        expect(first.migrations).toBeGreaterThan(0)
        expect(first.energyKwh).toBeGreaterThan(0)
        expect(first.energyKwh).toBeLessThan(2410.8028)
        expect(comparable(runSimulation(options.right).metrics)).toEqual(comparable(first))
      })
    }
  }
)
