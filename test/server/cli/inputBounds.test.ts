/** Bad inputs that once crashed or were silently taken: each refused with a clear error and exit status 1. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { neat } from "../../support/neatCli.js"

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
    const run = await neat(["serve", "--config", conf, "--cloud", "sim", "--global-manager-port", "0"])
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(stepMessage)
    expect(run.stderr).toContain(`${conf}:2`)
    expect(run.stderr).not.toContain("    at ")
  })
})
