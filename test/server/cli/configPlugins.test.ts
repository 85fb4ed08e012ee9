/**
 * neat.conf naming a user's algorithms (`MODULE#EXPORT`, relative to the file's folder) in its
 * `algorithm_*_factory` options: `neat serve` places with the user's placement and `neat
 * local-manager` detects with the user's detectors; a module that cannot load is reported with
 * the option and its line, beside the file's other problems.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Fiber } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { describeError } from "../../../src/core/errors.js"
import { makeLocalManagerCommand } from "../../../src/server/cli/localManager.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { defaultWiring, type Wiring } from "../../../src/server/cli/wiring.js"
import { Store } from "../../../src/server/db/Store.js"
import { StoreDecisionLog } from "../../../src/server/live/StoreDecisionLog.js"
import { twoHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { freePort, waitForHealth } from "../../support/localServer.js"
import { neat, runCommandInProcess } from "../../support/neatCli.js"
import { testWiring } from "../../support/testWiring.js"
import { writeUserModules } from "../../support/userModules.js"

const modules = writeUserModules()
afterAll(() => modules.remove())

const algorithmLines = (placement: string) => [
  "algorithm_underload_detection_factory = ./thr.ts#under",
  'algorithm_underload_detection_parameters = {"threshold": 0.2}',
  "algorithm_overload_detection_factory = ./thr.ts#thr",
  'algorithm_overload_detection_parameters = {"threshold": 0.9}',
  "algorithm_vm_selection_factory = minimum_migration_time",
  "algorithm_vm_selection_parameters = {}",
  `algorithm_vm_placement_factory = ${placement}`,
  'algorithm_vm_placement_parameters = {"cpu_threshold": 0.9}'
]

describe("neat.conf naming a user's algorithms", () => {
  it("serve places with the user's placement and local-manager detects with the user's detectors", async () => {
    const conf = join(modules.dir, "neat.conf")
    const port = await freePort()
    const db = join(modules.dir, "neat.db")
    const data = join(modules.dir, "h1")
    await mkdir(join(data, "vms"), { recursive: true })
    await writeFile(join(data, "vms", "vm-a"), "100\n")
    await writeFile(join(data, "host"), "0\n")
    await writeFile(
      conf,
      [
        "[DEFAULT]",
        `sql_connection = sqlite:///${db}`,
        "global_manager_host = 127.0.0.1",
        `global_manager_port = ${port}`,
        "os_admin_password = from-file",
        `local_data_directory = ${data}`,
        "local_host_name = h1",
        ...algorithmLines("./firstFit.ts#firstFit"),
        ""
      ].join("\n")
    )
    const cloud = new InMemoryCloud(twoHostSetup())
    // The in-memory cloud, with the real algorithm registry.
    const wiring: Wiring = { ...testWiring(cloud), algorithms: defaultWiring.algorithms, decisionLog: StoreDecisionLog }
    const server = Effect.runFork(runCommandInProcess(makeServeCommand(wiring), ["--config", conf, "--mode", "memory"]))
    try {
      await waitForHealth(`http://127.0.0.1:${port}`)
      await Effect.runPromise(
        runCommandInProcess(makeLocalManagerCommand(wiring), [
          "--config",
          conf,
          "--host-cpu-mhz",
          "2000",
          "--iterations",
          "1"
        ])
      )
      expect(cloud.vms.get("vm-a")?.host).toBe("h2")
    } finally {
      await Effect.runPromise(Fiber.interrupt(server))
    }
    const decisions = await Effect.runPromise(
      Effect.provide(
        Effect.flatMap(Store, (store) => store.listDecisions()),
        Store.layer(db)
      )
    )
    expect(decisions.map((d) => [d.host, d.reason, d.outcome])).toEqual([["h1", "underload", "done"]])
  })

  it("reports a module that cannot load with its option and line, beside the other problems", async () => {
    const conf = join(modules.dir, "bad.conf")
    await writeFile(
      conf,
      ["[DEFAULT]", "global_manager_port = 99999", ...algorithmLines("./missing.ts#firstFit"), ""].join("\n")
    )
    const error = await Effect.runPromise(
      Effect.flip(runCommandInProcess(makeServeCommand(defaultWiring), ["--config", conf, "--mode", "sim"]))
    )
    const text = describeError(error)
    expect(text).toMatch(/^InvalidConfig: 2 configuration problems:/)
    expect(text).toContain(
      `algorithm_vm_placement_factory: ./missing.ts#firstFit: no such module file: ${join(modules.dir, "missing.ts")}`
    )
    expect(text).toContain(`${conf}:9`)
  })

  it("serve --mode sim runs neat.conf's user detectors and placement in its local managers, as the built-ins", async () => {
    const conf = (name: string, lines: ReadonlyArray<string>) => {
      const file = join(modules.dir, name)
      return writeFile(file, ["[DEFAULT]", "os_admin_password = pw", ...lines, ""].join("\n")).then(() => file)
    }
    const user = await conf("user.conf", [
      "algorithm_underload_detection_factory = ./thr.ts#under",
      'algorithm_underload_detection_parameters = {"threshold": 0.3}',
      "algorithm_overload_detection_factory = ./thr.ts#thr",
      'algorithm_overload_detection_parameters = {"threshold": 0.7}',
      "algorithm_vm_placement_factory = ./firstFit.ts#firstFit",
      'algorithm_vm_placement_parameters = {"cpu_threshold": 0.9}'
    ])
    const builtIn = await conf("builtin.conf", [
      "algorithm_underload_detection_factory = threshold",
      'algorithm_underload_detection_parameters = {"threshold": 0.3}',
      "algorithm_overload_detection_factory = threshold",
      'algorithm_overload_detection_parameters = {"threshold": 0.7}',
      "algorithm_vm_placement_factory = ./firstFit.ts#firstFit",
      'algorithm_vm_placement_parameters = {"cpu_threshold": 0.9}'
    ])
    const serve = (file: string) =>
      neat([
        "serve",
        "--mode",
        "sim",
        "--config",
        file,
        "--global-manager-host",
        "127.0.0.1",
        "--global-manager-port",
        "0",
        "--sql-connection",
        "sqlite://",
        "--trace",
        "synthetic:vms=12,seed=3,days=0.25",
        "--hosts",
        "8",
        "--step-seconds",
        "0"
      ])
    const [withUser, withBuiltIn] = [await serve(user), await serve(builtIn)]
    expect(withUser.stderr).toBe("")
    expect(withUser.status).toBe(0)
    const table = (stdout: string) => stdout.slice(stdout.indexOf("energy"))
    expect(table(withUser.stdout)).toMatch(/energy \(kWh\)/)
    expect(table(withUser.stdout).replace(/wall.*\n/g, "")).toEqual(table(withBuiltIn.stdout).replace(/wall.*\n/g, ""))
  }, 120_000)
})
