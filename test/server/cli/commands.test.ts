import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ValidationError } from "@effect/cli"
import { Effect, Fiber } from "effect"
import { describe, expect, it } from "vitest"
import { describeError } from "../../../src/core/errors.js"
import { makeLocalManagerCommand } from "../../../src/server/cli/localManager.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { sha1Hex } from "../../../src/server/http/RequestSigning.js"
import { twoHostSetup } from "../../support/cloudFixtures.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { freePort, waitForHealth } from "../../support/localServer.js"
import { runCommandInProcess } from "../../support/neatCli.js"
import { testLocalManagerAlgorithmFlags, testWiring } from "../../support/testWiring.js"

const runServe = (cloud: InMemoryCloud, args: ReadonlyArray<string>) =>
  runCommandInProcess(makeServeCommand(testWiring(cloud)), args)

describe("neat serve and neat local-manager", () => {
  it("serve answers Neat's requests and a local manager run drives it", async () => {
    const cloud = new InMemoryCloud(twoHostSetup())
    const port = await freePort()
    const dir = await mkdtemp(join(tmpdir(), "neat-cli-"))
    const fiber = Effect.runFork(
      runServe(cloud, [
        "--global-manager-port",
        String(port),
        "--os-admin-password",
        "pw",
        "--placement",
        "test/bfd",
        "--mode",
        "memory"
      ])
    )
    try {
      const url = `http://127.0.0.1:${port}`
      await waitForHealth(url)
      const form = new URLSearchParams({ username: sha1Hex("admin"), password: sha1Hex("wrong"), time: "0" })
      expect((await fetch(`${url}/`, { method: "PUT", body: form })).status).toBe(403)

      await mkdir(join(dir, "vms"))
      await writeFile(join(dir, "vms", "vm-a"), "100\n")
      await writeFile(join(dir, "host"), "0\n")
      await Effect.runPromise(
        runCommandInProcess(makeLocalManagerCommand(testWiring(cloud)), [
          "--local-data-directory",
          dir,
          "--global-manager-port",
          String(port),
          "--os-admin-password",
          "pw",
          "--local-host-name",
          "h1",
          "--host-cpu-mhz",
          "2000",
          ...testLocalManagerAlgorithmFlags,
          "--iterations",
          "1"
        ])
      )
      expect(cloud.vms.get("vm-a")?.host).toBe("h2")
      expect(cloud.hosts.get("h1")?.power).toBe("suspended")
    } finally {
      await Effect.runPromise(Fiber.interrupt(fiber))
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("serve names the option that is wrong", async () => {
    const cloud = new InMemoryCloud(twoHostSetup())
    const fail = (args: ReadonlyArray<string>) => Effect.runPromise(Effect.flip(runServe(cloud, args)))
    const unknownPlacer = await fail(["--os-admin-password", "pw", "--placement", "nope", "--mode", "memory"])
    expect(describeError(unknownPlacer)).toBe("configuration: algorithm_vm_placement_factory: unknown: nope")
    const badJson = await fail(["--os-admin-password", "pw", "--placement", "test/bfd:{x", "--mode", "memory"])
    expect(describeError(badJson)).toMatch(/^configuration: --placement: parameters are not JSON/)
    const noSecret = await fail(["--disable-neat-auth", "--placement", "test/bfd", "--mode", "memory"])
    expect(describeError(noSecret)).toMatch(/^configuration: global_manager_signing_secret: required/)
    const badCloud = await fail(["--os-admin-password", "pw", "--placement", "test/bfd", "--mode", "moon"])
    // --mode is a choice: the parser refuses a cloud the build does not offer.
    expect(ValidationError.isValidationError(badCloud)).toBe(true)
  })
})
