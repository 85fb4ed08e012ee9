import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { LocalAlgorithms } from "../../../src/core/control/LocalDecision.js"
import { initialLocalStates } from "../../../src/core/control/LocalDecision.js"
import { describeError } from "../../../src/core/errors.js"
import {
  type LocalManagerOptions,
  localManagerIteration,
  runLocalManager,
  stateFileOf
} from "../../../src/server/localManager/LocalManager.js"
import { busiestVm, overloadAbove, underloadBelow } from "../../support/algorithms.js"
import { type RunningGlobalManager, read, startGlobalManager, testSecret } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"

const spec = { cores: 2, mhzPerCore: 1000, ramMb: 8192 }
const algorithms: LocalAlgorithms = {
  underload: underloadBelow(0.2),
  overload: overloadAbove(0.8),
  selector: busiestVm
}
const names = { underload: "underload/test", overload: "overload/test", selection: "selection/test" }

const writeData = async (dir: string, vms: Record<string, ReadonlyArray<number>>, host: ReadonlyArray<number>) => {
  await mkdir(join(dir, "vms"), { recursive: true })
  for (const [uuid, samples] of Object.entries(vms)) await writeFile(join(dir, "vms", uuid), `${samples.join("\n")}\n`)
  await writeFile(join(dir, "host"), `${host.join("\n")}\n`)
}

describe("local manager", () => {
  let dir: string
  let cloud: InMemoryCloud
  let gm: RunningGlobalManager
  let options: LocalManagerOptions

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "neat-local-"))
    cloud = new InMemoryCloud({
      hosts: [
        { name: "h1", ...spec },
        { name: "h2", ...spec },
        { name: "h3", ...spec, power: "suspended" }
      ],
      vms: [
        { uuid: "vm-a", host: "h1", ramMb: 1024, cpuMhz: [900, 950] },
        { uuid: "vm-b", host: "h1", ramMb: 2048, cpuMhz: [800, 900] },
        { uuid: "vm-c", host: "h2", ramMb: 1024, cpuMhz: [1500] }
      ]
    })
    gm = await startGlobalManager(cloud)
    options = {
      global_manager_host: "127.0.0.1",
      global_manager_port: gm.port,
      os_admin_user: "admin",
      os_admin_password: "s3cret",
      request_signing_secret: testSecret,
      local_data_directory: dir,
      local_manager_interval: 0.05,
      host_name: "h1",
      host_cpu_mhz: 2000,
      host_cpu_usable_by_vms: 1,
      vm_ram_mb: 512
    }
  })
  afterEach(async () => {
    await gm.close()
    await rm(dir, { recursive: true, force: true })
  })

  it("reads Neat's local files and sends a signed overload request that the global manager carries out", async () => {
    await writeData(dir, { "vm-a": [900, 950], "vm-b": [800, 900] }, [50, 100])
    const result = await Effect.runPromise(localManagerIteration(options, algorithms, initialLocalStates(algorithms)))
    expect(result.decision.utilization).toEqual([0.875, 0.975])
    expect(result.decision.request).toEqual({ host: "h1", reason: "overload", vmUuids: ["vm-a"] })
    expect(result.response?.status).toBe(200)
    expect(cloud.vms.get("vm-a")?.host).toBe("h3")
    const decisions = await read(gm.log.selectDecisions(10))
    expect(decisions.map((d) => `${d.request.host}:${d.request.reason}:${d.outcome}`)).toEqual(["h1:overload:done"])
  })

  it("sends an underload request with Neat's credentials when no secret is configured", async () => {
    await writeData(dir, { "vm-a": [100], "vm-b": [50] }, [10])
    // The global manager reads the same samples from the cloud (through its collectors' store).
    cloud.vms.get("vm-a")!.cpuMhz = [100]
    cloud.vms.get("vm-b")!.cpuMhz = [50]
    const neat = { ...options, request_signing_secret: undefined }
    const result = await Effect.runPromise(localManagerIteration(neat, algorithms, initialLocalStates(algorithms)))
    expect(result.decision.verdict).toBe("underload")
    expect(result.response?.status).toBe(200)
    expect(cloud.vmsOn("h1")).toEqual([])
  })

  it("leaves out VMs the cloud does not know and stays quiet on an idle host", async () => {
    await writeData(dir, { "vm-gone": [1900] }, [])
    const result = await Effect.runPromise(localManagerIteration(options, algorithms, initialLocalStates(algorithms)))
    expect(result.decision.verdict).toBe("idle")
    expect(result.response).toBeUndefined()
  })

  it("saves the algorithm states after every iteration and resumes them after a restart", async () => {
    await writeData(dir, { "vm-a": [500], "vm-b": [500] }, [0])
    const first = await Effect.runPromise(runLocalManager(options, algorithms, names, 2))
    expect(first.overload).toEqual({ calls: 2 })
    const saved = JSON.parse(await readFile(stateFileOf(options), "utf8")) as { host: string; states: unknown }
    expect(saved.host).toBe("h1")
    const second = await Effect.runPromise(runLocalManager(options, algorithms, names, 1))
    expect(second.overload).toEqual({ calls: 3 })
    const otherAlgorithm = await Effect.runPromise(
      runLocalManager(options, algorithms, { ...names, overload: "overload/other" }, 1)
    )
    expect(otherAlgorithm.overload).toEqual({ calls: 1 })
  })

  it("keeps running when the global manager is down, and says why", async () => {
    await writeData(dir, { "vm-a": [1000], "vm-b": [900] }, [0])
    await gm.close()
    const down = { ...options, request_signing_secret: undefined }
    const failure = await Effect.runPromise(
      Effect.flip(localManagerIteration(down, algorithms, initialLocalStates(algorithms)))
    )
    expect(failure._tag).toBe("GlobalManagerUnreachable")
    const states = await Effect.runPromise(runLocalManager(down, algorithms, names, 2))
    // Both iterations ran their detectors although neither request could be sent.
    expect(states.overload).toEqual({ calls: 2 })
    gm = await startGlobalManager(cloud)
  })

  it("names the file and line of a bad sample", async () => {
    await mkdir(join(dir, "vms"), { recursive: true })
    await writeFile(join(dir, "vms", "vm-a"), "100\n12.5\n")
    await writeFile(join(dir, "vms", "vm-b.tmp"), "half a fi")
    const failure = await Effect.runPromise(
      Effect.flip(localManagerIteration(options, algorithms, initialLocalStates(algorithms)))
    )
    expect(describeError(failure)).toBe(`${join(dir, "vms", "vm-a")}, line 2: not an integer: '12.5'`)
  })
})
