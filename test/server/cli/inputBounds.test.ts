/** Bad inputs that once crashed or were silently taken: each refused with a clear error and exit status 1. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { describeError } from "../../../src/core/errors.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { twoHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { neat, runCommandInProcess } from "../../support/neatCli.js"
import { testWiring } from "../../support/testWiring.js"

const scratch = mkdtempSync(join(tmpdir(), "neat-bounds-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const tinyStep = {
  state_config: [0.8],
  otf: 0.2,
  history_size: 500,
  window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
  bruteforce_step: 1e-9,
  learning_steps: 10
}
const stepMessage = /bruteforce_step: expected a step from 0\.001 to 1 .*got 1e-9/

describe.concurrent("MHOD's bruteforce_step: 1e-9 is refused, not a V8 crash (exit 133)", () => {
  it("in neat decide", async () => {
    const cases = [{ algorithm: "overload/mhod", params: tinyStep, input: { utilization: [0.9, 0.95] } }]
    const run = await neat(["decide"], { stdin: JSON.stringify(cases) })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(stepMessage)
    expect(run.stderr).not.toContain("    at ")
  })

  it("in neat serve", async () => {
    const conf = join(scratch, "mhod.conf")
    writeFileSync(
      conf,
      [
        "[DEFAULT]",
        "algorithm_overload_detection_factory = neat.locals.overload.mhod.core.mhod_factory",
        `algorithm_overload_detection_parameters = ${JSON.stringify(tinyStep)}`,
        ""
      ].join("\n")
    )
    const run = await neat(["serve", "--config", conf, "--mode", "sim", "--global-manager-port", "0"])
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(stepMessage)
    expect(run.stderr).toContain(`${conf}:2`)
    expect(run.stderr).not.toContain("    at ")
  })
})

describe("negative durations and limits of neat serve are refused, not quietly replaced", () => {
  const serveFails = async (args: ReadonlyArray<string>) => {
    const command = makeServeCommand(testWiring(new InMemoryCloud(twoHostSetup())))
    const base = ["--mode", "memory", "--global-manager-port", "0", "--os-admin-password", "x"]
    const error = await Effect.runPromise(Effect.flip(runCommandInProcess(command, [...base, ...args])))
    return describeError(error as { readonly _tag: string })
  }

  it.each([
    [["--plan-max-age", "-5"], "configuration: plan-max-age: must be positive (seconds), got -5"],
    [["--plan-max-age", "0"], "configuration: plan-max-age: must be positive (seconds), got 0"],
    [
      ["--max-migrations-per-interval", "-1"],
      "configuration: max-migrations-per-interval: must be 0 (no cap) or more migrations, got -1"
    ],
    [
      ["--migration-cap-interval", "-300"],
      "configuration: migration-cap-interval: must be positive (seconds), got -300"
    ],
    [["--min-spare-hosts", "-2"], "configuration: min-spare-hosts: must be 0 or more hosts, got -2"],
    [["--snapshot-max-age", "-1"], "configuration: snapshot_max_age: must be 0 or more (seconds), got -1"],
    [
      ["--global-manager-request-max-age", "-5"],
      "configuration: global_manager_request_max_age: must be positive (seconds), got -5"
    ],
    [["--data-collector-interval", "-300"], "configuration: data_collector_interval: must be positive, got -300"],
    [["--network-migration-bandwidth", "0"], "configuration: network_migration_bandwidth: must be positive, got 0"],
    [["--vm-ram-mb", "-1024"], "configuration: vm-ram-mb: must be positive (MB), got -1024"]
  ])("%j", async (args, message) => {
    expect(await serveFails(args)).toBe(message)
  })
})
