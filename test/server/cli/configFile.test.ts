/** `neat serve --config` and `neat local-manager --config`: neat.conf, flags over it, the store from sql_connection. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
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
import { runCommandInProcess } from "../../support/neatCli.js"
import { testLocalManagerAlgorithmFlags, testWiring } from "../../support/testWiring.js"

const run = (wiring: Wiring, command: "serve" | "local-manager", args: ReadonlyArray<string>) =>
  command === "serve"
    ? runCommandInProcess(makeServeCommand(wiring), args)
    : runCommandInProcess(makeLocalManagerCommand(wiring), args)

const dirs: Array<string> = []
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

/** A scratch folder, removed after the suite, and where its neat.conf goes. */
const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), "neat-config-"))
  dirs.push(dir)
  return { dir, conf: join(dir, "neat.conf") }
}

describe("--config", () => {
  it("serve and local-manager read neat.conf, flags override it, and decisions land in sql_connection", async () => {
    const { dir, conf } = await scratch()
    const port = await freePort()
    const db = join(dir, "neat.db")
    const data = join(dir, "h1")
    await mkdir(join(data, "vms"), { recursive: true })
    await writeFile(join(data, "vms", "vm-a"), "100\n")
    await writeFile(join(data, "host"), "0\n")
    await writeFile(
      conf,
      [
        "[DEFAULT]",
        `sql_connection = sqlite:///${db}`,
        "global_manager_host = 127.0.0.1",
        "global_manager_port = 1",
        "os_admin_password = from-file",
        `local_data_directory = ${data}`,
        "local_host_name = h1",
        "mode = sim",
        ""
      ].join("\n")
    )
    const cloud = new InMemoryCloud(twoHostSetup())
    const wiring: Wiring = { ...testWiring(cloud), decisionLog: StoreDecisionLog }
    // The file's port (1) is overridden by the flag; the file's password and mode (overridden too) apply.
    const server = Effect.runFork(
      run(wiring, "serve", [
        "--config",
        conf,
        "--global-manager-port",
        String(port),
        "--placement",
        "test/bfd",
        "--mode",
        "memory"
      ])
    )
    try {
      await waitForHealth(`http://127.0.0.1:${port}`)
      await Effect.runPromise(
        run(wiring, "local-manager", [
          "--config",
          conf,
          "--global-manager-port",
          String(port),
          "--host-cpu-mhz",
          "2000",
          ...testLocalManagerAlgorithmFlags,
          "--iterations",
          "1"
        ])
      )
      expect(cloud.vms.get("vm-a")?.host).toBe("h2")
    } finally {
      await Effect.runPromise(Fiber.interrupt(server))
    }
    const stored = await Effect.runPromise(
      Effect.provide(
        Effect.flatMap(Store, (store) =>
          Effect.all({
            decisions: store.listDecisions(),
            migrations: store.listMigrations(),
            states: store.selectHostStates()
          })
        ),
        Store.layer(db)
      )
    )
    expect(stored.decisions.map((d) => [d.host, d.reason, d.outcome])).toEqual([["h1", "underload", "done"]])
    expect(stored.migrations.map((m) => [m.vm, m.host])).toEqual([["vm-a", "h2"]])
    expect(stored.states.h1).toBe(0)
  })

  it("reports every bad option of the file with its line, and an unknown algorithm through the registry", async () => {
    const { conf } = await scratch()
    await writeFile(
      conf,
      [
        "[DEFAULT]",
        "global_manager_port = 99999",
        "algorithm_vm_placement_factory = placement/nope",
        "wol_adress = 127.0.0.1",
        ""
      ].join("\n")
    )
    const error = await Effect.runPromise(Effect.flip(run(defaultWiring, "serve", ["--config", conf, "--mode", "sim"])))
    const text = describeError(error)
    expect(text).toMatch(/^InvalidConfig: 3 configuration problems:/)
    expect(text).toContain(`global_manager_port`)
    expect(text).toContain(`${conf}:2`)
    expect(text).toMatch(/algorithm_vm_placement_factory: .*nope/)
    expect(text).toContain("wol_adress: unknown option; did you mean wol_address?")
    const local = await Effect.runPromise(Effect.flip(run(defaultWiring, "local-manager", ["--config", conf])))
    expect(describeError(local)).toMatch(/^InvalidConfig: 3 configuration problems:/)
  })

  it("serve --mode openstack names the adapter's missing options and where the others were set", async () => {
    const { dir, conf } = await scratch()
    await writeFile(
      conf,
      [
        "[DEFAULT]",
        `sql_connection = sqlite:///${join(dir, "neat.db")}`,
        "os_auth_url = http://127.0.0.1:1/v3",
        "global_manager_host = 127.0.0.1",
        `global_manager_port = ${await freePort()}`,
        "compute_ssh_key = /k",
        "compute_known_hosts = /kh",
        "wol_address = broadcast",
        ""
      ].join("\n")
    )
    const error = await Effect.runPromise(
      Effect.flip(run(defaultWiring, "serve", ["--config", conf, "--mode", "openstack"]))
    )
    expect(describeError(error)).toContain("wol_address")
    expect(describeError(error)).toContain("expected an IP address, got broadcast")
    expect(describeError(error)).toContain(`${conf}:8`)
    // wol_port is missing too: reported in the same run.
    expect(describeError(error)).toMatch(/wol_port: is not set/)
    const sim = await Effect.runPromise(Effect.flip(run(defaultWiring, "serve", ["--config", conf, "--mode", "sim"])))
    // The simulated cloud is part of this build; without a trace it says what it needs.
    expect(describeError(sim)).toContain("configuration: trace: the sim cloud needs --trace")
  })

  it("serve --mode openstack reports every missing option at once, one per line, naming the operator's file", async () => {
    const { conf } = await scratch()
    await writeFile(
      conf,
      ["[DEFAULT]", "os_auth_url = http://127.0.0.1:1/v3", "wol_address = broadcast", ""].join("\n")
    )
    const error = await Effect.runPromise(
      Effect.flip(run(defaultWiring, "serve", ["--config", conf, "--mode", "openstack"]))
    )
    expect(error._tag).toBe("InvalidConfig")
    const lines = (error as Error).message.split("\n")
    expect(lines[0]).toBe("4 configuration problems:")
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}compute_ssh_key: is not set; the OpenStack cloud needs it \(the private key .*\): set it in .*neat\.conf or NEAT_COMPUTE_SSH_KEY$/
      ),
      expect.stringMatching(/^ {2}compute_known_hosts: is not set; .*NEAT_COMPUTE_KNOWN_HOSTS$/),
      `  wol_address: expected an IP address, got broadcast (${conf}:3)`,
      expect.stringMatching(/^ {2}wol_port: is not set; .*usually 9\): set it in .* or NEAT_WOL_PORT$/)
    ])
    for (const line of lines.slice(1)) if (line.includes("is not set")) expect(line).toContain(conf)
    // Never the shipped defaults file, nor Effect's wording.
    expect(lines.join("\n")).not.toMatch(/config\/neat\.conf|provided map/)
  })
})
