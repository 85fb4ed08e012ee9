import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import type { CloudApi } from "../../../src/core/Cloud.js"
import {
  type ControlAlgorithms,
  controlStep,
  controlStepSync,
  initialControlState
} from "../../../src/core/control/ControlStep.js"
import { DecisionLog, makeMemoryDecisionLog } from "../../../src/core/control/DecisionLog.js"
import { bestFitDecreasing, busiestVm, overloadAbove, underloadBelow } from "../../support/algorithms.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const algorithms: ControlAlgorithms = {
  underload: underloadBelow(0.2),
  overload: overloadAbove(0.9),
  selector: busiestVm,
  placer: bestFitDecreasing()
}
const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }
const options = { hostCpuUsableByVms: 1, suspendIdleHosts: true, vmHistoryLength: 5 }

describe("controlStep", () => {
  it.effect("decides locally on every active host, then handles the requests in host order", () => {
    const cloud = new InMemoryCloud({
      hosts: [
        { name: "h1", ...spec },
        { name: "h2", ...spec },
        { name: "h3", ...spec },
        { name: "h4", ...spec, power: "suspended" }
      ],
      vms: [
        { uuid: "a", host: "h1", ramMb: 1024, cpuMhz: [200, 150] },
        { uuid: "b", host: "h2", ramMb: 1024, cpuMhz: [800, 900] },
        { uuid: "c", host: "h2", ramMb: 1024, cpuMhz: [700, 1000] },
        { uuid: "d", host: "h3", ramMb: 1024, cpuMhz: [600, 600] }
      ]
    })
    return Effect.gen(function* () {
      const first = yield* controlStep(algorithms, initialControlState(algorithms), options)
      assert.deepStrictEqual(
        first.verdicts.map((v) => `${v.host}:${v.verdict}`),
        ["h1:underload", "h2:overload", "h3:normal"]
      )
      assert.deepStrictEqual(
        first.requests.map((r) => `${r.host}:${r.reason}:${r.vmUuids.join(",")}`),
        ["h1:underload:a", "h2:overload:c"]
      )
      assert.deepStrictEqual(
        first.decisions.map((d) => d.outcome),
        ["done", "done"]
      )
      // h1's VM fits only on h3; then h2's busiest VM fits on h3 too, so h4 stays asleep.
      assert.strictEqual(cloud.hosts.get("h1")!.power, "suspended")
      assert.deepStrictEqual(cloud.vmsOn("h3").sort(), ["a", "c", "d"])
      assert.strictEqual(cloud.hosts.get("h4")!.power, "suspended")
      assert.strictEqual(first.state.local.get("h2")?.overload !== undefined, true)
      const log = yield* DecisionLog
      assert.strictEqual((yield* log.selectDecisions(10)).length, 2)

      const second = yield* controlStep(algorithms, first.state, options)
      assert.isFalse(second.verdicts.some((v) => v.host === "h1"))
      assert.deepStrictEqual(second.state.local.get("h2")?.overload, { calls: 2 })
    }).pipe(Effect.provide(Layer.merge(cloud.layer, DecisionLog.memory)))
  })
})

describe("controlStepSync", () => {
  it("runs a round synchronously and keeps its log across rounds", () => {
    const cloud = new InMemoryCloud({
      hosts: [
        { name: "h1", ...spec },
        { name: "h2", ...spec }
      ],
      vms: [
        { uuid: "a", host: "h1", ramMb: 1024, cpuMhz: [100] },
        { uuid: "b", host: "h2", ramMb: 1024, cpuMhz: [900] }
      ]
    })
    const log = Effect.runSync(makeMemoryDecisionLog())
    const first = controlStepSync(cloud.api, log, algorithms, initialControlState(algorithms), options)
    assert.isTrue(Either.isRight(first))
    if (Either.isRight(first)) {
      assert.deepStrictEqual(
        first.right.decisions.map((d) => d.outcome),
        ["done"]
      )
      assert.strictEqual(cloud.hosts.get("h1")!.power, "suspended")
      const second = controlStepSync(cloud.api, log, algorithms, first.right.state, options)
      assert.isTrue(Either.isRight(second))
    }
    assert.strictEqual(Effect.runSync(log.selectDecisions(10)).length, 1)
    cloud.unreachable = true
    assert.isTrue(Either.isLeft(controlStepSync(cloud.api, log, algorithms, initialControlState(algorithms), options)))
  })
})

describe("controlStep on a cloud whose host history remembers departed VMs", () => {
  it("counts the VMs on the host now plus the host's own use, as Neat's local manager does", () => {
    // h1's VM of 1200 MHz left before the last sample; h1 now runs only "a" (300 MHz) and uses 50 itself.
    const api: CloudApi = {
      hosts: Effect.succeed([
        { name: "h1", ...spec, power: "active" as const, vms: ["a"] },
        { name: "h2", ...spec, power: "active" as const, vms: ["b"] }
      ]),
      vms: Effect.succeed([
        { uuid: "a", ramMb: 1024, host: "h1", vcpus: 1 },
        { uuid: "b", ramMb: 1024, host: "h2", vcpus: 1 }
      ]),
      vmCpuHistory: (uuid) => Effect.succeed(uuid === "a" ? [300, 300, 300] : [1200, 1200, 1200]),
      hostCpuHistory: (host) => Effect.succeed(host === "h1" ? [1550, 1550, 350] : [50, 50, 1250]),
      migrate: () => Effect.succeed([]),
      suspendHost: () => Effect.void,
      wakeHost: () => Effect.void
    }
    const seen: Array<ReadonlyArray<number>> = []
    const recording: ControlAlgorithms = {
      ...algorithms,
      underload: {
        initialState: null,
        decide: (utilization, state) => {
          seen.push(utilization)
          return [false, state]
        }
      }
    }
    const log = Effect.runSync(makeMemoryDecisionLog())
    controlStepSync(api, log, recording, initialControlState(recording), options)
    assert.deepStrictEqual(seen, [
      [0.175, 0.175, 0.175],
      [0.625, 0.625, 0.625]
    ])
  })
})
