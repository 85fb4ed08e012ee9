/**
 * The simulator's `neat` policy: Neat's loop (controlStep with registry algorithms) consolidates a
 * trace, deterministically, and MHOD's state surviving a JSON round trip changes nothing.
 */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { type NeatPolicyOptions, runNeatPolicy } from "../../../../src/adapters/sim/policies/NeatPolicy.js"
import { runSimulation } from "../../../../src/adapters/sim/runSimulation.js"
import { simulationOptionsFromParams } from "../../../../src/adapters/sim/simulationParams.js"
import type { Trace } from "../../../../src/adapters/sim/Trace.js"
import { loadPlanetLab } from "../../../../src/adapters/sim/traces/planetLab.js"
import { syntheticTrace } from "../../../../src/adapters/sim/traces/synthetic.js"
import type { ControlStepResult } from "../../../../src/core/control/ControlStep.js"
import { ConfigError } from "../../../../src/core/errors.js"
import { itWithRequirement, sharedMaterial } from "../../../support/requirement.js"

const trace = Effect.runSync(syntheticTrace({ vms: 40, seed: 7, samples: 96 }))

/** The decisions of a run, without their timestamps and timings. */
const decisionsOf = (options: NeatPolicyOptions) => {
  const decisions: Array<unknown> = []
  const onStep = (timeSec: number, step: ControlStepResult) => {
    for (const d of step.decisions) {
      decisions.push({ timeSec, request: d.request, status: d.status, outcome: d.outcome, plan: d.plan })
    }
  }
  const result = runNeatPolicy({ ...options, onStep })
  return { result, decisions }
}

/** Metrics without the run's wall time. */
const withoutWall = <M extends { readonly wallSeconds: number }>(metrics: M): M => ({ ...metrics, wallSeconds: 0 })

describe("the neat policy", () => {
  it("consolidates a synthetic trace: hosts suspended, migrations, less energy than NPA", () => {
    const neat = runSimulation({ trace, hosts: 30, policy: "neat" })
    const npa = runSimulation({ trace, hosts: 30, policy: "npa" })
    expect(neat.metrics.migrations).toBeGreaterThan(0)
    expect(neat.metrics.hostShutdowns).toBeGreaterThan(0)
    expect(neat.metrics.energyKwh).toBeLessThan(npa.metrics.energyKwh)
    expect(neat.timeline.timeSec.length).toBe(95)
    expect(Math.min(...neat.timeline.activeHosts)).toBeLessThan(30)
  })

  it("is deterministic and takes the same decisions when the algorithm states go through JSON", () => {
    const overload = {
      name: "mhod",
      params: {
        state_config: [0.8],
        otf: 0.2,
        history_size: 500,
        window_sizes: [30, 40],
        bruteforce_step: 0.2,
        learning_steps: 10
      }
    }
    const options: NeatPolicyOptions = { trace, hosts: 30, algorithms: { overload } }
    const first = decisionsOf(options)
    const second = decisionsOf(options)
    const roundTrip = decisionsOf({ ...options, roundTripStates: true })
    expect(first.decisions.length).toBeGreaterThan(0)
    expect(second.decisions).toEqual(first.decisions)
    expect(roundTrip.decisions).toEqual(first.decisions)
    expect(withoutWall(roundTrip.result.metrics)).toEqual(withoutWall(first.result.metrics))
  })

  it("takes any registry algorithm with parameters, and names the option of a bad one", () => {
    const options = Either.getOrThrow(
      simulationOptionsFromParams("neat", { overload: "threshold:0.9", underload: "threshold:0.3", hosts: 30 }, trace)
    )
    const thr = runSimulation(options)
    expect(thr.metrics.migrations).toBeGreaterThan(0)
    const bad = simulationOptionsFromParams("neat", { overload: "mhod:{bad" }, trace)
    expect(Either.isLeft(bad) && bad.left.field).toBe("overload")
    const unknown = simulationOptionsFromParams("neat", { placement: "worst_fit" }, trace)
    expect(Either.isRight(unknown)).toBe(true)
    expect(() => runSimulation(Either.getOrThrow(unknown))).toThrow(ConfigError)
    try {
      runSimulation(Either.getOrThrow(unknown))
    } catch (error) {
      expect(error instanceof ConfigError && error.field).toBe("placement")
      expect(error instanceof ConfigError && error.message).toMatch(/worst_fit/)
    }
    const wrongPolicy = simulationOptionsFromParams("cloudsim", { underload: "threshold" }, trace)
    expect(Either.isLeft(wrongPolicy) && wrongPolicy.left.field).toBe("underload")
  })

  itWithRequirement(
    "consolidates a sample of a PlanetLab day",
    sharedMaterial("traces/planetlab/20110303"),
    async ([dayDir]) => {
      const full = await Effect.runPromise(loadPlanetLab(dayDir))
      // Every fourth VM of the day, its first 3 hours, on 150 hosts: the loop runs synchronously,
      // so the test keeps it to a couple of seconds.
      const samples = 36
      const picked = full.names.map((_, v) => v).filter((v) => v % 4 === 0)
      const cpu = new Float64Array(picked.length * samples)
      picked.forEach((v, i) => {
        cpu.set(full.cpu.subarray(v * full.samples, v * full.samples + samples), i * samples)
      })
      const sample: Trace = { names: picked.map((v) => full.names[v]!), intervalSec: full.intervalSec, samples, cpu }
      const neat = runSimulation({ trace: sample, hosts: 150, policy: "neat" })
      const npa = runSimulation({ trace: sample, hosts: 150, policy: "npa" })
      expect(neat.metrics.migrations).toBeGreaterThan(50)
      expect(neat.metrics.hostShutdowns).toBeGreaterThan(50)
      expect(neat.metrics.energyKwh).toBeLessThan(npa.metrics.energyKwh / 2)
    },
    60_000
  )
})
