/**
 * One decision core: the live stack (local managers reading Neat's local files and talking HTTP to
 * a real global manager) makes exactly the decisions `controlStep` makes, round after round, on two
 * identical clouds fed the same CPU samples.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { type ControlAlgorithms, controlStep, initialControlState } from "../../../src/core/control/ControlStep.js"
import type { RecordedDecision } from "../../../src/core/control/Decision.js"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { initialLocalStates, type LocalStates } from "../../../src/core/control/LocalDecision.js"
import { localManagerIteration } from "../../../src/server/localManager/LocalManager.js"
import { bestFitDecreasing, busiestVm, overloadAbove, underloadBelow } from "../../support/algorithms.js"
import { read, startGlobalManager, testSecret } from "../../support/globalManager.js"
import { type CloudSetup, InMemoryCloud } from "../../support/InMemoryCloud.js"

const HOSTS = 8
const ROUNDS = 24
const HISTORY = 10
const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }

const setup = (): CloudSetup => ({
  hosts: Array.from({ length: HOSTS }, (_, h) => ({ name: `h${h}`, ...spec, ownCpuMhz: [40 + h] })),
  vms: Array.from({ length: HOSTS * 3 }, (_, v) => ({
    uuid: `vm${String(v).padStart(2, "0")}`,
    host: `h${v % HOSTS}`,
    ramMb: [512, 1024, 2048][v % 3]!
  }))
})

/** A deterministic workload: the VMs first placed on a host swing together between light and heavy. */
const sample = (v: number, round: number): number =>
  Math.max(0, Math.round(350 + 330 * Math.sin((round + (v % HOSTS) * 2.3) / 2.5) + (v % 3) * 15))

const advance = (cloud: InMemoryCloud, round: number) => {
  for (const [uuid, vm] of cloud.vms) vm.cpuMhz.push(sample(Number(uuid.slice(2)), round))
  for (const host of cloud.hosts.values()) host.ownCpuMhz.push(40 + Number(host.name.slice(1)))
}

/** What a data collector leaves on each host: its VMs' and its own last samples, in Neat's format. */
const writeLocalData = async (cloud: InMemoryCloud, root: string) => {
  for (const host of cloud.hosts.values()) {
    const dir = join(root, host.name)
    await mkdir(join(dir, "vms"), { recursive: true })
    const resident = new Set(cloud.vmsOn(host.name))
    for (const file of await readdir(join(dir, "vms"))) {
      if (!resident.has(file)) await rm(join(dir, "vms", file))
    }
    for (const uuid of resident) {
      await writeFile(join(dir, "vms", uuid), `${cloud.vms.get(uuid)!.cpuMhz.slice(-HISTORY).join("\n")}\n`)
    }
    await writeFile(join(dir, "host"), `${host.ownCpuMhz.slice(-HISTORY).join("\n")}\n`)
  }
}

const summary = (decision: RecordedDecision) => ({
  host: decision.request.host,
  reason: decision.request.reason,
  status: decision.status,
  outcome: decision.outcome,
  migrations: decision.plan.migrations,
  wake: decision.plan.wake,
  suspend: decision.plan.suspend
})

describe("live stack and control step", () => {
  it("take the same decisions on the same cloud, round after round", async () => {
    const algorithms: ControlAlgorithms = {
      underload: underloadBelow(0.25),
      overload: overloadAbove(0.85),
      selector: busiestVm,
      placer: bestFitDecreasing(0.9, 1)
    }
    const simulated = new InMemoryCloud(setup())
    const live = new InMemoryCloud(setup())
    const gm = await startGlobalManager(live, { data_collector_data_length: HISTORY }, algorithms.placer)
    const root = await mkdtemp(join(tmpdir(), "neat-e2e-"))
    const log = Effect.runSync(Effect.provide(DecisionLog, DecisionLog.memory))
    const layer = Layer.merge(simulated.layer, Layer.succeed(DecisionLog, log))
    const options = { vmHistoryLength: HISTORY, hostCpuUsableByVms: 1, suspendIdleHosts: true }
    let state = initialControlState(algorithms)
    const localStates = new Map<string, LocalStates>()
    let liveSeen = 0
    let decided = 0
    try {
      for (let round = 0; round < ROUNDS; round++) {
        advance(simulated, round)
        advance(live, round)
        const step = await Effect.runPromise(controlStep(algorithms, state, options).pipe(Effect.provide(layer)))
        state = step.state

        await writeLocalData(live, root)
        const active = [...live.hosts.values()].filter((host) => host.power === "active").map((host) => host.name)
        for (const host of active.sort()) {
          const result = await Effect.runPromise(
            localManagerIteration(
              {
                global_manager_host: "127.0.0.1",
                global_manager_port: gm.port,
                os_admin_user: "admin",
                os_admin_password: "s3cret",
                request_signing_secret: testSecret,
                local_data_directory: join(root, host),
                local_manager_interval: 300,
                host_name: host,
                host_cpu_mhz: spec.cores * spec.mhzPerCore,
                host_cpu_usable_by_vms: 1,
                vm_ram_mb: 1024
              },
              algorithms,
              localStates.get(host) ?? initialLocalStates(algorithms)
            )
          )
          localStates.set(host, result.decision.states)
          if (result.response !== undefined) expect(result.response.status).toBe(200)
        }
        const liveDecisions = (await read(gm.log.selectDecisions(10_000))).slice(liveSeen)
        liveSeen += liveDecisions.length
        decided += step.decisions.length
        expect(liveDecisions.map(summary)).toEqual(step.decisions.map(summary))
        const layout = (cloud: InMemoryCloud) =>
          [...cloud.hosts.values()].map(
            (host) => `${host.name}:${host.power}:${cloud.vmsOn(host.name).sort().join(",")}`
          )
        expect(layout(live)).toEqual(layout(simulated))
      }
      // The workload did exercise the managers: underloads and overloads, hosts suspended and woken.
      const all = await read(gm.log.selectDecisions(10_000))
      expect(decided).toBe(all.length)
      expect(all.some((d) => d.request.reason === "underload" && d.execution.suspended.length > 0)).toBe(true)
      expect(all.some((d) => d.request.reason === "overload" && d.execution.woken.length > 0)).toBe(true)
    } finally {
      await gm.close()
      await rm(root, { recursive: true, force: true })
    }
  })
})
