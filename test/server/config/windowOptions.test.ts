/** blackout_windows, maintenance_windows and disruption_budget: neat.conf, the environment, serve's flags, and their errors. */

import { readFileSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { describeError } from "../../../src/core/errors.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { defaultWiring } from "../../../src/server/cli/wiring.js"
import { defaultConfigFile, resolveNeatConfig } from "../../../src/server/config/NeatConfig.js"
import { runCommandInProcess } from "../../support/neatCli.js"

const defaults = { file: "config/neat.conf", text: readFileSync(defaultConfigFile, "utf8") }
const resolve = (overrides: string, env: Record<string, string> = {}) =>
  resolveNeatConfig([defaults, { file: "site.conf", text: `[DEFAULT]\n${overrides}` }], env)
const problems = (overrides: string, env: Record<string, string> = {}) => {
  const result = resolve(overrides, env)
  if (Either.isRight(result)) throw new Error("expected the configuration to be rejected")
  return result.left.problems.map((p) => [p.field, p.source, p.message])
}

const dirs: Array<string> = []
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

describe("window and budget options in neat.conf", () => {
  it("default to none, and read windows and a budget from the file or the environment", () => {
    const none = Either.getOrThrow(resolve(""))
    expect(none.blackoutWindows).toEqual([])
    expect(none.maintenanceWindows).toEqual([])
    expect(none.disruptionBudget).toBeUndefined()
    const set = Either.getOrThrow(
      resolve("blackout_windows = 0 8 * * 1-5 10h; 0 0 25 12 * 24h\ndisruption_budget = 10%\n", {
        NEAT_MAINTENANCE_WINDOWS: "TZ=Europe/Paris 0 1 * * 6,0 4h"
      })
    )
    expect(set.blackoutWindows.map((window) => [window.text, window.durationMs])).toEqual([
      ["0 8 * * 1-5 10h", 36_000_000],
      ["0 0 25 12 * 24h", 86_400_000]
    ])
    expect(set.maintenanceWindows[0]?.timeZone).toBe("Europe/Paris")
    expect(set.disruptionBudget).toEqual({ kind: "percent", value: 10, text: "10%" })
  })

  it("name the option, where it was set, and the bad field", () => {
    expect(
      problems(
        "blackout_windows = 0 8 * * 1-5 10h; 0 0 32 12 * 24h\nmaintenance_windows = 0 2 * *\ndisruption_budget = lots\n"
      )
    ).toEqual([
      [
        "blackout_windows",
        "site.conf:2",
        "window 2 ('0 0 32 12 * 24h'): day-of-month field '32': 32 is out of range 1-31"
      ],
      [
        "maintenance_windows",
        "site.conf:3",
        "'0 2 * *' must be a cron expression (5 fields, or a macro such as @daily) and a duration, such as '0 8 * * 1-5 10h'"
      ],
      [
        "disruption_budget",
        "site.conf:4",
        "'lots' must be a share of the hosts such as 10%, or a number of hosts such as 3"
      ]
    ])
    expect(problems("", { NEAT_BLACKOUT_WINDOWS: "TZ=Nowhere/Land @daily 1h" })).toEqual([
      [
        "blackout_windows",
        "env NEAT_BLACKOUT_WINDOWS",
        "unknown time zone 'Nowhere/Land' (an IANA name such as Europe/Paris or UTC)"
      ]
    ])
  })
})

describe("serve's window and budget flags", () => {
  const serveError = async (args: ReadonlyArray<string>) =>
    describeError(
      await Effect.runPromise(
        Effect.flip(
          runCommandInProcess(makeServeCommand(defaultWiring), [
            "--mode",
            "sim",
            "--os-admin-password",
            "secret",
            ...args
          ])
        )
      )
    )

  it("refuse a bad value with the option's name", async () => {
    expect(await serveError(["--blackout-windows", "0 25 * * * 1h"])).toBe(
      "configuration: blackout_windows: hour field '25': 25 is out of range 0-23 (--blackout-windows)"
    )
    expect(await serveError(["--maintenance-windows", "0 2 * * * 2x"])).toMatch(
      /^configuration: maintenance_windows: duration '2x' must be whole days/
    )
    expect(await serveError(["--disruption-budget", "101%"])).toBe(
      "configuration: disruption_budget: '101%' is more than 100% (--disruption-budget)"
    )
  })

  it("override neat.conf's values", async () => {
    const dir = await mkdtemp(join(tmpdir(), "neat-windows-"))
    dirs.push(dir)
    const conf = join(dir, "neat.conf")
    await writeFile(conf, "[DEFAULT]\ndisruption_budget = nonsense\n")
    // The file's bad value is reported even when a flag would override it: the file is wrong.
    expect(await serveError(["--config", conf, "--disruption-budget", "3"])).toMatch(/disruption_budget: 'nonsense'/)
  })
})
